#include "tufkey/pkcs11/token.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "cryptoki.h"
#include "tufkey/core/key_type.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::pkcs11 {
namespace {

using core::Error;
using core::ErrorCode;

TokenInfo to_token_info(const CK_TOKEN_INFO& t) {
    TokenInfo info;
    info.label = detail::trim_padded(t.label, sizeof t.label);
    info.manufacturer = detail::trim_padded(t.manufacturerID, sizeof t.manufacturerID);
    info.model = detail::trim_padded(t.model, sizeof t.model);
    info.serial = detail::trim_padded(t.serialNumber, sizeof t.serialNumber);
    info.flags.initialized = (t.flags & CKF_TOKEN_INITIALIZED) != 0;
    info.flags.login_required = (t.flags & CKF_LOGIN_REQUIRED) != 0;
    info.flags.user_pin_initialized = (t.flags & CKF_USER_PIN_INITIALIZED) != 0;
    info.flags.protected_authentication_path = (t.flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
    info.flags.write_protected = (t.flags & CKF_WRITE_PROTECTED) != 0;
    info.flags.pin_count_low = (t.flags & CKF_USER_PIN_COUNT_LOW) != 0;
    info.flags.pin_final_try = (t.flags & CKF_USER_PIN_FINAL_TRY) != 0;
    info.flags.pin_locked = (t.flags & CKF_USER_PIN_LOCKED) != 0;
    info.flags.pin_to_be_changed = (t.flags & CKF_USER_PIN_TO_BE_CHANGED) != 0;
    info.min_pin_length = t.ulMinPinLen;
    info.max_pin_length = t.ulMaxPinLen;
    return info;
}

Error slot_list_error(const Module& module, CK_RV rv) {
    if (rv == CKR_DEVICE_ERROR) {
        return Error(ErrorCode::token,
                     fmt::format("{} cannot reach PC/SC (is pcscd running?): C_GetSlotList returned CKR_DEVICE_ERROR",
                                 module.path()),
                     rv);
    }
    return detail::ck_error(fmt::format("{}: cannot list slots", module.path()), rv);
}

bool text_matches(const std::optional<std::string>& wanted, const std::string& actual) {
    return !wanted || *wanted == actual;
}

bool matches(const Uri& uri, const ModuleInfo& module, const SlotInfo& slot) {
    const TokenInfo& t = *slot.token;
    return text_matches(uri.token, t.label) && text_matches(uri.manufacturer, t.manufacturer) &&
           text_matches(uri.serial, t.serial) && text_matches(uri.model, t.model) &&
           text_matches(uri.slot_description, slot.description) &&
           text_matches(uri.slot_manufacturer, slot.manufacturer) &&
           text_matches(uri.library_manufacturer, module.manufacturer) &&
           text_matches(uri.library_description, module.description) &&
           text_matches(uri.library_version, module.library_version) && (!uri.slot_id || *uri.slot_id == slot.id);
}

std::string list_tokens(const std::vector<SlotInfo>& slots) {
    std::string out;
    std::size_t uninitialised = 0;
    for (const auto& s : slots) {
        if (!s.token) continue;
        if (!s.token->flags.initialized) {
            ++uninitialised;
            continue;
        }
        out += (out.empty() ? "" : ", ") + s.token->describe();
    }
    if (out.empty()) out = "no initialised token";
    if (uninitialised > 0) out += fmt::format(" and {} uninitialised slot(s)", uninitialised);
    return out;
}

Error not_initialised(const Module& module, const SlotInfo& slot) {
    return Error(ErrorCode::token,
                 fmt::format("the token in slot {} of {} is not initialised; initialise it first (for SoftHSM: "
                             "softhsm2-util --init-token --free --label LABEL)",
                             slot.id, module.path()),
                 CKR_TOKEN_NOT_RECOGNIZED);
}

}  // namespace

std::string ckm_name(MechanismType mechanism) {
    static constexpr std::array<std::pair<MechanismType, const char*>, 7> names{{
        {ckm::rsa_pkcs_key_pair_gen, "CKM_RSA_PKCS_KEY_PAIR_GEN"},
        {ckm::sha256_rsa_pkcs, "CKM_SHA256_RSA_PKCS"},
        {ckm::sha256_rsa_pkcs_pss, "CKM_SHA256_RSA_PKCS_PSS"},
        {ckm::ec_key_pair_gen, "CKM_EC_KEY_PAIR_GEN"},
        {ckm::ecdsa, "CKM_ECDSA"},
        {ckm::ec_edwards_key_pair_gen, "CKM_EC_EDWARDS_KEY_PAIR_GEN"},
        {ckm::eddsa, "CKM_EDDSA"},
    }};
    for (const auto& [value, name] : names) {
        if (value == mechanism) return name;
    }
    return fmt::format("CKM_{:#x}", mechanism);
}

std::vector<std::string> TokenFlags::names() const {
    std::vector<std::string> out;
    auto add = [&](bool set, const char* name) {
        if (set) out.emplace_back(name);
    };
    add(initialized, "initialized");
    add(login_required, "login-required");
    add(user_pin_initialized, "user-pin-initialized");
    add(protected_authentication_path, "protected-authentication-path");
    add(write_protected, "write-protected");
    add(pin_count_low, "pin-count-low");
    add(pin_final_try, "pin-final-try");
    add(pin_locked, "pin-locked");
    add(pin_to_be_changed, "pin-to-be-changed");
    return out;
}

Uri TokenInfo::uri() const {
    Uri uri;
    uri.model = model;
    uri.manufacturer = manufacturer;
    uri.serial = serial;
    uri.token = label;
    return uri;
}

std::string TokenInfo::describe() const { return fmt::format("'{}' (serial {})", label, serial); }

core::Result<std::vector<SlotInfo>> list_slots(const Module& module) {
    CK_FUNCTION_LIST* f = module.functions().f;
    CK_ULONG count = 0;
    CK_RV rv = f->C_GetSlotList(CK_FALSE, nullptr, &count);
    if (rv != CKR_OK) return slot_list_error(module, rv);
    std::vector<CK_SLOT_ID> ids(count);
    if (count > 0) {
        rv = f->C_GetSlotList(CK_FALSE, ids.data(), &count);
        if (rv != CKR_OK) return slot_list_error(module, rv);
        ids.resize(count);
    }
    std::vector<SlotInfo> slots;
    for (CK_SLOT_ID id : ids) {
        CK_SLOT_INFO si{};
        rv = f->C_GetSlotInfo(id, &si);
        if (rv != CKR_OK) return detail::ck_error(fmt::format("{}: cannot read slot {}", module.path(), id), rv);
        SlotInfo slot;
        slot.id = id;
        slot.description = detail::trim_padded(si.slotDescription, sizeof si.slotDescription);
        slot.manufacturer = detail::trim_padded(si.manufacturerID, sizeof si.manufacturerID);
        slot.token_present = (si.flags & CKF_TOKEN_PRESENT) != 0;
        slot.removable = (si.flags & CKF_REMOVABLE_DEVICE) != 0;
        slot.hardware = (si.flags & CKF_HW_SLOT) != 0;
        if (slot.token_present) {
            CK_TOKEN_INFO ti{};
            rv = f->C_GetTokenInfo(id, &ti);
            if (rv == CKR_OK)
                slot.token = to_token_info(ti);
            else if (rv != CKR_TOKEN_NOT_PRESENT && rv != CKR_TOKEN_NOT_RECOGNIZED && rv != CKR_DEVICE_REMOVED)
                return detail::ck_error(fmt::format("{}: cannot read the token in slot {}", module.path(), id), rv);
        }
        slots.push_back(std::move(slot));
    }
    return slots;
}

core::Result<TokenInfo> Slot::token_info() const {
    CK_TOKEN_INFO ti{};
    const CK_RV rv = m_module->functions().f->C_GetTokenInfo(m_id, &ti);
    if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED || rv == CKR_SLOT_ID_INVALID) {
        return Error(ErrorCode::token,
                     fmt::format("the token in slot {} of {} was removed; plug it in and run the command again", m_id,
                                 m_module->path()),
                     rv);
    }
    if (rv != CKR_OK) return detail::ck_error(fmt::format("cannot read the token in slot {}", m_id), rv);
    return to_token_info(ti);
}

