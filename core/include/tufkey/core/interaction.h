// The person and the process around tufkey, as the lower layers see them: a Terminal to ask on
// and an environment to read. cli/ owns the one real implementation (cli/src/interaction.h:
// stdin/stderr with echo off for secrets, and the process environment) and hands these
// interfaces down to the passphrase source (keystore/) and the PIN source (pkcs11/), which
// never call getenv or touch the terminal themselves. Tests substitute fakes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"

namespace tufkey::core {

class Terminal {
public:
    virtual ~Terminal() = default;
    Terminal() = default;
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    // Whether a person can be asked (stdin is a terminal).
    [[nodiscard]] virtual bool interactive() const = 0;
    // Shows `prompt` and reads one line without echo. ErrorCode::io on end of input.
    [[nodiscard]] virtual Result<SecretBytes> read_secret(std::string_view prompt) = 0;
    // Shows `question` and reads y/n; anything but y/yes is no.
    [[nodiscard]] virtual Result<bool> confirm(std::string_view question) = 0;
    // One line of information for the person at the terminal (stderr).
    virtual void tell(std::string_view line) = 0;
};

// Reads one environment variable: nullopt when unset or empty. Values are kept as secrets
// because passphrase and PIN variables are read through the same lookup.
using EnvLookup = std::function<std::optional<SecretBytes>(const std::string& name)>;

// The plain-text value of a non-secret variable (a path, a URL), or "" when unset.
std::string env_text(const EnvLookup& env, const std::string& name);

}  // namespace tufkey::core
