#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "objects.h"
#include "tufkey/core/encoding.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::pkcs11 {
namespace detail {
namespace {

using core::Bytes;
using core::Error;
using core::ErrorCode;

// The "edwards25519" PrintableString form some tools (pkcs11-tool) write.
const Bytes k_ed25519_name{0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd', 's', '2', '5', '5', '1', '9'};

// CKA_EC_POINT is a DER OCTET STRING by the standard; some tokens give the bare point.
Bytes unwrap_point(const Bytes& value, std::size_t raw_size) {
    if (value.size() == raw_size) return value;
    if (value.size() >= 2 && value[0] == 0x04) {
        std::size_t header = 2;
        std::size_t length = value[1];
        if (value[1] == 0x81 && value.size() >= 3) {
            header = 3;
            length = value[2];
        }
        if (header + length == value.size()) return Bytes(value.begin() + static_cast<long>(header), value.end());
    }
    return value;
}

struct KeyShape final {
    std::string type;
    std::optional<core::PublicKey> public_key;
};

core::Result<KeyShape> ec_shape(Session& s, CK_OBJECT_HANDLE key, CK_OBJECT_HANDLE pub, bool edwards) {
    TUFKEY_TRY(auto params, get_attribute(s, key, CKA_EC_PARAMS));
    KeyShape shape;
    if (!params) {
        shape.type = edwards ? "unsupported (EdDSA key without curve)" : "unsupported (EC key without curve)";
        return shape;
    }
    std::optional<core::KeyAlgorithm> alg;
    std::size_t raw_size = 0;
    if (!edwards && *params == k_p256_oid) alg = core::KeyAlgorithm::ecdsa_p256, raw_size = 65;
    if (!edwards && *params == k_p384_oid) alg = core::KeyAlgorithm::ecdsa_p384, raw_size = 97;
    if (edwards && (*params == k_ed25519_oid || *params == k_ed25519_name))
        alg = core::KeyAlgorithm::ed25519, raw_size = 32;
    if (!alg) {
        shape.type = fmt::format("unsupported ({} curve {})", edwards ? "EdDSA" : "EC", core::hex_encode(*params));
        return shape;
    }
    shape.type = core::to_string(*alg);
    CK_OBJECT_HANDLE point_from = pub != 0 ? pub : key;
    TUFKEY_TRY(auto point, get_attribute(s, point_from, CKA_EC_POINT));
    if (!point) return shape;
    const Bytes raw = unwrap_point(*point, raw_size);
    auto pk = *alg == core::KeyAlgorithm::ed25519 ? core::PublicKey::from_ed25519_raw(raw)
                                                  : core::PublicKey::from_ec_point(*alg, raw);
    if (!pk) return pk.error().with_context("the token's public key is malformed");
    shape.public_key = std::move(*pk);
    return shape;
}

core::Result<KeyShape> rsa_shape(Session& s, CK_OBJECT_HANDLE key, CK_OBJECT_HANDLE pub) {
    CK_OBJECT_HANDLE from = pub != 0 ? pub : key;
    TUFKEY_TRY(auto modulus, get_attribute(s, from, CKA_MODULUS));
    TUFKEY_TRY(auto exponent, get_attribute(s, from, CKA_PUBLIC_EXPONENT));
    KeyShape shape;
    if (!modulus || !exponent) {
        shape.type = "rsa";
        return shape;
    }
    auto first = std::find_if(modulus->begin(), modulus->end(), [](std::uint8_t b) { return b != 0; });
    const std::size_t bits = static_cast<std::size_t>(modulus->end() - first) * 8;
    shape.type = fmt::format("rsa-{}", bits);
    auto pk = core::PublicKey::from_rsa_components(*modulus, *exponent);
    if (pk)
        shape.public_key = std::move(*pk);
    else
        shape.type = fmt::format("unsupported (rsa-{})", bits);
    return shape;
}

bool read_bool(Session& s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, bool fallback) {
    auto v = get_attribute(s, h, t);
    if (!v || !*v || (*v)->empty()) return fallback;
    return (**v)[0] != 0;
}

KeyAttributes read_attributes(Session& s, CK_OBJECT_HANDLE h) {
    KeyAttributes a;
    a.sensitive = read_bool(s, h, CKA_SENSITIVE, false);
    a.extractable = read_bool(s, h, CKA_EXTRACTABLE, true);
    a.always_sensitive = read_bool(s, h, CKA_ALWAYS_SENSITIVE, false);
    a.never_extractable = read_bool(s, h, CKA_NEVER_EXTRACTABLE, false);
    a.local = read_bool(s, h, CKA_LOCAL, false);
    a.always_authenticate = read_bool(s, h, CKA_ALWAYS_AUTHENTICATE, false);
    a.sign = read_bool(s, h, CKA_SIGN, false);
    a.decrypt = read_bool(s, h, CKA_DECRYPT, false);
    a.unwrap = read_bool(s, h, CKA_UNWRAP, false);
    a.derive = read_bool(s, h, CKA_DERIVE, false);
    return a;
}

}  // namespace

core::Result<std::vector<CK_OBJECT_HANDLE>> find_objects(Session& session, std::vector<CK_ATTRIBUTE> match) {
    CK_FUNCTION_LIST* f = fns(session);
    CK_RV rv = f->C_FindObjectsInit(session.handle(), match.data(), match.size());
    if (rv != CKR_OK) return session.error("searching for objects", rv);
    std::vector<CK_OBJECT_HANDLE> found;
    for (;;) {
        CK_OBJECT_HANDLE batch[32];
        CK_ULONG n = 0;
        rv = f->C_FindObjects(session.handle(), batch, 32, &n);
        if (rv != CKR_OK) break;
        found.insert(found.end(), batch, batch + n);
        if (n == 0) break;
    }
    const CK_RV final_rv = f->C_FindObjectsFinal(session.handle());
    if (rv != CKR_OK) return session.error("searching for objects", rv);
    if (final_rv != CKR_OK) return session.error("searching for objects", final_rv);
    return found;
}

core::Result<std::optional<core::Bytes>> get_attribute(Session& session, CK_OBJECT_HANDLE object,
                                                       CK_ATTRIBUTE_TYPE type) {
    CK_FUNCTION_LIST* f = fns(session);
    CK_ATTRIBUTE attr{type, nullptr, 0};
    CK_RV rv = f->C_GetAttributeValue(session.handle(), object, &attr, 1);
    if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE) return std::optional<core::Bytes>();
    if (rv != CKR_OK) return session.error("reading a key attribute", rv);
    if (attr.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::optional<core::Bytes>();
    core::Bytes value(attr.ulValueLen);
    attr.pValue = value.data();
    rv = f->C_GetAttributeValue(session.handle(), object, &attr, 1);
    if (rv != CKR_OK) return session.error("reading a key attribute", rv);
    value.resize(attr.ulValueLen);
    return std::optional<core::Bytes>(std::move(value));
}

core::Result<KeyObject> read_key(Session& session, CK_OBJECT_HANDLE private_key, CK_OBJECT_HANDLE public_key) {
    const CK_OBJECT_HANDLE main = private_key != 0 ? private_key : public_key;
    KeyObject key;
    key.private_handle = private_key;
    key.public_handle = public_key;
    key.has_private_key = private_key != 0;
    key.has_public_object = public_key != 0;
    TUFKEY_TRY(auto label, get_attribute(session, main, CKA_LABEL));
    TUFKEY_TRY(auto id, get_attribute(session, main, CKA_ID));
    TUFKEY_TRY(auto key_type, get_attribute(session, main, CKA_KEY_TYPE));
    if (label) key.label = core::to_string(*label);
    if (id) key.id = *id;
    CK_KEY_TYPE kt = ~CK_KEY_TYPE{0};
    if (key_type && key_type->size() == sizeof kt)
        std::copy(key_type->begin(), key_type->end(), reinterpret_cast<std::uint8_t*>(&kt));
    KeyShape shape;
    if (kt == CKK_EC || kt == CKK_EC_EDWARDS) {
        TUFKEY_TRY(shape, ec_shape(session, main, public_key, kt == CKK_EC_EDWARDS));
    } else if (kt == CKK_RSA) {
        TUFKEY_TRY(shape, rsa_shape(session, main, public_key));
    } else {
        shape.type = fmt::format("unsupported (CKK {:#x})", kt);
    }
    key.type = std::move(shape.type);
    key.public_key = std::move(shape.public_key);
    if (private_key != 0) key.attributes = read_attributes(session, private_key);
    key.uri = session.token().uri();
    if (!key.label.empty()) key.uri.object = key.label;
    if (!key.id.empty()) key.uri.id = key.id;
    return key;
}

}  // namespace detail

namespace {

using core::Error;
using core::ErrorCode;

bool matches(const Uri& uri, const KeyObject& key) {
    if (uri.object && *uri.object != key.label) return false;
    if (uri.id && *uri.id != key.id) return false;
    if (uri.type == "private" && !key.has_private_key) return false;
    if (uri.type == "public" && !key.has_public_object) return false;
    return !uri.type || *uri.type == "private" || *uri.type == "public";
}

}  // namespace

std::vector<std::string> KeyAttributes::names() const {
    std::vector<std::string> out;
    auto add = [&](bool set, const char* name) {
        if (set) out.emplace_back(name);
    };
    add(local, "local");
    add(sensitive, "sensitive");
    add(always_sensitive, "always-sensitive");
    add(never_extractable, "never-extractable");
    add(extractable, "extractable");
    add(always_authenticate, "always-authenticate");
    add(sign, "sign");
    add(decrypt, "decrypt");
    add(unwrap, "unwrap");
    add(derive, "derive");
    return out;
}

std::string KeyObject::describe() const {
    return fmt::format("'{}' (id {}, {})", label, id.empty() ? "none" : core::hex_encode(id), type);
}

core::Result<std::vector<KeyObject>> list_keys(Session& session) {
    CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
    CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY;
    TUFKEY_TRY(auto privs, detail::find_objects(session, {{CKA_CLASS, &priv_class, sizeof priv_class}}));
    TUFKEY_TRY(auto pubs, detail::find_objects(session, {{CKA_CLASS, &pub_class, sizeof pub_class}}));
    // Pair each private key with the public key of the same id (else the same label).
    std::map<core::Bytes, CK_OBJECT_HANDLE> pub_by_id;
    std::map<std::string, CK_OBJECT_HANDLE> pub_by_label;
    for (auto h : pubs) {
        TUFKEY_TRY(auto id, detail::get_attribute(session, h, CKA_ID));
        TUFKEY_TRY(auto label, detail::get_attribute(session, h, CKA_LABEL));
        if (id && !id->empty())
            pub_by_id.emplace(*id, h);
        else if (label)
            pub_by_label.emplace(core::to_string(*label), h);
    }
    std::vector<KeyObject> keys;
    std::vector<CK_OBJECT_HANDLE> used;
    for (auto h : privs) {
        TUFKEY_TRY(auto id, detail::get_attribute(session, h, CKA_ID));
        TUFKEY_TRY(auto label, detail::get_attribute(session, h, CKA_LABEL));
        CK_OBJECT_HANDLE pub = 0;
        if (id && !id->empty()) {
            if (auto it = pub_by_id.find(*id); it != pub_by_id.end()) pub = it->second;
        } else if (label) {
            if (auto it = pub_by_label.find(core::to_string(*label)); it != pub_by_label.end()) pub = it->second;
        }
        if (pub != 0) used.push_back(pub);
        TUFKEY_TRY(auto key, detail::read_key(session, h, pub));
        keys.push_back(std::move(key));
    }
    for (auto h : pubs) {
        if (std::find(used.begin(), used.end(), h) != used.end()) continue;
        TUFKEY_TRY(auto key, detail::read_key(session, 0, h));
        keys.push_back(std::move(key));
    }
    return keys;
}

core::Result<KeyObject> find_key(Session& session, const Uri& uri) {
    if (!uri.other_path.empty()) {
        return Error(ErrorCode::token, fmt::format("the PKCS#11 URI has the attribute '{}', which tufkey cannot match; "
                                                   "remove it",
                                                   uri.other_path.front().first));
    }
    TUFKEY_TRY(auto keys, list_keys(session));
    std::vector<KeyObject*> found;
    for (auto& k : keys) {
        if (matches(uri, k)) found.push_back(&k);
    }
    if (found.size() == 1) return std::move(*found.front());
    if (found.empty()) {
        std::string present;
        for (const auto& k : keys) present += (present.empty() ? "" : ", ") + k.describe();
        if (present.empty()) present = "none";
        const char* hint = session.logged_in() ? "" : " (private keys show only after login)";
        return Error(ErrorCode::token, fmt::format("no key matches {} on token {}; keys there: {}{}", uri.to_string(),
                                                   session.token().describe(), present, hint));
    }
    std::string names;
    for (const auto* k : found) names += (names.empty() ? "" : ", ") + k->describe();
    return Error(ErrorCode::token,
                 fmt::format("several keys match {}: {}; add id=... to the URI", uri.to_string(), names));
}

}  // namespace tufkey::pkcs11
