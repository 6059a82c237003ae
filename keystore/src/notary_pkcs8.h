// Internal: PKCS#8 PrivateKeyInfo to a SoftwareSigner, including Notary's Ed25519 encoding.
#pragma once

#include <openssl/x509.h>

#include <memory>
#include <string>

#include "tufkey/core/result.h"
#include "tufkey/core/software_signer.h"

namespace tufkey::keystore::detail {

// Notary's private OID for Ed25519 PKCS#8 (not RFC 8410's 1.3.101.112).
inline constexpr const char* kNotaryEd25519Oid = "1.3.6.1.4.1.11591.15.1";

// A signer from a decrypted PrivateKeyInfo (standard PKCS#8 or Notary's Ed25519 blob
// public(32) || seed(32) || public(32)). ErrorCode::key when it does not parse.
core::Result<std::unique_ptr<core::SoftwareSigner>> signer_from_pkcs8(const PKCS8_PRIV_KEY_INFO* p8,
                                                                      const std::string& description);

}  // namespace tufkey::keystore::detail
