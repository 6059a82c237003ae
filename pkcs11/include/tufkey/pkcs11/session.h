// Session: one Cryptoki session on one token (C_OpenSession .. C_CloseSession).
//
// The destructor is noexcept: it logs out if this Session logged in, then closes the session.
// login() asks the PinSource once: a locked PIN is refused before any attempt, count-low and
// final-try flags and well-known default PINs come back as warnings, and a wrong PIN is an
// error that reports the token's PIN flags afterwards. It is never retried. The PIN of a
// successful login is kept (in SecretBytes, wiped with the Session) only for the
// context-specific logins that CKA_ALWAYS_AUTHENTICATE keys need before every signature.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/token.h"

namespace tufkey::pkcs11 {

struct LoginReport final {
    std::vector<std::string> warnings;  // one line each, for the CLI to print
};

class Session final {
public:
    // Opens a serial session, read-write when `read_write` (needed for key generation).
    static core::Result<std::shared_ptr<Session>> open(const Slot& slot, bool read_write);

    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    [[nodiscard]] const Slot& slot() const noexcept { return m_slot; }
    [[nodiscard]] const TokenInfo& token() const noexcept { return m_token; }
    [[nodiscard]] std::uint64_t handle() const noexcept { return m_handle; }
    [[nodiscard]] bool logged_in() const noexcept { return m_logged_in; }

    // The user login (CKU_USER); see the header comment.
    [[nodiscard]] core::Result<LoginReport> login(PinSource& pins);
    // CKU_CONTEXT_SPECIFIC with the PIN of login(); call between C_SignInit and C_Sign.
    [[nodiscard]] core::Result<void> login_context_specific();

    // An error for a failed call `what` on this token: a removed token, a closed session and a
    // missing login get their own messages; anything else names the CK_RV. Keeps the CK_RV.
    [[nodiscard]] core::Error error(std::string_view what, std::uint64_t rv) const;

private:
    Session(Slot slot, TokenInfo token, std::uint64_t handle)
        : m_slot(std::move(slot)), m_token(std::move(token)), m_handle(handle) {}

    [[nodiscard]] core::Error wrong_pin(std::uint64_t rv) const;

    Slot m_slot;
    TokenInfo m_token;
    std::uint64_t m_handle;
    bool m_logged_in = false;
    core::SecretBytes m_pin;
};

}  // namespace tufkey::pkcs11
