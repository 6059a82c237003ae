// The key operations users run (`tufkey key ...`), each taking typed inputs and returning a
// typed report. Writers take the home's HomeLock as proof that they hold it. Every file is
// written atomically; nothing is changed when an operation fails.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/core/key_type.h"
#include "tufkey/core/result.h"
#include "tufkey/core/signature_scheme.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/keystore/passphrase.h"
#include "tufkey/keystore/home_transaction.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::keystore {

// Whether a role needs a GUN in its key file (targets, snapshot, timestamp).
bool role_needs_gun(std::string_view role) noexcept;

// `key generate NAME --dir DIR`: docker's semantics. A new key with role NAME (no GUN) is
// stored encrypted in the home; DIR/NAME.pub is a PEM "PUBLIC KEY" with header `role: NAME`.
// NAME is lowercase letters, digits, '_' and '-' (docker's rule) and not a base role. An
// existing DIR/NAME.pub is ErrorCode::refused.
struct GenerateRequest final {
    std::string name;
    std::filesystem::path dir;
    core::KeyType type = core::kDefaultKeyType;
};
struct GeneratedKey final {
    std::string id;
    std::filesystem::path private_key_file;
    std::filesystem::path public_key_file;
};
core::Result<GeneratedKey> generate_key(const TrustHome& home, const HomeLock& lock, PassphraseSource& passphrases,
                                        const GenerateRequest& request);

// `key import FILE`: every private key block in FILE. The role is the block's `role:` header,
// else `role`; the GUN its `gun:` header, else `gun`. Targets/snapshot/timestamp keys need a
// GUN; root and delegation keys never keep one. Encrypted blocks are opened with their
// passphrase and stored re-encrypted with that passphrase (and tufkey's iteration count);
// plain blocks get a new passphrase. FILE readable or writable by group or others is
// ErrorCode::refused (as docker does). A key already in the home is reported, not rewritten.
struct ImportRequest final {
    std::filesystem::path file;
    std::string role;
    std::string gun;
};
struct ImportedKey final {
    std::string id;
    std::string role;
    std::string gun;
    std::filesystem::path file;
    bool already_present = false;
};
// The keys are staged in `tx`; the caller commits (so several files import as one change).
core::Result<std::vector<ImportedKey>> import_keys(const TrustHome& home, HomeTransaction& tx,
                                                   PassphraseSource& passphrases, const ImportRequest& request);

// `key export`: the stored encrypted blocks, unchanged inside, each with the `path: <keyid>`
// header that `notary key import` needs. No selection means every key; `keys` are ID
// prefixes; `gun` selects the keys of one GUN. Needs no passphrase.
struct ExportRequest final {
    std::vector<std::string> keys;
    std::string gun;
};
struct ExportedKeys final {
    std::string pem;
    std::vector<StoredKey> keys;
};
core::Result<ExportedKeys> export_keys(const TrustHome& home, const ExportRequest& request);

// `key passwd`: opens the key with its current passphrase (environment or prompt), asks for a
// new one at the terminal only, and rewrites the file in place.
core::Result<StoredKey> change_passphrase(const TrustHome& home, const HomeLock& lock, PassphraseSource& passphrases,
                                          std::string_view id_prefix);

// Opens a stored key for signing. The key inside must match the ID in its file name.
core::Result<std::unique_ptr<core::SoftwareSigner>> load_signer(const TrustHome& home, PassphraseSource& passphrases,
                                                                const StoredKey& key);

}  // namespace tufkey::keystore
