#include <openssl/rand.h>

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "objects.h"
#include "tufkey/core/encoding.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::pkcs11 {
namespace {

using core::Bytes;
using core::Error;
using core::ErrorCode;

struct Mechanisms final {
    CK_MECHANISM_TYPE generate;
    CK_MECHANISM_TYPE sign;
};

Mechanisms mechanisms_for(core::KeyType type) {
    switch (core::algorithm_of(type)) {
        case core::KeyAlgorithm::ecdsa_p256:
        case core::KeyAlgorithm::ecdsa_p384:
            return {CKM_EC_KEY_PAIR_GEN, CKM_ECDSA};
        case core::KeyAlgorithm::ed25519:
            return {CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA};
        case core::KeyAlgorithm::rsa:
            return {CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_SHA256_RSA_PKCS_PSS};
    }
    return {CKM_EC_KEY_PAIR_GEN, CKM_ECDSA};
}

Error unsupported(Session& session, CK_MECHANISM_TYPE mechanism, std::string_view what, std::optional<CK_RV> rv = {}) {
    std::string offered = "none tufkey can use";
    if (auto types = session.slot().key_types_offered(); types && !types->empty()) {
        offered.clear();
        for (const auto& t : *types) offered += (offered.empty() ? "" : ", ") + t;
    }
    return Error(ErrorCode::token,
                 fmt::format("token {} does not support {}, needed for {}; it offers key types: {}",
                             session.token().describe(), ckm_name(mechanism), what, offered),
                 rv ? std::optional<std::uint64_t>(*rv) : std::optional<std::uint64_t>(CKR_MECHANISM_INVALID));
}

core::Result<void> refuse_existing(Session& session, const KeyGenRequest& request) {
    std::vector<CK_ATTRIBUTE> by_label{{CKA_LABEL, const_cast<char*>(request.label.data()), request.label.size()}};
    TUFKEY_TRY(auto with_label, detail::find_objects(session, by_label));
    if (!with_label.empty()) {
        return Error(ErrorCode::refused, fmt::format("token {} already holds an object labelled '{}'; choose another "
                                                     "--label (tufkey never overwrites a key)",
                                                     session.token().describe(), request.label));
    }
    std::vector<CK_ATTRIBUTE> by_id{{CKA_ID, const_cast<std::uint8_t*>(request.id.data()), request.id.size()}};
    TUFKEY_TRY(auto with_id, detail::find_objects(session, by_id));
    if (!with_id.empty()) {
        return Error(ErrorCode::refused, fmt::format("token {} already holds an object with id {}; choose another --id "
                                                     "(tufkey never overwrites a key)",
                                                     session.token().describe(), core::hex_encode(request.id)));
    }
    return core::success();
}

// Attribute storage that outlives the CK_ATTRIBUTE arrays pointing into it.
struct Templates final {
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    CK_OBJECT_CLASS public_class = CKO_PUBLIC_KEY;
    CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
    CK_KEY_TYPE key_type = CKK_EC;
    CK_ULONG modulus_bits = 3072;
    Bytes exponent{0x01, 0x00, 0x01};
    Bytes ec_params;
    std::string label;
    Bytes id;
    std::vector<CK_ATTRIBUTE> pub;
    std::vector<CK_ATTRIBUTE> priv;
};

void build_identity(Templates& t, const KeyGenRequest& request) {
    t.label = request.label;
    t.id = request.id;
    for (auto* v : {&t.pub, &t.priv}) {
        v->push_back({CKA_CLASS, v == &t.pub ? &t.public_class : &t.private_class, sizeof(CK_OBJECT_CLASS)});
        v->push_back({CKA_KEY_TYPE, &t.key_type, sizeof t.key_type});
        v->push_back({CKA_LABEL, t.label.data(), t.label.size()});
        v->push_back({CKA_ID, t.id.data(), t.id.size()});
        v->push_back({CKA_TOKEN, &t.yes, sizeof(CK_BBOOL)});
    }
    switch (core::algorithm_of(request.type)) {
        case core::KeyAlgorithm::ecdsa_p256:
            t.ec_params = detail::k_p256_oid;
            break;
        case core::KeyAlgorithm::ecdsa_p384:
            t.ec_params = detail::k_p384_oid;
            break;
        case core::KeyAlgorithm::ed25519:
            t.ec_params = detail::k_ed25519_oid;
            t.key_type = CKK_EC_EDWARDS;
            break;
        case core::KeyAlgorithm::rsa:
            t.key_type = CKK_RSA;
            t.modulus_bits = core::rsa_bits(request.type);
            break;
    }
    if (t.key_type == CKK_RSA) {
        t.pub.push_back({CKA_MODULUS_BITS, &t.modulus_bits, sizeof t.modulus_bits});
        t.pub.push_back({CKA_PUBLIC_EXPONENT, t.exponent.data(), t.exponent.size()});
    } else {
        t.pub.push_back({CKA_EC_PARAMS, t.ec_params.data(), t.ec_params.size()});
    }
}

// The templates of `profile` (keys.h describes each).
void build(Templates& t, const KeyGenRequest& request, TemplateProfile profile) {
    auto flag = [&](std::vector<CK_ATTRIBUTE>& v, CK_ATTRIBUTE_TYPE type, bool on) {
        v.push_back(CK_ATTRIBUTE{type, on ? &t.yes : &t.no, sizeof(CK_BBOOL)});
    };
    build_identity(t, request);
    flag(t.pub, CKA_PRIVATE, false);
    flag(t.pub, CKA_VERIFY, true);
    flag(t.priv, CKA_PRIVATE, true);
    flag(t.priv, CKA_SENSITIVE, true);
    flag(t.priv, CKA_SIGN, true);
    const bool usages = profile == TemplateProfile::strict || profile == TemplateProfile::minimal;
    if (usages) {
        flag(t.pub, CKA_ENCRYPT, false);
        flag(t.pub, CKA_WRAP, false);
        if (t.key_type != CKK_RSA) flag(t.pub, CKA_DERIVE, false);
        flag(t.priv, CKA_DECRYPT, false);
        flag(t.priv, CKA_UNWRAP, false);
        flag(t.priv, CKA_DERIVE, false);
    }
    if (profile == TemplateProfile::strict || profile == TemplateProfile::token_usages) {
        flag(t.priv, CKA_EXTRACTABLE, false);
        flag(t.priv, CKA_MODIFIABLE, false);
        if (request.always_authenticate) flag(t.priv, CKA_ALWAYS_AUTHENTICATE, true);
    }
}

core::Result<void> check_request(Session& session, KeyGenRequest& request, TemplateProfile first) {
    if (request.label.empty()) return Error(ErrorCode::usage, "a key on a token needs a label (--label)");
    const bool piv = first == TemplateProfile::minimal;
    if (piv && request.always_authenticate) {
        return Error(ErrorCode::usage,
                     "this module fixes the PIN policy per slot; always-authenticate cannot be asked for");
    }
    if (request.id.empty()) {
        if (piv) return Error(ErrorCode::usage, "this module picks the key slot by id: pass --id (02 is PIV slot 9c)");
        request.id.resize(8);
        if (RAND_bytes(request.id.data(), static_cast<int>(request.id.size())) != 1) {
            return Error(ErrorCode::internal, "no randomness for a key id");
        }
    }
    const Mechanisms m = mechanisms_for(request.type);
    for (CK_MECHANISM_TYPE needed : {m.generate, m.sign}) {
        TUFKEY_TRY(bool ok, session.slot().supports(needed));
        if (!ok) return unsupported(session, needed, fmt::format("{} keys", core::to_string(request.type)));
    }
    if (core::rsa_bits(request.type) != 0) {
        TUFKEY_TRY(auto offered, session.slot().key_types_offered());
        if (std::find(offered.begin(), offered.end(), core::to_string(request.type)) == offered.end())
            return unsupported(session, m.generate,
                               fmt::format("{} keys (not that size)", core::to_string(request.type)));
    }
    return refuse_existing(session, request);
}

// Return values with which tokens refuse a template. tpm2-pkcs11 reports attributes that
// contradict the ones the TPM fixes as CKR_GENERAL_ERROR, so that counts too.
bool refuses_template(CK_RV rv) {
    switch (rv) {
        case CKR_ATTRIBUTE_TYPE_INVALID:
        case CKR_ATTRIBUTE_VALUE_INVALID:
        case CKR_ATTRIBUTE_READ_ONLY:
        case CKR_TEMPLATE_INCONSISTENT:
        case CKR_TEMPLATE_INCOMPLETE:
        case CKR_GENERAL_ERROR:
        case CKR_FUNCTION_FAILED:
            return true;
        default:
            return false;
    }
}

// Deletes every object with the request's label or id: after refuse_existing found none, only
// this generation can have made them. Best effort: the error that led here is the one to report.
void destroy_made(Session& session, const KeyGenRequest& request) {
    std::vector<CK_ATTRIBUTE> by_label{{CKA_LABEL, const_cast<char*>(request.label.data()), request.label.size()}};
    std::vector<CK_ATTRIBUTE> by_id{{CKA_ID, const_cast<std::uint8_t*>(request.id.data()), request.id.size()}};
    for (auto* match : {&by_label, &by_id}) {
        auto found = detail::find_objects(session, *match);
        if (!found) continue;
        for (CK_OBJECT_HANDLE h : *found) (void)detail::fns(session)->C_DestroyObject(session.handle(), h);
    }
}

struct ReadBack final {
    CK_ATTRIBUTE_TYPE type;
    const char* name;
};

constexpr ReadBack k_read_back[] = {
    {CKA_LOCAL, "CKA_LOCAL"},
    {CKA_SENSITIVE, "CKA_SENSITIVE"},
    {CKA_EXTRACTABLE, "CKA_EXTRACTABLE"},
    {CKA_NEVER_EXTRACTABLE, "CKA_NEVER_EXTRACTABLE"},
    {CKA_ALWAYS_SENSITIVE, "CKA_ALWAYS_SENSITIVE"},
    {CKA_SIGN, "CKA_SIGN"},
    {CKA_ALWAYS_AUTHENTICATE, "CKA_ALWAYS_AUTHENTICATE"},
    {CKA_DECRYPT, "CKA_DECRYPT"},
    {CKA_UNWRAP, "CKA_UNWRAP"},
    {CKA_DERIVE, "CKA_DERIVE"},
};

// What the private key must show, as {attribute, required value, required even when unreadable}.
struct Requirement final {
    const char* name;
    bool value;
    bool must_be_readable;
    const char* why;
};

std::vector<Requirement> requirements(const KeyGenRequest& request) {
    std::vector<Requirement> out{
        {"CKA_LOCAL", true, true, "the key must be generated on the token"},
        {"CKA_SENSITIVE", true, true, "its secret must never be readable"},
        {"CKA_EXTRACTABLE", false, true, "it must never leave the token"},
        {"CKA_NEVER_EXTRACTABLE", true, false, "it must never have left the token"},
        {"CKA_ALWAYS_SENSITIVE", true, false, "its secret must never have been readable"},
        {"CKA_SIGN", true, true, "it must be able to sign"},
    };
    if (request.always_authenticate)
        out.push_back({"CKA_ALWAYS_AUTHENTICATE", true, true, "it must need the PIN for every signature"});
    return out;
}

// Reads the private key's attributes back; the first requirement it falls short of, or none.
core::Result<std::optional<std::string>> check_made(Session& session, CK_OBJECT_HANDLE priv,
                                                    const KeyGenRequest& request, KeyGeneration& generation) {
    std::map<std::string, std::optional<bool>> seen;
    for (const auto& r : k_read_back) {
        TUFKEY_TRY(auto value, detail::get_attribute(session, priv, r.type));
        std::optional<bool> v;
        if (value && value->size() == sizeof(CK_BBOOL)) v = (*value)[0] != 0;
        seen[r.name] = v;
        generation.attributes.emplace_back(r.name, v ? (*v ? "true" : "false") : "unreadable");
    }
    for (const auto& need : requirements(request)) {
        const auto& v = seen.at(need.name);
        if (!v && !need.must_be_readable) continue;
        if (v && *v == need.value) continue;
        return std::optional<std::string>(
            fmt::format("{} is {} ({})", need.name, v ? (*v ? "true" : "false") : "unreadable", need.why));
    }
    return std::optional<std::string>();
}

std::string refused_list(const KeyGeneration& generation) {
    std::string out;
    for (const auto& [profile, rv] : generation.refused)
        out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", to_string(profile), rv);
    return out;
}

}  // namespace

