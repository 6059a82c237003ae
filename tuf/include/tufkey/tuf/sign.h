// Signing a role: signatures over canonical_json(signed) with core::Signers (file or token keys;
// tuf/ never knows which).
#pragma once

#include <span>

#include "tufkey/core/result.h"
#include "tufkey/core/signer.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf {

// One signing key: its metadata Key (which fixes the key ID and scheme: for a Notary root the
// certificate key, for which no ID can be derived from the bare public key) and the Signer
// holding its private half. Both are borrowed for the call.
struct SigningKey final {
    const Key& key;
    core::Signer& signer;
};

// Signs `envelope.signed_part` with every signing key, then keeps existing signatures of other
// keys that are in `known_keys` (looked up by computed key ID) and still verify over the new
// bytes, like Notary's re-sign; other old signatures are dropped. New signatures come first, in
// the order given. Errors: a Signer whose public key differs from its Key (ErrorCode::usage),
// a key in another dialect (usage), the Signer's own error (key/token) with the key ID in front.
core::Result<void> sign_envelope(Dialect dialect, Envelope& envelope, std::span<const SigningKey> signing_keys,
                                 const KeyMap& known_keys);

// An envelope with no signatures yet around `signed_part`.
inline Envelope make_envelope(Json signed_part) {
    Envelope envelope;
    envelope.signed_part = std::move(signed_part);
    return envelope;
}

}  // namespace tufkey::tuf
