// KeyAccess: how a ceremony reaches its keys. Key files go through keystore/ (passphrases from
// the environment or the terminal), token keys through pkcs11/ (PINs from --pin-file, the
// environment or the terminal). Confirmations and warnings go to the person at the terminal.
// Nothing here retries a wrong PIN; secrets never leave SecretBytes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/core/signer.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/keystore/key_operations.h"
#include "tufkey/keystore/passphrase.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/token.h"

namespace tufkey::ceremony {

struct KeyAccess final {
    const keystore::TrustHome& home;
    keystore::PassphraseSource& passphrases;
    pkcs11::PinSource& pins;
    std::string configured_module;  // --module or $TUFKEY_PKCS11_MODULE; empty: discover
    bool assume_yes = false;        // -y: answer confirmations with yes
    std::function<void(std::string_view)> warn = [](std::string_view) {};

    // Asks `question` (or answers yes with -y). Without a terminal and without -y: an
    // ErrorCode::usage error telling the user to pass --yes.
    [[nodiscard]] core::Result<bool> confirm(std::string_view question) const;
};

// A key on a token, opened and logged in, ready to sign.
struct TokenKey final {
    std::unique_ptr<core::Signer> signer;
    pkcs11::TokenInfo token;
    pkcs11::KeyObject key;
    std::string uri;  // the key's full URI (token + object + id), no PIN
    bool generated = false;
};

// Opens the key `uri` names. When it names no existing key and `generate` is set, asks for
// confirmation and generates one of type `spec` on the token (label from the URI's object,
// id from its id). With `require_on_token` (root keys), a key whose attributes do not show it
// was generated on the token and never left it is refused. Login warnings (PIN count low,
// default PIN) go to access.warn.
struct TokenKeyRequest final {
    std::string uri;
    bool generate = false;
    pkcs11::KeySpec spec = pkcs11::KeySpec::ecdsa_p256;
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
core::Result<FileKey> create_file_key(KeyAccess& access, const keystore::HomeLock& lock, const std::string& role,
                                      const std::string& gun, keystore::KeyType type = {});

// create_file_key in two steps: prepare_file_key generates the key and encrypts it with its new
// passphrase (environment or terminal) in memory; store_file_key writes the key file.
struct PreparedFileKey final {
    std::unique_ptr<core::SoftwareSigner> signer;
    keystore::StoredKey stored;
    std::string pem;  // the encrypted key file
};
core::Result<PreparedFileKey> prepare_file_key(KeyAccess& access, const std::string& role, const std::string& gun,
                                               keystore::KeyType type = {});
core::Result<FileKey> store_file_key(KeyAccess& access, const keystore::HomeLock& lock, PreparedFileKey prepared);

// Opens the stored key with canonical ID `id` (asks for its passphrase).
core::Result<std::unique_ptr<core::SoftwareSigner>> open_file_key(KeyAccess& access, const std::string& id);

// Whether the home holds a key file with canonical ID `id`.
bool has_file_key(const keystore::TrustHome& home, const std::string& id);

}  // namespace tufkey::ceremony
