// PinSource: where a token's user PIN comes from.
//
// The CLI's order (CliPinSource): a --pin-file LABEL=FILE whose LABEL is the token's label, then
// a plain --pin-file FILE, then $TUFKEY_PKCS11_PIN, then a no-echo prompt on the terminal that
// names the token. Without a terminal (stdin is not a TTY) there is no prompt: the error names
// --pin-file and TUFKEY_PKCS11_PIN. The terminal and the environment are the interaction
// object's (core/interaction.h, owned by cli/): this module never reads either itself. PINs live only in
// core::SecretBytes and never reach argv, logs, URIs or error text. Nothing here retries: a wrong PIN is reported, not
// asked again.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/core/interaction.h"
#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"
#include "tufkey/pkcs11/token.h"

namespace tufkey::pkcs11 {

class PinSource {
public:
    virtual ~PinSource() = default;
    PinSource() = default;
    PinSource(const PinSource&) = delete;
    PinSource& operator=(const PinSource&) = delete;

    // The user PIN for `token`, asked once per login attempt.
    [[nodiscard]] virtual core::Result<core::SecretBytes> pin_for(const TokenInfo& token) = 0;
};

class CliPinSource final : public PinSource {
public:
    // `pin_file_specs`: the --pin-file values, each "FILE" or "LABEL=FILE" (a spec naming an
    // existing file as a whole is taken as FILE even if it contains '='). Two files for the
    // same label, or two plain files, are a usage error. Files are read when a PIN is needed.
    // `terminal` and `env` must outlive the source.
    static core::Result<std::unique_ptr<CliPinSource>> create(const std::vector<std::string>& pin_file_specs,
                                                              core::Terminal& terminal, core::EnvLookup env);

    [[nodiscard]] core::Result<core::SecretBytes> pin_for(const TokenInfo& token) override;

private:
    CliPinSource(std::map<std::string, std::string> by_label, std::optional<std::string> any_token,
                 core::Terminal& terminal, core::EnvLookup env)
        : m_files_by_label(std::move(by_label)),
          m_file_for_any_token(std::move(any_token)),
          m_terminal(terminal),
          m_env(std::move(env)) {}

    std::map<std::string, std::string> m_files_by_label;
    std::optional<std::string> m_file_for_any_token;
    core::Terminal& m_terminal;
    core::EnvLookup m_env;
};

// A PIN already at hand (ceremony code that asked once, tests).
class FixedPinSource final : public PinSource {
public:
    explicit FixedPinSource(core::SecretBytes pin) : m_pin(std::move(pin)) {}
    [[nodiscard]] core::Result<core::SecretBytes> pin_for(const TokenInfo&) override { return m_pin.clone(); }

private:
    core::SecretBytes m_pin;
};

// The first line of `path` without its line end. Empty: an error. The error names the file,
// never its content.
core::Result<core::SecretBytes> read_pin_file(const std::string& path);

// True for vendor default PINs (YubiKey PIV "123456", "12345678", "0000", "1234").
bool is_well_known_default_pin(const core::SecretBytes& pin);

}  // namespace tufkey::pkcs11
