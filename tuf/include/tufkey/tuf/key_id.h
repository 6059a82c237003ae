// Key IDs that keystore/, pkcs11 callers and the CLI need without a metadata document.
#pragma once

#include <string>

#include "tufkey/core/public_key.h"

namespace tufkey::tuf {

// Notary's canonical key ID, tufkey's name for a key everywhere outside metadata: hex SHA-256
// of the canonical JSON {"keytype":T,"keyval":{"private":null,"public":B64}} where T is
// "ecdsa" (any curve), "rsa" or "ed25519" and B64 is base64 of the DER SPKI (Ed25519: of the
// raw 32-byte key).
std::string notary_canonical_key_id(const core::PublicKey& key);

}  // namespace tufkey::tuf
