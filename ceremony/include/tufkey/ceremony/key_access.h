// KeyAccess: how a ceremony reaches its keys. Key files go through keystore/ (passphrases from
// the environment or the terminal), token keys through pkcs11/ (PINs from --pin-file, the
// environment or the terminal). The terminal and the environment behind both sources are the
// interaction object cli/ owns (cli/src/interaction.h). Confirmations and warnings go to the
// person at the terminal. Nothing here retries a wrong PIN; secrets never leave SecretBytes.
//
// The PKCS#11 module, for every command that opens a token (init, rotate, token
// list/keys/generate): --module PATH, else the key URI's module-path, else
// $TUFKEY_PKCS11_MODULE, else the one installed module with a token (docs/tokens.md).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/key_type.h"
#include "tufkey/core/result.h"
#include "tufkey/core/signer.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/keystore/key_operations.h"
#include "tufkey/keystore/passphrase.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token.h"
#include "tufkey/pkcs11/uri.h"

namespace tufkey::ceremony {

// Where the PKCS#11 module path may come from, besides a key URI's module-path.
struct ModuleSettings final {
    std::string option;          // --module PATH ("" when not given)
    std::string environment;     // $TUFKEY_PKCS11_MODULE ("" when unset)
    std::string softhsm_conf{};  // $SOFTHSM2_CONF ("" when unset): to name a removed SoftHSM2 store
};

// pkcs11::Module::open, with a module that cannot be initialised because its SoftHSM2 token store
// is gone named as such (pkcs11::missing_softhsm_store) instead of a bare CKR_GENERAL_ERROR.
core::Result<std::shared_ptr<pkcs11::Module>> open_module(const ModuleSettings& settings, const std::string& path);

// The configured module for `uri` (nullptr: no URI) in the one precedence: --module, the URI's
// module-path, $TUFKEY_PKCS11_MODULE. nullopt: none configured, discover one.
std::optional<std::string> configured_module_path(const ModuleSettings& settings, const pkcs11::Uri* uri);

struct KeyAccess final {
    const keystore::TrustHome& home;
    keystore::PassphraseSource& passphrases;
    pkcs11::PinSource& pins;
    ModuleSettings module;
    bool assume_yes = false;  // -y: answer confirmations with yes
    std::function<void(std::string_view)> warn = [](std::string_view) {};
    // What a person must read before confirming (a root rotation's changes), one line per call.
    std::function<void(std::string_view)> show = [](std::string_view) {};

    // Asks `question` (or answers yes with -y). Without a terminal and without -y: an
    // ErrorCode::usage error telling the user to pass --yes (exit code 2 in every command).
    [[nodiscard]] core::Result<bool> confirm(std::string_view question) const;
};

// The module path for `uri` (configured_module_path, else discovery among the installed ones).
core::Result<std::string> module_path_for(const KeyAccess& access, const pkcs11::Uri* uri);

// Opens the token `uri` names (read-write when asked) and logs in: always with
// Login::always, else only when the token requires login for reading. Login warnings (PIN
// count low, default PIN) go to access.warn.
enum class Login { always, when_required };
core::Result<std::shared_ptr<pkcs11::Session>> open_token_session(KeyAccess& access, const pkcs11::Uri& uri,
                                                                  bool read_write, Login login);

// Whether the token `uri` names is plugged in (its module loads and exactly one token matches).
// Asks for no PIN and changes nothing: a ceremony that signs with whichever of several tokens
// are in this room (`rotate GUN root --stage`) skips the absent ones before asking for a PIN.
bool token_present(KeyAccess& access, const std::string& uri);

// A key on a token, opened and logged in, ready to sign.
struct TokenKey final {
    std::unique_ptr<core::Signer> signer;
    pkcs11::TokenInfo token;
    pkcs11::KeyObject key;
    std::string uri;  // the key's full URI (token + object + id), no PIN
    bool generated = false;
};

// Opens the key `uri` names. When it names no existing key and `generate` is set, asks for
// confirmation and generates one of type `type` on the token (label from the URI's object,
// id from its id). With `require_on_token` (root keys), a key whose attributes do not show it
// was generated on the token and never left it is refused. Login warnings (PIN count low,
// default PIN) go to access.warn.
struct TokenKeyRequest final {
    std::string uri;
    bool generate = false;
    core::KeyType type = core::kDefaultKeyType;
    bool require_on_token = true;
};
core::Result<TokenKey> open_token_key(KeyAccess& access, const TokenKeyRequest& request);

// open_token_key in two steps, so a ceremony can check every token before it changes any.
// prepare_token_key opens the token, logs in, finds the key and checks it (or, when it is
// missing and `generate` is set, asks the confirmation to generate it); it changes nothing.
// finish_token_key generates the missing key (if any) and returns the ready signer.
struct PreparedTokenKey final {
    std::shared_ptr<pkcs11::Session> session;
    pkcs11::Uri uri;
    std::optional<pkcs11::KeyObject> existing;  // nullopt: finish_token_key generates it
    TokenKeyRequest request;
};
core::Result<PreparedTokenKey> prepare_token_key(KeyAccess& access, const TokenKeyRequest& request);
core::Result<TokenKey> finish_token_key(PreparedTokenKey prepared);

// A new key file in the home for `role` (gun only for targets/snapshot/timestamp), encrypted
// with a new passphrase (environment or terminal). Returns its signer and canonical key ID.
struct FileKey final {
    std::unique_ptr<core::SoftwareSigner> signer;
    std::string id;
};
core::Result<FileKey> create_file_key(KeyAccess& access, keystore::HomeTransaction& tx, const std::string& role,
                                      const std::string& gun, core::KeyType type = core::kDefaultKeyType);

// create_file_key in two steps: prepare_file_key generates the key and encrypts it with its new
// passphrase (environment or terminal) in memory; store_file_key stages the key file in `tx`.
struct PreparedFileKey final {
    std::unique_ptr<core::SoftwareSigner> signer;
    keystore::StoredKey stored;
    std::string pem;  // the encrypted key file
};
core::Result<PreparedFileKey> prepare_file_key(KeyAccess& access, const std::string& role, const std::string& gun,
                                               core::KeyType type = core::kDefaultKeyType);
core::Result<FileKey> store_file_key(KeyAccess& access, keystore::HomeTransaction& tx, PreparedFileKey prepared);

// Opens the stored key with canonical ID `id` (asks for its passphrase).
core::Result<std::unique_ptr<core::SoftwareSigner>> open_file_key(KeyAccess& access, const std::string& id);

// Whether the home holds a key file with canonical ID `id`.
bool has_file_key(const keystore::TrustHome& home, const std::string& id);

}  // namespace tufkey::ceremony
