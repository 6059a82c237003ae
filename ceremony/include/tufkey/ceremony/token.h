// The token operations behind `tufkey token list | keys | generate`, as ceremonies: each takes
// typed inputs and returns a plain report (no pkcs11/ types), so cli/commands/token.cc only
// parses, calls one of these and prints. Modules are chosen in KeyAccess's one precedence
// (--module, the URI's module-path, $TUFKEY_PKCS11_MODULE, discovery); logging in and PIN
// prompts go through KeyAccess's PIN source, confirmations through KeyAccess::confirm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/key_type.h"
#include "tufkey/core/result.h"

namespace tufkey::ceremony {

struct TokenSlotReport final {
    std::string module;  // the module's path
    std::uint64_t slot_id = 0;
    std::string slot_description;
    bool token_present = false;
    bool initialized = false;
    std::string label;
    std::string serial;
    std::string model;
    std::string manufacturer;
    std::vector<std::string> flags;  // TokenFlags::names(): "login-required", "pin-count-low", ...
    std::string uri;                 // the token's PKCS#11 URI
};

struct ModuleReport final {
    std::string path;
    std::string manufacturer;
    std::string description;
    std::string library_version;
    std::optional<std::string> problem;  // one line when the module could not be listed
    // The module could not be loaded or initialised (e.g. SoftHSM2 whose token store was
    // removed), not merely found no reader: `token list` exits 3 then.
    bool unusable = false;
    std::vector<TokenSlotReport> slots;
};

struct TokenListReport final {
    std::vector<ModuleReport> modules;  // installed candidates, or the one configured module
};

// `token list`: the configured module (--module, else $TUFKEY_PKCS11_MODULE; a module that
// cannot be listed is ErrorCode::token), else every installed default module.
core::Result<TokenListReport> list_tokens(const ModuleSettings& settings);

struct TokenKeyReport final {
    std::string canonical_id;  // Notary canonical key ID; "" without a readable public key
    std::string tuf_id;        // TUF 1.0 key ID; ""
    std::string label;
    std::string ck_id;  // CKA_ID in hex
    std::string type;   // "ecdsa-p256", ..., or "unsupported (...)"
    std::string uri;
    bool has_private_key = false;
    std::optional<std::vector<std::string>> attributes;  // when the private key's are visible
    bool generated_on_token = false;
};

struct TokenKeysReport final {
    std::string token;  // "'label' (serial S)"
    std::vector<TokenKeyReport> keys;
};

// `token keys`: every key on the token `token` names (a PKCS#11 URI, or a bare label; "" is
// the only token), or the one key the URI names (an unknown one is an error listing what is
// there). Logs in when the token requires it.
core::Result<TokenKeysReport> list_token_keys(KeyAccess& access, std::string_view token);

struct TokenGenerateRequest final {
    std::string token;  // URI or label
    std::string label;  // CKA_LABEL of the new key
    std::string id;     // CKA_ID in hex; "" for 8 random bytes
    core::KeyType type = core::kDefaultKeyType;
};

struct TokenGenerateReport final {
    std::string token;  // "'label' (serial S)"
    TokenKeyReport key;
    std::string template_profile;               // the key template the token accepted (pkcs11/keys.h)
    std::vector<std::string> refused_profiles;  // "strict: CKR_GENERAL_ERROR", ... tried before it
};

// `token generate`: asks for confirmation (KeyAccess::confirm: without a terminal and without
// --yes, ErrorCode::usage), logs in and generates the key pair on the token. A key the token
// does not report as generated on it and never extractable draws a warning.
core::Result<TokenGenerateReport> generate_token_key(KeyAccess& access, const TokenGenerateRequest& request);

}  // namespace tufkey::ceremony
