// SignatureScheme: exactly how a message is signed, so that the metadata dialect decides.
//
// Notary's "ecdsa" is SHA-256 with raw r||s whatever the curve; TUF's "ecdsa-sha2-nistp384" is
// SHA-384 with DER; RSA is PSS (MGF1 with the same hash, salt = digest length); Ed25519 signs
// the message itself.
#pragma once

#include "tufkey/core/digest.h"
#include "tufkey/core/key_type.h"

namespace tufkey::core {

enum class SignatureEncoding {
    ecdsa_der,     // ASN.1 SEQUENCE { r, s }
    ecdsa_raw,     // r || s, each left-padded to the field size
    rsa_pss,       // RSASSA-PSS, MGF1 with the scheme's hash, salt length = digest length
    rsa_pkcs1v15,  // RSASSA-PKCS1-v1_5 (X.509 certificates of RSA roots; Notary's "rsapkcs1v15")
    ed25519,       // pure Ed25519 over the message (the hash field is ignored)
};

struct SignatureScheme final {
    HashAlgorithm hash = HashAlgorithm::sha256;
    SignatureEncoding encoding = SignatureEncoding::ecdsa_der;

    friend bool operator==(const SignatureScheme&, const SignatureScheme&) = default;
};

}  // namespace tufkey::core
