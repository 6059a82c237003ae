#include <openssl/rand.h>

#include <fmt/core.h>

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

void build(Templates& t, const KeyGenRequest& request, TemplateProfile profile) {
    auto add = [](std::vector<CK_ATTRIBUTE>& v, CK_ATTRIBUTE_TYPE type, void* p, std::size_t n) {
        v.push_back(CK_ATTRIBUTE{type, p, n});
    };
    auto flag = [&](std::vector<CK_ATTRIBUTE>& v, CK_ATTRIBUTE_TYPE type, bool on) {
        add(v, type, on ? &t.yes : &t.no, sizeof(CK_BBOOL));
    };
    const bool strict = profile == TemplateProfile::strict;
    t.label = request.label;
    t.id = request.id;
    for (auto* v : {&t.pub, &t.priv}) {
        add(*v, CKA_CLASS, v == &t.pub ? &t.public_class : &t.private_class, sizeof(CK_OBJECT_CLASS));
        add(*v, CKA_KEY_TYPE, &t.key_type, sizeof t.key_type);
        add(*v, CKA_LABEL, t.label.data(), t.label.size());
        add(*v, CKA_ID, t.id.data(), t.id.size());
        flag(*v, CKA_TOKEN, true);
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
        add(t.pub, CKA_MODULUS_BITS, &t.modulus_bits, sizeof t.modulus_bits);
        add(t.pub, CKA_PUBLIC_EXPONENT, t.exponent.data(), t.exponent.size());
    } else {
        add(t.pub, CKA_EC_PARAMS, t.ec_params.data(), t.ec_params.size());
    }
    flag(t.pub, CKA_PRIVATE, false);
    flag(t.pub, CKA_VERIFY, true);
    flag(t.pub, CKA_ENCRYPT, false);
    flag(t.pub, CKA_WRAP, false);
    if (t.key_type != CKK_RSA) flag(t.pub, CKA_DERIVE, false);
    flag(t.priv, CKA_PRIVATE, true);
    flag(t.priv, CKA_SENSITIVE, true);
    flag(t.priv, CKA_SIGN, true);
    flag(t.priv, CKA_DECRYPT, false);
    flag(t.priv, CKA_UNWRAP, false);
    flag(t.priv, CKA_DERIVE, false);
    if (strict) {
        flag(t.priv, CKA_EXTRACTABLE, false);
        flag(t.priv, CKA_MODIFIABLE, false);
        if (request.always_authenticate) flag(t.priv, CKA_ALWAYS_AUTHENTICATE, true);
    }
}

core::Result<void> check_request(Session& session, KeyGenRequest& request, TemplateProfile profile) {
    if (request.label.empty()) return Error(ErrorCode::usage, "a key on a token needs a label (--label)");
    if (profile == TemplateProfile::minimal && request.always_authenticate) {
        return Error(ErrorCode::usage,
                     "this module fixes the PIN policy per slot; always-authenticate cannot be asked for");
    }
    if (request.id.empty()) {
        if (profile == TemplateProfile::minimal) {
            return Error(ErrorCode::usage, "this module picks the key slot by id: pass --id (02 is PIV slot 9c)");
        }
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
    return refuse_existing(session, request);
}

}  // namespace

TemplateProfile profile_for(const Module& module) noexcept {
    return module.is_yubico_piv() ? TemplateProfile::minimal : TemplateProfile::strict;
}

core::Result<KeyObject> generate_key_pair(Session& session, const KeyGenRequest& original) {
    KeyGenRequest request = original;
    const TemplateProfile profile = request.profile.value_or(profile_for(*session.slot().module()));
    TUFKEY_TRY_VOID(check_request(session, request, profile));
    Templates t;
    build(t, request, profile);
    CK_MECHANISM mechanism{mechanisms_for(request.type).generate, nullptr, 0};
    CK_OBJECT_HANDLE pub = 0;
    CK_OBJECT_HANDLE priv = 0;
    const CK_RV rv = detail::fns(session)->C_GenerateKeyPair(session.handle(), &mechanism, t.pub.data(), t.pub.size(),
                                                             t.priv.data(), t.priv.size(), &pub, &priv);
    if (rv == CKR_MECHANISM_INVALID) {
        return unsupported(session, mechanism.mechanism, fmt::format("{} keys", core::to_string(request.type)), rv);
    }
    if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ATTRIBUTE_VALUE_INVALID) {
        return Error(ErrorCode::token,
                     fmt::format("token {} refused tufkey's {} key template ({}); with a YubiKey, generate the key "
                                 "with ykman and use it by URI (docs/tokens.md)",
                                 session.token().describe(), profile == TemplateProfile::strict ? "strict" : "minimal",
                                 ck_rv_name(rv)),
                     rv);
    }
    if (rv == CKR_SESSION_READ_ONLY) return session.error("generating a key (the session is read-only)", rv);
    if (rv != CKR_OK) return session.error("generating a key pair", rv);
    return detail::read_key(session, priv, pub);
}

}  // namespace tufkey::pkcs11
