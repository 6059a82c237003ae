#include "tufkey/tuf/sign.h"

#include <set>

#include "tufkey/tuf/scheme.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::tuf {
namespace {

core::Result<Signature> sign_one(Dialect dialect, const SigningKey& signing_key, const std::string& message) {
    const Key& key = signing_key.key;
    const KeyId id = key.id();
    if (key.dialect() != dialect) {
        return core::Error(core::ErrorCode::usage,
                           "key " + id.short_form() + " is not in the " + to_string(dialect) + " dialect's form");
    }
    if (!key.public_key() || !(*key.public_key() == signing_key.signer.public_key())) {
        return core::Error(core::ErrorCode::usage, "the signer " + signing_key.signer.describe() +
                                                       " does not hold the private half of key " + id.short_form());
    }
    TUFKEY_TRY(core::SignatureScheme scheme, signing_scheme(key));
    auto value = signing_key.signer.sign(scheme, core::as_bytes(message));
    if (!value) return value.error().with_context("signing with key " + id.short_form());
    Signature signature;
    signature.keyid = id.str();
    signature.method = signature_method(key);
    signature.sig = encode_signature_value(dialect, *value);
    return signature;
}

}  // namespace

core::Result<void> sign_envelope(Dialect dialect, Envelope& envelope, std::span<const SigningKey> signing_keys,
                                 const KeyMap& known_keys) {
    const std::string message = envelope.signing_bytes();
    std::vector<Signature> signatures;
    std::set<std::string, std::less<>> signed_ids;
    for (const SigningKey& signing_key : signing_keys) {
        TUFKEY_TRY(Signature signature, sign_one(dialect, signing_key, message));
        if (signed_ids.insert(signature.keyid).second) signatures.push_back(std::move(signature));
    }
    for (const Signature& old : envelope.signatures) {
        if (signed_ids.contains(old.keyid)) continue;
        auto id = KeyId::parse(old.keyid);
        if (!id) continue;
        auto it = known_keys.find(*id);
        if (it == known_keys.end() || it->second.id() != *id) continue;
        if (!signature_verifies(dialect, it->second, old, message)) continue;
        signed_ids.insert(old.keyid);
        signatures.push_back(old);
    }
    envelope.signatures = std::move(signatures);
    return core::success();
}

}  // namespace tufkey::tuf