core::Result<std::vector<MechanismType>> Slot::mechanisms() const {
    CK_FUNCTION_LIST* f = m_module->functions().f;
    CK_ULONG count = 0;
    CK_RV rv = f->C_GetMechanismList(m_id, nullptr, &count);
    std::vector<CK_MECHANISM_TYPE> list(count);
    if (rv == CKR_OK && count > 0) rv = f->C_GetMechanismList(m_id, list.data(), &count);
    if (rv != CKR_OK) return detail::ck_error(fmt::format("cannot list the mechanisms of slot {}", m_id), rv);
    list.resize(count);
    return std::vector<MechanismType>(list.begin(), list.end());
}

core::Result<bool> Slot::supports(MechanismType mechanism) const {
    TUFKEY_TRY(auto list, mechanisms());
    return std::find(list.begin(), list.end(), mechanism) != list.end();
}

core::Result<std::vector<std::string>> Slot::key_types_offered() const {
    TUFKEY_TRY(auto list, mechanisms());
    auto has = [&](MechanismType m) { return std::find(list.begin(), list.end(), m) != list.end(); };
    std::vector<std::string> out;
    if (has(ckm::ec_key_pair_gen) && has(ckm::ecdsa)) {
        out.emplace_back(core::to_string(core::KeyType::ecdsa_p256));
        out.emplace_back(core::to_string(core::KeyType::ecdsa_p384));
    }
    if (has(ckm::ec_edwards_key_pair_gen) && has(ckm::eddsa)) out.emplace_back(core::to_string(core::KeyType::ed25519));
    if (has(ckm::rsa_pkcs_key_pair_gen) && has(ckm::sha256_rsa_pkcs_pss)) {
        // RSA key sizes in bits, where the token says (a TPM 2.0 stops at 3072).
        CK_MECHANISM_INFO info{};
        const bool known =
            m_module->functions().f->C_GetMechanismInfo(m_id, CKM_RSA_PKCS_KEY_PAIR_GEN, &info) == CKR_OK &&
            info.ulMaxKeySize > 0;
        for (auto type : {core::KeyType::rsa_2048, core::KeyType::rsa_3072, core::KeyType::rsa_4096}) {
            const unsigned bits = core::rsa_bits(type);
            if (known && (bits < info.ulMinKeySize || bits > info.ulMaxKeySize)) continue;
            out.emplace_back(core::to_string(type));
        }
    }
    return out;
}

