// Internal to pkcs11/: object search and attribute reading (Cryptoki's two-call pattern).
#pragma once

#include <optional>
#include <vector>

#include "cryptoki.h"
#include "tufkey/pkcs11/keys.h"

namespace tufkey::pkcs11::detail {

inline CK_FUNCTION_LIST* fns(const Session& session) { return session.slot().module()->functions().f; }

// C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal over `match`.
core::Result<std::vector<CK_OBJECT_HANDLE>> find_objects(Session& session, std::vector<CK_ATTRIBUTE> match);

// The attribute's value; std::nullopt when the object has no such attribute or it is sensitive.
core::Result<std::optional<core::Bytes>> get_attribute(Session& session, CK_OBJECT_HANDLE object,
                                                       CK_ATTRIBUTE_TYPE type);

// A KeyObject from a private and/or public key object (at least one handle non-zero).
core::Result<KeyObject> read_key(Session& session, CK_OBJECT_HANDLE private_key, CK_OBJECT_HANDLE public_key);

// DER-encoded curve OIDs for CKA_EC_PARAMS.
inline const core::Bytes k_p256_oid{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
inline const core::Bytes k_p384_oid{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
inline const core::Bytes k_ed25519_oid{0x06, 0x03, 0x2B, 0x65, 0x70};

}  // namespace tufkey::pkcs11::detail
