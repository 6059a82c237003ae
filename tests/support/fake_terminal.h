// A scripted Terminal and environment (the interfaces of core/interaction.h) for passphrase and
// PIN tests.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/core/interaction.h"

namespace tufkey::testing {

class FakeTerminal final : public core::Terminal {
public:
    explicit FakeTerminal(bool interactive = true) : m_interactive(interactive) {}
    void answer(std::string line) { m_answers.push_back(std::move(line)); }

    [[nodiscard]] bool interactive() const override { return m_interactive; }
    core::Result<core::SecretBytes> read_secret(std::string_view prompt) override {
        prompts.emplace_back(prompt);
        if (m_answers.empty()) return core::Error(core::ErrorCode::io, "no input at the passphrase prompt");
        auto line = core::SecretBytes::copy_of(m_answers.front());
        m_answers.pop_front();
        return line;
    }
    core::Result<bool> confirm(std::string_view question) override {
        prompts.emplace_back(question);
        if (m_answers.empty()) return false;
        bool yes = m_answers.front() == "y";
        m_answers.pop_front();
        return yes;
    }
    void tell(std::string_view line) override { told.emplace_back(line); }

    std::vector<std::string> prompts;
    std::vector<std::string> told;

private:
    bool m_interactive;
    std::deque<std::string> m_answers;
};

inline core::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<core::SecretBytes> {
        auto it = vars.find(name);
        if (it == vars.end() || it->second.empty()) return std::nullopt;
        return core::SecretBytes::copy_of(it->second);
    };
}

inline core::SecretBytes secret(std::string_view text) { return core::SecretBytes::copy_of(text); }

}  // namespace tufkey::testing
