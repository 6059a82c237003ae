#include "tufkey/tuf/key_id.h"

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/json.h"

namespace tufkey::tuf {

core::Result<KeyId> KeyId::parse(std::string_view text) {
    bool ok = text.size() == 64;
    for (char c : text) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) {
        return core::Error(core::ErrorCode::trust,
                           "\"" + std::string(text) + "\" is not a key ID (64 lowercase hex digits)");
    }
    return KeyId(std::string(text));
}

KeyId KeyId::sha256_of(std::string_view bytes) { return KeyId(core::hex_encode(core::sha256(core::as_bytes(bytes)))); }

std::string notary_canonical_key_id(const core::PublicKey& key) {
    std::string keytype;
    core::Bytes public_bytes;
    switch (key.algorithm()) {
        case core::KeyAlgorithm::ed25519:
            keytype = "ed25519";
            public_bytes = key.ed25519_raw();
            break;
        case core::KeyAlgorithm::rsa:
            keytype = "rsa";
            public_bytes = key.spki_der();
            break;
        case core::KeyAlgorithm::ecdsa_p256:
        case core::KeyAlgorithm::ecdsa_p384:
            keytype = "ecdsa";
            public_bytes = key.spki_der();
            break;
    }
    JsonObject keyval{{"private", Json(nullptr)}, {"public", Json(core::base64_encode(public_bytes))}};
    JsonObject key_object{{"keytype", Json(keytype)}, {"keyval", Json(std::move(keyval))}};
    return KeyId::sha256_of(canonical_json(Json(std::move(key_object)))).str();
}

}  // namespace tufkey::tuf
