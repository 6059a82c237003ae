// Slots and tokens of a Module: listing, PIN-state flags, mechanisms, and choosing the one
// token a URI names.
//
// Slot is a cheap value (the Module and a slot ID); every call asks the module afresh, so PIN
// flags are live (C_GetTokenInfo), never cached. Slot IDs are only valid within one process.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/uri.h"

namespace tufkey::pkcs11 {

using SlotId = std::uint64_t;
using MechanismType = std::uint64_t;

// The mechanisms tufkey uses, with Cryptoki's values.
namespace ckm {
inline constexpr MechanismType rsa_pkcs_key_pair_gen = 0x0;
inline constexpr MechanismType sha256_rsa_pkcs = 0x40;
inline constexpr MechanismType sha256_rsa_pkcs_pss = 0x43;
inline constexpr MechanismType ec_key_pair_gen = 0x1040;
inline constexpr MechanismType ecdsa = 0x1041;
inline constexpr MechanismType ec_edwards_key_pair_gen = 0x1055;
inline constexpr MechanismType eddsa = 0x1057;
}  // namespace ckm

// "CKM_ECDSA" for 0x1041; "CKM_0x..." for others.
std::string ckm_name(MechanismType mechanism);

struct TokenFlags final {
    bool initialized = false;                    // CKF_TOKEN_INITIALIZED
    bool login_required = false;                 // CKF_LOGIN_REQUIRED
    bool user_pin_initialized = false;           // CKF_USER_PIN_INITIALIZED
    bool protected_authentication_path = false;  // PIN entered on the device (PIN pad)
    bool write_protected = false;
    bool pin_count_low = false;      // CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered
    bool pin_final_try = false;      // CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks it
    bool pin_locked = false;         // CKF_USER_PIN_LOCKED
    bool pin_to_be_changed = false;  // CKF_USER_PIN_TO_BE_CHANGED

    // Names of the set flags, e.g. {"initialized", "login-required", "pin-count-low"}.
    [[nodiscard]] std::vector<std::string> names() const;
};

struct TokenInfo final {
    std::string label;
    std::string manufacturer;
    std::string model;
    std::string serial;
    TokenFlags flags;
    unsigned long min_pin_length = 0;
    unsigned long max_pin_length = 0;

    // pkcs11:model=...;manufacturer=...;serial=...;token=... naming this token.
    [[nodiscard]] Uri uri() const;
    // "'label' (serial S)" for messages.
    [[nodiscard]] std::string describe() const;
};

struct SlotInfo final {
    SlotId id = 0;
    std::string description;
    std::string manufacturer;
    bool token_present = false;
    bool removable = false;
    bool hardware = false;
    std::optional<TokenInfo> token;  // when a token is present
};

// Every slot of the module (C_GetSlotList(FALSE)), with its token's info when one is present.
// ykcs11 without pcscd answers CKR_DEVICE_ERROR: "cannot reach PC/SC (is pcscd running?)".
core::Result<std::vector<SlotInfo>> list_slots(const Module& module);

class Slot final {
public:
    Slot(std::shared_ptr<Module> module, SlotId id) : m_module(std::move(module)), m_id(id) {}

    [[nodiscard]] const std::shared_ptr<Module>& module() const noexcept { return m_module; }
    [[nodiscard]] SlotId id() const noexcept { return m_id; }
    // Live C_GetTokenInfo; CKR_TOKEN_NOT_PRESENT and the like say the token was removed.
    [[nodiscard]] core::Result<TokenInfo> token_info() const;
    [[nodiscard]] core::Result<std::vector<MechanismType>> mechanisms() const;
    [[nodiscard]] core::Result<bool> supports(MechanismType mechanism) const;
    // The key types (core::KeyType names) the token can both generate
    // and sign with, for messages about unsupported mechanisms.
    [[nodiscard]] core::Result<std::vector<std::string>> key_types_offered() const;

private:
    std::shared_ptr<Module> m_module;
    SlotId m_id;
};

// The one initialised token the URI's token, slot and library attributes select. No token
// attribute at all selects the only initialised token. Errors (all ErrorCode::token): no slots,
// no match (listing the tokens present), several matches (asking for a more specific URI),
// the token not initialised, an unknown path attribute in the URI.
core::Result<Slot> select_token(const std::shared_ptr<Module>& module, const Uri& uri);

}  // namespace tufkey::pkcs11
