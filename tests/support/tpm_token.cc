#include "tpm_token.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "process.h"

namespace tufkey::testing {
namespace {

std::string fixture_script(const std::string& name) {
    return std::string(TUFKEY_SOURCE_DIR) + "/tests/fixtures/tpm/" + name;
}

// "export NAME='value'" lines of start-tpm.sh.
std::map<std::string, std::optional<std::string>> parse_exports(const std::string& text) {
    std::map<std::string, std::optional<std::string>> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("export ")) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string value = line.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
            value = value.substr(1, value.size() - 2);
        out[line.substr(7, eq - 7)] = value;
    }
    return out;
}

}  // namespace

TpmToken::TpmToken(const std::string& label) : m_dir("tufkey-tpm"), m_label(label) {
    ProcessOptions options;
    options.env["TPM_FIXTURE_WATCH_PID"] = std::to_string(getpid());
    options.env["TPM_FIXTURE_USER_PIN"] = "24681357";
    options.env["TPM_FIXTURE_SO_PIN"] = "87654321";
    options.timeout = std::chrono::seconds(90);
    const auto started = run_process({fixture_script("start-tpm.sh"), m_dir.path().string(), label}, options);
    if (started.exit_code != 0) {
        throw std::runtime_error("TpmToken: start-tpm.sh failed (exit " + std::to_string(started.exit_code) +
                                 "): " + started.err);
    }
    m_running = true;
    auto exported = parse_exports(started.out);
    for (const char* name : {"DBUS_SESSION_BUS_ADDRESS", "TPM2TOOLS_TCTI", "TPM2_PKCS11_TCTI", "TPM2_PKCS11_STORE"}) {
        if (!exported[name]) {
            stop();
            throw std::runtime_error(std::string("TpmToken: start-tpm.sh printed no ") + name);
        }
        m_env[name] = exported[name];
    }
    m_port = std::stoi(exported["TPM_FIXTURE_PORT"].value_or("0"));
    // tpm2-pkcs11 logs template mismatches at its default level; tests read stderr, keep it quiet.
    m_env["TPM2_PKCS11_LOG_LEVEL"] = "0";
    for (const auto& [name, value] : m_env) {
        const char* previous = std::getenv(name.c_str());
        m_previous[name] = previous ? std::optional<std::string>(previous) : std::nullopt;
        ::setenv(name.c_str(), value->c_str(), 1);
    }
}

void TpmToken::stop() {
    if (!m_running) return;
    m_running = false;
    ProcessOptions options;
    options.timeout = std::chrono::seconds(30);
    (void)run_process({fixture_script("stop-tpm.sh"), m_dir.path().string()}, options);
}

TpmToken::~TpmToken() {
    stop();
    for (const auto& [name, value] : m_previous) {
        if (value)
            ::setenv(name.c_str(), value->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
}

}  // namespace tufkey::testing
