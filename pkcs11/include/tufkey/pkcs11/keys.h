// Keys on a token: listing, finding by URI, and generating key pairs on the token.
//
// A KeyObject pairs a private key object with its public key object (same CKA_ID, else same
// CKA_LABEL). Private objects are visible only after login. Key types tufkey cannot use are
// still listed (type "unsupported ...", no public key) so that nothing on the token is hidden.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/bytes.h"
#include "tufkey/core/key_type.h"
#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/uri.h"

namespace tufkey::pkcs11 {

// The private key's protection attributes, read back from the token.
struct KeyAttributes final {
    bool sensitive = false;
    bool extractable = true;
    bool always_sensitive = false;
    bool never_extractable = false;
    bool local = false;  // generated on the token (not imported)
    bool always_authenticate = false;
    bool sign = false;
    bool decrypt = false;
    bool unwrap = false;
    bool derive = false;

    // CKA_LOCAL, CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_SENSITIVE and not
    // CKA_EXTRACTABLE: the key was made on the token and never left it. A root key must pass.
    [[nodiscard]] bool generated_on_token() const noexcept {
        return local && never_extractable && always_sensitive && sensitive && !extractable;
    }
    // The attributes that hold, e.g. {"local", "never-extractable", "sign"}.
    [[nodiscard]] std::vector<std::string> names() const;
};

struct KeyObject final {
    std::string label;
    core::Bytes id;
    std::string type;  // core::to_string(KeyType) of what was found ("rsa-3072"), or "unsupported (...)"
    std::optional<core::PublicKey> public_key;
    bool has_private_key = false;
    bool has_public_object = false;
    std::optional<KeyAttributes> attributes;  // of the private key, when visible
    std::uint64_t private_handle = 0;         // valid for the Session that found it
    std::uint64_t public_handle = 0;
    Uri uri;  // token attributes plus object and id

    // "'label' (id 01, ecdsa-p256)" for messages.
    [[nodiscard]] std::string describe() const;
};

// Every key on the token the session can see.
core::Result<std::vector<KeyObject>> list_keys(Session& session);

// The one key the URI's object, id and type select. No match: an error listing the keys
// present (with a hint to log in when private keys are hidden). Several: an error asking for
// the id.
core::Result<KeyObject> find_key(Session& session, const Uri& uri);

// Key templates differ per module: `strict` (HSMs, SoftHSM) sets every protection attribute;
// `minimal` is what Yubico's ykcs11 accepts (no CKA_EXTRACTABLE, CKA_MODIFIABLE or
// CKA_ALWAYS_AUTHENTICATE; the one-byte CKA_ID picks the PIV slot, 2 = 9c).
enum class TemplateProfile { strict, minimal };

TemplateProfile profile_for(const Module& module) noexcept;

struct KeyGenRequest final {
    core::KeyType type = core::kDefaultKeyType;
    std::string label;
    core::Bytes id;                          // empty: 8 random bytes (strict profile only)
    bool always_authenticate = false;        // strict profile: PIN needed for every signature
    std::optional<TemplateProfile> profile;  // default: profile_for(the session's module)
};

// Generates a key pair on the token (C_GenerateKeyPair): private key token, private,
// sensitive, not extractable, sign only (decrypt, unwrap and derive explicitly false); public
// key verify only. Refuses (ErrorCode::refused) when an object with the label or id exists.
// Unsupported mechanisms name the mechanism and the key types the token offers. The result
// is read back from the token; check attributes->generated_on_token() before trusting it.
// Needs a read-write session, logged in.
core::Result<KeyObject> generate_key_pair(Session& session, const KeyGenRequest& request);

}  // namespace tufkey::pkcs11
