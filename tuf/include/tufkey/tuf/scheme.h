// The mapping from (dialect, key) to core::SignatureScheme, used to sign and to verify.
//
//   notary  every signature is over SHA-256 whatever the curve: ecdsa/ecdsa-x509 → raw r||s
//           ("ecdsa"), rsa/rsa-x509 → RSASSA-PSS ("rsapss"; "rsapkcs1v15" verifies only),
//           ed25519 → pure Ed25519 ("eddsa"). The signature's `method` picks the scheme and
//           must fit the key.
//   tuf     from the key's scheme: ecdsa-sha2-nistp256/384 → SHA-256/384 with DER,
//           rsassa-pss-sha256/384/512 → PSS, rsa-pkcs1v15-sha* → PKCS#1 v1.5 (verify only),
//           ed25519 → Ed25519.
#pragma once

#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/core/signature_scheme.h"
#include "tufkey/tuf/key.h"

namespace tufkey::tuf {

// How to sign for `key`; ErrorCode::usage for unsupported and verify-only keys.
core::Result<core::SignatureScheme> signing_scheme(const Key& key);
// The notary `method` written with signatures of `key` ("ecdsa", "rsapss", "eddsa"); empty for tuf.
std::string signature_method(const Key& key);
// How to check a signature by `key`; `method` is the signature's method (notary) and ignored for
// tuf. ErrorCode::trust when the method does not fit the key or the key is unsupported.
core::Result<core::SignatureScheme> verification_scheme(const Key& key, std::string_view method);

}  // namespace tufkey::tuf
