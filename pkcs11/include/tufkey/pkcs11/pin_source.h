// PinSource: where a token's user PIN comes from.
//
// The CLI's order (CliPinSource): a --pin-file LABEL=FILE whose LABEL is the token's label, then
// a plain --pin-file FILE, then $TUFKEY_PKCS11_PIN, then a no-echo prompt on the terminal that
// names the token. Without a terminal (stdin is not a TTY) there is no prompt: the error names
// --pin-file and TUFKEY_PKCS11_PIN. PINs live only in core::SecretBytes and never reach argv,
// logs, URIs or error text. Nothing here retries: a wrong PIN is reported, not asked again.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
    static core::Result<std::unique_ptr<CliPinSource>> create(const std::vector<std::string>& pin_file_specs,
                                                              bool allow_prompt = true);

    [[nodiscard]] core::Result<core::SecretBytes> pin_for(const TokenInfo& token) override;

private:
    CliPinSource(std::map<std::string, std::string> by_label, std::optional<std::string> any_token, bool allow_prompt)
        : m_files_by_label(std::move(by_label)),
          m_file_for_any_token(std::move(any_token)),
          m_allow_prompt(allow_prompt) {}

    std::map<std::string, std::string> m_files_by_label;
    std::optional<std::string> m_file_for_any_token;
    bool m_allow_prompt;
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

// Asks on the terminal without echo: "PIN for token 'LABEL' (serial S): ". Fails when stdin is
// not a terminal.
core::Result<core::SecretBytes> prompt_pin(const TokenInfo& token);

// True for vendor default PINs (YubiKey PIV "123456", "12345678", "0000", "1234").
bool is_well_known_default_pin(const core::SecretBytes& pin);

}  // namespace tufkey::pkcs11
