// `tufkey init`: the offline root ceremony.
//
// Opens (or, after a confirmation, generates) each root key on its token, makes the Notary
// root certificate (notary dialect: CN = GUN, valid as long as root.json) through the token,
// generates the targets, snapshot and timestamp keys as encrypted key files, and signs
// version 1 of root, targets, snapshot and timestamp. The root is signed by every root key
// given, so any threshold up to their number verifies. Writes the metadata, the first root of
// the chain, repository.json, the expiry policy (version 1 of tufkey/<GUN>/policy.json, signed by
// the same root keys: ceremony/src/policy_document.h) and the transcript (whose head the root
// keys sign). Opens no network connection, except with --server (below). An existing
// repository is ErrorCode::refused.
//
// `init GUN --server URL` (notary dialect) makes a repository for a Notary server: before any
// token is touched it fetches the public key the server holds for timestamp (and, with
// --server-managed snapshot, for snapshot; remote/notary_server.h), which root lists for those
// roles; no key file is made for them. Root v1 goes to metadata/ as the trusted root; targets
// (and snapshot) wait in outgoing/ until `tufkey publish GUN` uploads them and the server signs
// the timestamp. repository.json remembers the server (origin, tls, server_managed).
// Warnings: a root on one token only; a root lifetime shorter than one year.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/duration.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/key.h"

namespace tufkey::ceremony {

struct InitRequest final {
    std::string gun;
    std::vector<std::string> root_key_uris;
    std::uint32_t root_threshold = 1;
    tuf::Dialect dialect = tuf::Dialect::notary;
    RolePolicy expires = RolePolicy::default_expiry();
    RolePolicy warn = RolePolicy::default_warning();      // `status` warning windows, kept in repository.json
    core::KeyType root_key_type = core::kDefaultKeyType;  // for keys generated on tokens
    std::string server;                                   // --server URL: a Notary server repository
    TlsSettings tls;                                      // --tls-ca, --tls-client-cert, --tls-client-key
    bool server_snapshot = false;                         // --server-managed snapshot
    std::string publish_to{};  // --publish-to DIR (absolute): remembered as repository.json "publish_to"
    // Filled by init_repository from the server: role -> the public key the server holds.
    std::map<tuf::RoleName, tuf::Key> server_keys;
};

struct InitReport final {
    struct RootKey final {
        std::string uri;
        std::string token;         // "'label' (serial S)"
        std::string canonical_id;  // Notary canonical ID of the bare public key
        std::string metadata_id;   // the ID root.json lists (Notary: of the certificate)
        bool generated = false;
        // For a key generated now: the template profile the token accepted and the attributes
        // read back (pkcs11/keys.h). The transcript records it.
        std::optional<pkcs11::KeyGeneration> generation;
    };
    std::vector<RootKey> root_keys;
    std::uint32_t root_threshold = 1;
    std::map<tuf::RoleName, std::string> role_key_ids;    // targets/snapshot/timestamp -> canonical ID
    std::map<tuf::RoleName, std::string> server_key_ids;  // roles the Notary server signs -> canonical ID
    std::vector<std::string> warnings;
    std::vector<std::filesystem::path> files_written;
};

core::Result<InitReport> init_repository(KeyAccess& access, const InitRequest& request);

}  // namespace tufkey::ceremony
