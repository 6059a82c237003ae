// Signer: one key that signs bytes. Key files (keystore/) and tokens (pkcs11/) both hand out
// Signers; tuf/ signs through this interface and never knows where a key lives.
#pragma once

#include <string>

#include "tufkey/core/bytes.h"
#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"
#include "tufkey/core/signature_scheme.h"

namespace tufkey::core {

class Signer {
public:
    virtual ~Signer() = default;
    Signer() = default;
    Signer(const Signer&) = delete;
    Signer& operator=(const Signer&) = delete;

    [[nodiscard]] virtual const PublicKey& public_key() const = 0;
    // Signs `message` under `scheme` and returns the signature in the scheme's encoding.
    // A scheme that does not fit the key is ErrorCode::usage.
    [[nodiscard]] virtual Result<Bytes> sign(const SignatureScheme& scheme, ByteView message) = 0;
    // Where the key lives, for messages: a file path or a token URI (never a secret).
    [[nodiscard]] virtual std::string describe() const = 0;
};

// Checks that `scheme` can be used with a key of `alg`; shared by every Signer.
Result<void> check_scheme_fits(KeyAlgorithm alg, const SignatureScheme& scheme);

}  // namespace tufkey::core
