#include "tufkey/pkcs11/session.h"

#include <fmt/core.h>

#include "cryptoki.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::pkcs11 {
namespace {

using core::Error;
using core::ErrorCode;

CK_FUNCTION_LIST* fns(const Slot& slot) { return slot.module()->functions().f; }

CK_UTF8CHAR_PTR pin_ptr(const core::SecretBytes& pin) {
    return const_cast<CK_UTF8CHAR_PTR>(reinterpret_cast<const CK_UTF8CHAR*>(pin.reveal().data()));
}

std::string pin_state(const TokenFlags& f) {
    if (f.pin_locked) return "the PIN is now locked (unblock it with the SO PIN or PUK)";
    if (f.pin_final_try) return "one more wrong PIN locks it";
    if (f.pin_count_low) return "it reports few tries left";
    return "it reports no PIN-retry warning";
}

}  // namespace

core::Result<std::shared_ptr<Session>> Session::open(const Slot& slot, bool read_write) {
    TUFKEY_TRY(TokenInfo token, slot.token_info());
    if (!token.flags.initialized) {
        return Error(ErrorCode::token, fmt::format("the token in slot {} is not initialised", slot.id()),
                     CKR_TOKEN_NOT_RECOGNIZED);
    }
    CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    const CK_RV rv = fns(slot)->C_OpenSession(slot.id(), flags, nullptr, nullptr, &handle);
    if (rv == CKR_TOKEN_WRITE_PROTECTED && read_write) {
        return Error(ErrorCode::token, fmt::format("token {} is write-protected", token.describe()), rv);
    }
    if (rv != CKR_OK) {
        Session probe(slot, token, 0);
        return probe.error("opening a session", rv);
    }
    return std::shared_ptr<Session>(new Session(slot, std::move(token), handle));
}

Session::~Session() {
    if (m_handle == 0) return;
    CK_FUNCTION_LIST* f = fns(m_slot);
    if (m_logged_in) f->C_Logout(m_handle);
    f->C_CloseSession(m_handle);
}

core::Error Session::error(std::string_view what, std::uint64_t rv) const {
    const std::string token = m_token.describe();
    switch (rv) {
        case CKR_TOKEN_NOT_PRESENT:
        case CKR_DEVICE_REMOVED:
        case CKR_SESSION_HANDLE_INVALID:
        case CKR_SESSION_CLOSED:
            return Error(ErrorCode::token,
                         fmt::format("token {} was removed or its session closed while {} ({}); plug it in and "
                                     "run the command again",
                                     token, what, ck_rv_name(rv)),
                         rv);
        case CKR_KEY_HANDLE_INVALID:
        case CKR_OBJECT_HANDLE_INVALID:
            return Error(ErrorCode::token,
                         fmt::format("the key is no longer on token {} while {} ({}); was the token removed or the key "
                                     "deleted? plug the token in and run the command again",
                                     token, what, ck_rv_name(rv)),
                         rv);
        case CKR_USER_NOT_LOGGED_IN:
            return Error(ErrorCode::token,
                         fmt::format("token {} needs a user login (PIN) for {} (CKR_USER_NOT_LOGGED_IN)", token, what),
                         rv);
        case CKR_DEVICE_ERROR:
            return Error(
                ErrorCode::token,
                fmt::format("token {} reported a device error while {}; check the reader and pcscd", token, what), rv);
        default:
            return detail::ck_error(fmt::format("{} on token {} failed", what, token), rv);
    }
}

core::Error Session::wrong_pin(std::uint64_t rv) const {
    auto now = m_slot.token_info();
    const std::string state = now ? pin_state(now->flags) : "its PIN state could not be read";
    return Error(ErrorCode::token, fmt::format("wrong PIN for token {} (not retried; {})", m_token.describe(), state),
                 rv);
}

core::Result<LoginReport> Session::login(PinSource& pins) {
    TUFKEY_TRY(TokenInfo now, m_slot.token_info());
    const std::string token = now.describe();
    if (now.flags.pin_locked) {
        return Error(ErrorCode::token,
                     fmt::format("the user PIN of token {} is locked; unblock it with the SO PIN or PUK (YubiKey: "
                                 "ykman piv access unblock-pin) before using the token",
                                 token),
                     CKR_PIN_LOCKED);
    }
    LoginReport report;
    if (now.flags.pin_final_try) {
        report.warnings.push_back(fmt::format("token {}: one more wrong PIN locks it", token));
    } else if (now.flags.pin_count_low) {
        report.warnings.push_back(
            fmt::format("token {} reports that a wrong PIN was entered; few tries are left", token));
    }
    CK_FUNCTION_LIST* f = fns(m_slot);
    CK_RV rv = CKR_OK;
    if (now.flags.protected_authentication_path) {
        report.warnings.push_back(fmt::format("enter the PIN on the PIN pad of token {}", token));
        rv = f->C_Login(m_handle, CKU_USER, nullptr, 0);
    } else {
        TUFKEY_TRY(core::SecretBytes pin, pins.pin_for(now));
        if (is_well_known_default_pin(pin)) {
            report.warnings.push_back(fmt::format(
                "token {} uses a well-known default PIN (such as the YubiKey PIV default); change it", token));
        }
        rv = f->C_Login(m_handle, CKU_USER, pin_ptr(pin), pin.size());
        if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) m_pin = std::move(pin);
    }
    switch (rv) {
        case CKR_OK:
            m_logged_in = true;
            return report;
        case CKR_USER_ALREADY_LOGGED_IN:
            return report;
        case CKR_PIN_INCORRECT:
            return wrong_pin(rv);
        case CKR_PIN_LOCKED:
            return Error(ErrorCode::token,
                         fmt::format("the user PIN of token {} is locked; unblock it with the SO PIN or PUK", token),
                         rv);
        case CKR_PIN_LEN_RANGE:
        case CKR_ARGUMENTS_BAD:
            return Error(ErrorCode::token,
                         fmt::format("the PIN for token {} has the wrong length (it must be {} to {} characters)",
                                     token, now.min_pin_length, now.max_pin_length),
                         rv);
        default:
            return error("logging in", rv);
    }
}

core::Result<void> Session::login_context_specific() {
    if (m_pin.empty()) {
        return Error(ErrorCode::token,
                     fmt::format("the key on token {} needs its PIN for each signature, but no PIN was given",
                                 m_token.describe()));
    }
    const CK_RV rv = fns(m_slot)->C_Login(m_handle, CKU_CONTEXT_SPECIFIC, pin_ptr(m_pin), m_pin.size());
    if (rv == CKR_PIN_INCORRECT) return wrong_pin(rv);
    if (rv != CKR_OK) return error("the per-signature login", rv);
    return core::success();
}

}  // namespace tufkey::pkcs11