core::Result<Slot> select_token(const std::shared_ptr<Module>& module, const Uri& uri) {
    if (!uri.other_path.empty()) {
        return Error(ErrorCode::token, fmt::format("the PKCS#11 URI has the attribute '{}', which tufkey cannot "
                                                   "match; remove it",
                                                   uri.other_path.front().first));
    }
    TUFKEY_TRY(auto slots, list_slots(*module));
    if (slots.empty()) {
        return Error(ErrorCode::token, fmt::format("no token found through {} (0 slots): plug in the token; a smart "
                                                   "card or YubiKey also needs pcscd running",
                                                   module->path()));
    }
    std::vector<const SlotInfo*> found;
    const SlotInfo* uninitialised = nullptr;
    for (const auto& s : slots) {
        if (!s.token || !matches(uri, module->info(), s)) continue;
        if (s.token->flags.initialized)
            found.push_back(&s);
        else if (uninitialised == nullptr)
            uninitialised = &s;
    }
    if (found.size() == 1) return Slot(module, found.front()->id);
    if (found.empty() && uninitialised != nullptr) return not_initialised(*module, *uninitialised);
    if (found.empty()) {
        return Error(ErrorCode::token, fmt::format("no token matches {} through {}; present: {}", uri.to_string(),
                                                   module->path(), list_tokens(slots)));
    }
    std::string names;
    for (const auto* s : found) names += (names.empty() ? "" : ", ") + s->token->describe();
    return Error(ErrorCode::token, fmt::format("several tokens match {}: {}; name one with --token "
                                               "'pkcs11:token=LABEL' (add serial=... if labels repeat)",
                                               uri.to_string(), names));
}

}  // namespace tufkey::pkcs11