std::string_view to_string(TemplateProfile profile) noexcept {
    switch (profile) {
        case TemplateProfile::strict:
            return "strict";
        case TemplateProfile::token_usages:
            return "token-usages";
        case TemplateProfile::minimal:
            return "minimal";
        case TemplateProfile::bare:
            return "bare";
    }
    return "strict";
}

TemplateProfile profile_for(const Module& module) noexcept {
    return module.is_yubico_piv() ? TemplateProfile::minimal : TemplateProfile::strict;
}

std::vector<TemplateProfile> fallback_profiles(TemplateProfile first, bool always_authenticate) {
    std::vector<TemplateProfile> out;
    for (auto p :
         {TemplateProfile::strict, TemplateProfile::token_usages, TemplateProfile::minimal, TemplateProfile::bare}) {
        if (static_cast<int>(p) < static_cast<int>(first)) continue;
        if (always_authenticate && (p == TemplateProfile::minimal || p == TemplateProfile::bare)) continue;
        out.push_back(p);
    }
    return out;
}

core::Result<KeyObject> generate_key_pair(Session& session, const KeyGenRequest& original) {
    KeyGenRequest request = original;
    const TemplateProfile first = request.profile.value_or(profile_for(*session.slot().module()));
    TUFKEY_TRY_VOID(check_request(session, request, first));
    const std::vector<TemplateProfile> profiles = request.profile
                                                      ? std::vector<TemplateProfile>{*request.profile}
                                                      : fallback_profiles(first, request.always_authenticate);
    CK_MECHANISM mechanism{mechanisms_for(request.type).generate, nullptr, 0};
    KeyGeneration generation;
    CK_OBJECT_HANDLE pub = 0;
    CK_OBJECT_HANDLE priv = 0;
    CK_RV rv = CKR_GENERAL_ERROR;
    for (const TemplateProfile profile : profiles) {
        Templates t;
        build(t, request, profile);
        rv = detail::fns(session)->C_GenerateKeyPair(session.handle(), &mechanism, t.pub.data(), t.pub.size(),
                                                     t.priv.data(), t.priv.size(), &pub, &priv);
        if (rv == CKR_OK) {
            generation.profile = profile;
            break;
        }
        if (!refuses_template(rv)) break;
        generation.refused.emplace_back(profile, ck_rv_name(rv));
        destroy_made(session, request);
    }
    if (rv == CKR_MECHANISM_INVALID) {
        return unsupported(session, mechanism.mechanism, fmt::format("{} keys", core::to_string(request.type)), rv);
    }
    if (rv == CKR_SESSION_READ_ONLY) return session.error("generating a key (the session is read-only)", rv);
    if (rv != CKR_OK && refuses_template(rv)) {
        return Error(ErrorCode::token,
                     fmt::format("token {} refused every key template tufkey tries ({}); generate a sign-only, "
                                 "non-extractable key with the token's own tool and use it by URI (docs/tokens.md)",
                                 session.token().describe(), refused_list(generation)),
                     rv);
    }
    if (rv != CKR_OK) return session.error("generating a key pair", rv);
    auto shortfall = check_made(session, priv, request, generation);
    if (!shortfall || *shortfall) {
        (void)detail::fns(session)->C_DestroyObject(session.handle(), priv);
        (void)detail::fns(session)->C_DestroyObject(session.handle(), pub);
        if (!shortfall) return shortfall.error();
        return Error(
            ErrorCode::token,
            fmt::format("token {} made key '{}' with the {} template, but {}; tufkey deleted it. Use a "
                        "token that keeps keys sensitive and non-extractable (docs/tokens.md)",
                        session.token().describe(), request.label, to_string(generation.profile), **shortfall));
    }
    TUFKEY_TRY(auto key, detail::read_key(session, priv, pub));
    key.generation = std::move(generation);
    return key;
}

}  // namespace tufkey::pkcs11
