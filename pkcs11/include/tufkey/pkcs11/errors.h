// Names for PKCS#11 return values (CK_RV), for messages and tests.
//
// Every token failure in tufkey is a core::Error with ErrorCode::token (exit 3), a one-line
// message, and the raw CK_RV in Error::ck_rv when a Cryptoki call produced it. The values
// below mirror Cryptoki's so that callers need not include pkcs11.h.
#pragma once

#include <cstdint>
#include <string>

namespace tufkey::pkcs11 {

// "CKR_PIN_INCORRECT" for 0xA0; "CKR_VENDOR_DEFINED+0x5" for vendor codes;
// "CKR_0x..." for a value the table does not know.
std::string ck_rv_name(std::uint64_t rv);

// The return values tufkey reacts to by name.
namespace ckr {
inline constexpr std::uint64_t ok = 0x0;
inline constexpr std::uint64_t device_error = 0x30;
inline constexpr std::uint64_t device_removed = 0x32;
inline constexpr std::uint64_t mechanism_invalid = 0x70;
inline constexpr std::uint64_t pin_incorrect = 0xA0;
inline constexpr std::uint64_t pin_len_range = 0xA2;
inline constexpr std::uint64_t pin_locked = 0xA4;
inline constexpr std::uint64_t session_handle_invalid = 0xB3;
inline constexpr std::uint64_t token_not_present = 0xE0;
inline constexpr std::uint64_t token_not_recognized = 0xE1;
inline constexpr std::uint64_t user_not_logged_in = 0x101;
inline constexpr std::uint64_t cryptoki_not_initialized = 0x190;
}  // namespace ckr

}  // namespace tufkey::pkcs11
