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
#include <utility>
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

// The key template tufkey asks a token for, from strictest to most relaxed. Tokens differ in
// what they accept: SoftHSM and most HSMs take `strict`; a TPM (tpm2-pkcs11) fixes the key
// usages itself and refuses any template that sets them (as CKR_GENERAL_ERROR); Yubico's ykcs11
// rejects CKA_EXTRACTABLE, CKA_MODIFIABLE and CKA_ALWAYS_AUTHENTICATE.
//   strict         token, private, sensitive, not extractable, not modifiable, sign only
//                  (decrypt, unwrap, derive false; the public key verify only, encrypt, wrap,
//                  derive false), always-authenticate when asked
//   token_usages   strict without the usages set to false: the token may give the key the
//                  usages it fixes itself (a TPM's EC key also decrypts)
//   minimal        no CKA_EXTRACTABLE, CKA_MODIFIABLE or CKA_ALWAYS_AUTHENTICATE (ykcs11; the
//                  one-byte CKA_ID picks the PIV slot, 2 = 9c); the usages still set to false
//   bare           label, id, curve or modulus, token, private, sensitive, sign, verify
// Whatever profile a token accepted, the key is read back and checked (generate_key_pair).
enum class TemplateProfile { strict, token_usages, minimal, bare };

// "strict", "token-usages", "minimal", "bare".
[[nodiscard]] std::string_view to_string(TemplateProfile profile) noexcept;

// What generate_key_pair did: the profile the token accepted, the ones it refused before that
// (with their CK_RV name), and the private key's protection attributes as read back
// ("true", "false" or "unreadable"), in a fixed order: CKA_LOCAL, CKA_SENSITIVE,
// CKA_EXTRACTABLE, CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_SIGN,
// CKA_ALWAYS_AUTHENTICATE, CKA_DECRYPT, CKA_UNWRAP, CKA_DERIVE. For the ceremony transcript.
struct KeyGeneration final {
    TemplateProfile profile{};
    std::vector<std::pair<TemplateProfile, std::string>> refused;
    std::vector<std::pair<std::string, std::string>> attributes;
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
    Uri uri;                                  // token attributes plus object and id
    std::optional<KeyGeneration> generation;  // set by generate_key_pair only

    // "'label' (id 01, ecdsa-p256)" for messages.
    [[nodiscard]] std::string describe() const;
};

// Every key on the token the session can see.
core::Result<std::vector<KeyObject>> list_keys(Session& session);

// The one key the URI's object, id and type select. No match: an error listing the keys
// present (with a hint to log in when private keys are hidden). Several: an error asking for
// the id.
core::Result<KeyObject> find_key(Session& session, const Uri& uri);

// Where the fallback starts for this module: `minimal` for ykcs11, else `strict`.
TemplateProfile profile_for(const Module& module) noexcept;

// The profiles generate_key_pair tries, in order, starting at `first`. Profiles that cannot
// carry always-authenticate (minimal, bare) are left out when it is asked for.
std::vector<TemplateProfile> fallback_profiles(TemplateProfile first, bool always_authenticate);

struct KeyGenRequest final {
    core::KeyType type = core::kDefaultKeyType;
    std::string label;
    core::Bytes id;                          // empty: 8 random bytes (except with ykcs11)
    bool always_authenticate = false;        // PIN needed for every signature
    std::optional<TemplateProfile> profile;  // only this profile, no fallback (default: the fallback
                                             // from profile_for(the session's module))
};

// Generates a key pair on the token (C_GenerateKeyPair). Refuses (ErrorCode::refused) when an
// object with the label or id exists, and (ErrorCode::token) a key type whose mechanisms the
// token lacks, naming the key types it offers, before anything is generated. Tries the
// template profiles in order; a token that refuses one (a template CK_RV, or
// CKR_GENERAL_ERROR / CKR_FUNCTION_FAILED, which some tokens return for template problems)
// gets the next, after any object the refused attempt left is deleted. Other failures stop.
// The key made is then read back and must be local, sensitive, not extractable, never
// extractable and always sensitive (where the token reports them), able to sign, and
// always-authenticate when asked; a key that falls short is deleted and refused
// (ErrorCode::token, naming the attribute). The result carries `generation`.
// Needs a read-write session, logged in.
core::Result<KeyObject> generate_key_pair(Session& session, const KeyGenRequest& request);

}  // namespace tufkey::pkcs11
