#include "interaction.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace tufkey::cli {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

void write_stderr(std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Reads stdin up to a newline into `out`. False on end of input before any newline.
bool read_line(SecretBytes& out) {
    for (;;) {
        unsigned char c = 0;
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        if (c == '\n') return true;
        if (c != '\r') out.push_back(c);
        c = 0;
    }
}

class StdinTerminal final : public core::Terminal {
public:
    [[nodiscard]] bool interactive() const override { return ::isatty(STDIN_FILENO) == 1; }

    Result<SecretBytes> read_secret(std::string_view prompt) override {
        write_stderr(prompt);
        termios saved{};
        const bool have_tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
        if (have_tty) {
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            quiet.c_lflag |= ECHONL;
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        SecretBytes line;
        const bool ok = read_line(line);
        if (have_tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        if (!ok) {
            write_stderr("\n");
            return Error(ErrorCode::io, "no input at the prompt");
        }
        return line;
    }

    Result<bool> confirm(std::string_view question) override {
        if (!interactive()) return Error(ErrorCode::usage, "confirmation needed: run at a terminal or pass --yes");
        write_stderr(question);
        write_stderr(" [y/N] ");
        SecretBytes line;
        if (!read_line(line)) return false;
        const std::string_view answer = line.reveal_as_chars();
        return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
    }

    void tell(std::string_view line) override {
        write_stderr(line);
        write_stderr("\n");
    }
};

// One line on stderr, rewritten in place ("\r", erase to the end), at most five times a second.
class TerminalProgress final : public core::Progress {
public:
    void update(std::string_view what, std::uint64_t done, std::uint64_t total) override {
        const auto now = std::chrono::steady_clock::now();
        if (m_shown && now - m_last < std::chrono::milliseconds(200) && done != total) return;
        m_last = now;
        m_shown = true;
        std::string line = "\r\033[K" + std::string(what) + ": ";
        if (total > 0)
            line += std::to_string(done * 100 / total) + "% (" + std::to_string(done) + " of " + std::to_string(total) +
                    ")";
        else
            line += std::to_string(done);
        write_stderr(line);
    }
    void finish() override {
        if (m_shown) write_stderr("\r\033[K");
        m_shown = false;
    }
    ~TerminalProgress() override { finish(); }

private:
    std::chrono::steady_clock::time_point m_last{};
    bool m_shown = false;
};

}  // namespace

std::unique_ptr<core::Progress> Interaction::progress(bool json) const {
    if (json || ::isatty(STDERR_FILENO) != 1) return nullptr;
    return std::make_unique<TerminalProgress>();
}

Interaction::Interaction() : m_terminal(std::make_unique<StdinTerminal>()) {}

core::EnvLookup Interaction::environment() const {
    return [](const std::string& name) -> std::optional<SecretBytes> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr || *value == '\0') return std::nullopt;
        return SecretBytes::copy_of(std::string_view(value));
    };
}

std::string Interaction::variable(const std::string& name) const { return core::env_text(environment(), name); }

}  // namespace tufkey::cli
