#include "tufkey/tuf/key.h"

#include "codec_support.h"
#include "tufkey/core/certificate.h"
#include "tufkey/core/encoding.h"

namespace tufkey::tuf {

struct KeyBuilder final {
    static Key make(Dialect dialect, std::string keytype, std::string scheme, std::string public_text,
                    std::optional<core::PublicKey> public_key) {
        Key key;
        key.m_dialect = dialect;
        key.m_keytype = std::move(keytype);
        key.m_scheme = std::move(scheme);
        key.m_public_text = std::move(public_text);
        key.m_public = std::move(public_key);
        return key;
    }
    static core::Result<Key> notary_from_json(const Json& json);
    static core::Result<Key> tuf_from_json(const Json& json);
    static Json keyval_json(const Key& key, bool with_extra);
    static core::Result<core::PublicKey> notary_public(Key& key);
    static core::Result<std::optional<core::PublicKey>> tuf_public(const Key& key);
};

namespace {

using detail::Fields;

bool is_ecdsa(const core::PublicKey& key) {
    return key.algorithm() == core::KeyAlgorithm::ecdsa_p256 || key.algorithm() == core::KeyAlgorithm::ecdsa_p384;
}

core::Error unfit(const std::string& keytype, const std::string& problem) {
    return core::Error(core::ErrorCode::trust, "keytype " + keytype + ": " + problem);
}

core::Result<core::PublicKey> pem_or_hex_point(const std::string& text, core::KeyAlgorithm curve) {
    if (text.rfind("-----BEGIN", 0) == 0) return core::PublicKey::from_pem(text);
    TUFKEY_TRY(core::Bytes point, core::hex_decode(text));
    return core::PublicKey::from_ec_point(curve, point);
}

}  // namespace

core::Result<core::PublicKey> KeyBuilder::notary_public(Key& key) {
    const std::string& type = key.m_keytype;
    auto decoded = core::base64_decode(key.m_public_text);
    if (!decoded) return unfit(type, "public value is not base64");
    if (type == "ed25519") return core::PublicKey::from_ed25519_raw(*decoded);
    if (type == "ecdsa" || type == "rsa") {
        TUFKEY_TRY(core::PublicKey pk, core::PublicKey::from_spki_der(*decoded));
        if ((type == "ecdsa") != is_ecdsa(pk) || pk.algorithm() == core::KeyAlgorithm::ed25519) {
            return unfit(type, std::string("public key is ") + core::to_string(pk.algorithm()));
        }
        return pk;
    }
    if (type == "ecdsa-x509" || type == "rsa-x509") {
        std::string pem = core::to_string(*decoded);
        TUFKEY_TRY(core::CertificateInfo cert, core::parse_certificate_pem(pem));
        const bool want_ecdsa = type == "ecdsa-x509";
        if (want_ecdsa != is_ecdsa(cert.public_key) || cert.public_key.algorithm() == core::KeyAlgorithm::ed25519) {
            return unfit(type, std::string("certificate key is ") + core::to_string(cert.public_key.algorithm()));
        }
        key.m_certificate_pem = std::move(pem);
        return cert.public_key;
    }
    return unfit(type, "not a notary key type (ecdsa, ecdsa-x509, rsa, rsa-x509, ed25519)");
}

core::Result<Key> KeyBuilder::notary_from_json(const Json& json) {
    TUFKEY_TRY(Fields fields, Fields::of(json, "key"));
    Key key;
    key.m_dialect = Dialect::notary;
    TUFKEY_TRY(key.m_keytype, fields.string("keytype"));
    TUFKEY_TRY(const Json* keyval_json, fields.require("keyval"));
    TUFKEY_TRY(Fields keyval, Fields::of(*keyval_json, "keyval"));
    const Json* priv = keyval.take("private");
    if (priv != nullptr && !priv->is_null()) return keyval.error("metadata must not carry a private key");
    TUFKEY_TRY(key.m_public_text, keyval.string("public"));
    key.m_keyval_extra = keyval.rest();
    key.m_extra = fields.rest();
    TUFKEY_TRY(core::PublicKey pk, notary_public(key));
    key.m_public = std::move(pk);
    return key;
}

core::Result<std::optional<core::PublicKey>> KeyBuilder::tuf_public(const Key& key) {
    const std::string& type = key.m_keytype;
    const std::string& scheme = key.m_scheme;
    const std::string& text = key.m_public_text;
    if (type == "ed25519" && scheme == "ed25519") {
        TUFKEY_TRY(core::Bytes raw, core::hex_decode(text));
        TUFKEY_TRY(core::PublicKey pk, core::PublicKey::from_ed25519_raw(raw));
        return std::optional<core::PublicKey>(std::move(pk));
    }
    const bool p256 = scheme == "ecdsa-sha2-nistp256", p384 = scheme == "ecdsa-sha2-nistp384";
    if ((p256 || p384) && (type == "ecdsa" || type == scheme)) {
        const auto curve = p256 ? core::KeyAlgorithm::ecdsa_p256 : core::KeyAlgorithm::ecdsa_p384;
        TUFKEY_TRY(core::PublicKey pk, pem_or_hex_point(text, curve));
        if (pk.algorithm() != curve) return unfit(type, "public key does not fit scheme " + scheme);
        return std::optional<core::PublicKey>(std::move(pk));
    }
    if (type == "rsa" && (scheme.rfind("rsassa-pss-sha", 0) == 0 || scheme.rfind("rsa-pkcs1v15-sha", 0) == 0)) {
        TUFKEY_TRY(core::PublicKey pk, core::PublicKey::from_pem(text));
        if (pk.algorithm() != core::KeyAlgorithm::rsa) return unfit(type, "public key is not RSA");
        return std::optional<core::PublicKey>(std::move(pk));
    }
    return std::optional<core::PublicKey>();  // a type tufkey keeps but cannot verify with
}

core::Result<Key> KeyBuilder::tuf_from_json(const Json& json) {
    TUFKEY_TRY(Fields fields, Fields::of(json, "key"));
    Key key;
    key.m_dialect = Dialect::tuf;
    TUFKEY_TRY(key.m_keytype, fields.string("keytype"));
    TUFKEY_TRY(key.m_scheme, fields.string("scheme"));
    TUFKEY_TRY(const Json* keyval_json, fields.require("keyval"));
    TUFKEY_TRY(Fields keyval, Fields::of(*keyval_json, "keyval"));
    const Json* pub = keyval.take("public");
    key.m_has_public = pub != nullptr && pub->is_string();
    if (key.m_has_public) {
        key.m_public_text = pub->as_string();
        key.m_keyval_extra = keyval.rest();
    } else {
        key.m_keyval_extra = keyval_json->as_object();  // e.g. sigstore-oidc {"identity","issuer"}
    }
    key.m_extra = fields.rest();
    if (key.m_has_public) {
        TUFKEY_TRY(key.m_public, tuf_public(key));
    }
    return key;
}

Json KeyBuilder::keyval_json(const Key& key, bool with_extra) {
    JsonObject keyval;
    if (with_extra) keyval = key.m_keyval_extra;
    if (key.m_dialect == Dialect::notary) keyval.insert_or_assign("private", Json(nullptr));
    if (key.m_has_public) keyval.insert_or_assign("public", Json(key.m_public_text));
    return keyval;
}

Key Key::notary(const core::PublicKey& key) {
    switch (key.algorithm()) {
        case core::KeyAlgorithm::ed25519:
            return KeyBuilder::make(Dialect::notary, "ed25519", "", core::base64_encode(key.ed25519_raw()), key);
        case core::KeyAlgorithm::rsa:
            return KeyBuilder::make(Dialect::notary, "rsa", "", core::base64_encode(key.spki_der()), key);
        case core::KeyAlgorithm::ecdsa_p256:
        case core::KeyAlgorithm::ecdsa_p384:
            break;
    }
    return KeyBuilder::make(Dialect::notary, "ecdsa", "", core::base64_encode(key.spki_der()), key);
}

core::Result<Key> Key::notary_x509(std::string certificate_pem) {
    TUFKEY_TRY(core::CertificateInfo cert, core::parse_certificate_pem(certificate_pem));
    if (cert.public_key.algorithm() == core::KeyAlgorithm::ed25519) {
        return core::Error(core::ErrorCode::usage,
                           "notary needs an ECDSA or RSA root certificate; Ed25519 certificates are not supported");
    }
    const char* type = cert.public_key.algorithm() == core::KeyAlgorithm::rsa ? "rsa-x509" : "ecdsa-x509";
    Key key = KeyBuilder::make(Dialect::notary, type, "", core::base64_encode(core::as_bytes(certificate_pem)),
                               cert.public_key);
    key.m_certificate_pem = std::move(certificate_pem);
    return key;
}

Key Key::tuf(const core::PublicKey& key) {
    switch (key.algorithm()) {
        case core::KeyAlgorithm::ed25519:
            return KeyBuilder::make(Dialect::tuf, "ed25519", "ed25519", core::hex_encode(key.ed25519_raw()), key);
        case core::KeyAlgorithm::rsa:
            return KeyBuilder::make(Dialect::tuf, "rsa", "rsassa-pss-sha256", key.to_pem(), key);
        case core::KeyAlgorithm::ecdsa_p384:
            return KeyBuilder::make(Dialect::tuf, "ecdsa", "ecdsa-sha2-nistp384", key.to_pem(), key);
        case core::KeyAlgorithm::ecdsa_p256:
            break;
    }
    return KeyBuilder::make(Dialect::tuf, "ecdsa", "ecdsa-sha2-nistp256", key.to_pem(), key);
}

core::Result<Key> Key::from_json(Dialect dialect, const Json& json) {
    return dialect == Dialect::notary ? KeyBuilder::notary_from_json(json) : KeyBuilder::tuf_from_json(json);
}

Json Key::to_json() const {
    JsonObject out = m_extra;
    out.insert_or_assign("keytype", Json(m_keytype));
    if (m_dialect == Dialect::tuf) out.insert_or_assign("scheme", Json(m_scheme));
    out.insert_or_assign("keyval", KeyBuilder::keyval_json(*this, true));
    return out;
}

KeyId Key::id() const {
    if (m_dialect == Dialect::tuf) return KeyId::sha256_of(canonical_json(to_json()));
    // Notary hashes its TUFKey struct: keytype and keyval {private: null, public} only.
    JsonObject bare{{"keytype", Json(m_keytype)}, {"keyval", KeyBuilder::keyval_json(*this, false)}};
    return KeyId::sha256_of(canonical_json(Json(std::move(bare))));
}

KeyId Key::canonical_id() const {
    if (!m_public) return id();
    return *KeyId::parse(notary_canonical_key_id(*m_public));
}

}  // namespace tufkey::tuf
