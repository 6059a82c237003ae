// `tufkey migrate GUN --to DIR|URL [--dialect tuf|notary] [--root-key URI]... [--dry-run]`:
// moves a repository the home holds and has verified (pulled from a Notary server, made here,
// or docker's trust data under --home ~/.docker/trust) to a new place: a static directory in
// either dialect, or another Notary server (notary dialect).
//
// What the migrated repository is:
//   - the same GUN, and in the home the same repository: the home follows it to its new place
//     (repository.json names the new dialect, and the new server as origin for a server
//     destination). The old place is left as it was; its last root chain is kept in
//     tufkey/<GUN>/archive/migrated-roots/ when a new chain starts.
//   - the same targets (path, length, hashes, custom), the same delegations (names, keys,
//     paths, thresholds). In the same dialect every targets-type role is copied byte for byte, so
//     every signer's signature stays; in the other dialect each is re-encoded and signed again
//     with the keys this home holds for it (every one is needed: a role whose keys are not here
//     is refused naming them, before anything is written).
//   - keys: a role's key this home holds is reused; a role whose key it does not hold (the old
//     server's timestamp, a server-managed snapshot) gets a new key file here, or, for a Notary
//     server destination, the key that server holds for timestamp (and snapshot, when the old
//     server held it). The root keys are kept, unless --root-key puts the new root on tokens.
//   - root continuity: in the same dialect, when this home holds a threshold of the old root's
//     keys (repository.json's root tokens, or a root key file such as docker's), the new root is
//     version N+1 of the same chain, signed by the old threshold and by the new root keys; a
//     client holding the old root follows it (`tufkey pull --from NEW --root OLD-ROOT`, the
//     notary client). In another dialect the new repository starts a chain at version 1; when
//     the old root threshold is here, that root carries the old root keys' signatures too (as
//     plain keys of the new dialect, not listed, so other readers ignore them) and `tufkey pull
//     --root OLD-ROOT` checks them (pull.h). When the old root keys are not here, the new chain
//     starts unvouched and clients must pin it; the report says which.
//
// Refusals, all before anything is written: a source that does not verify (ErrorCode::trust),
// unpublished changes or a staged root (ErrorCode::refused), a destination that already holds a
// repository for GUN (ErrorCode::refused), what the destination dialect cannot express
// (ErrorCode::usage naming it: an Ed25519 root or a TUF hashed-bin, terminating or glob
// delegation in the notary dialect; a Notary prefix that a TUF glob cannot say), missing keys
// (ErrorCode::key), a wrong PIN or passphrase (ErrorCode::token / key).
//
// The home changes as one HomeTransaction (keys generated, metadata, chain, repository.json,
// the re-signed expiry policy, a "migrate" transcript step signed by the new root keys); then
// the repository is published to the destination as `tufkey publish` does (verified first). If
// only that last step fails, the home already holds the migrated repository and
// `tufkey publish GUN [--to DIR]` finishes it (the error says so).
//
// `dry_run`: the plan (files, what is kept, what is signed and by which key, keys to generate),
// computed without asking for any PIN or passphrase; nothing is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/publish.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"

namespace tufkey::ceremony {

struct MigrateRequest final {
    std::string gun;
    std::string to;                          // a directory, file:// URL, or https:// Notary server
    std::optional<tuf::Dialect> dialect;     // --dialect (default: the source's)
    std::vector<std::string> root_key_uris;  // --root-key: the new root on tokens (default: keep)
    std::uint32_t root_threshold = 0;        // --root-threshold (0: the old one, or 1 with --root-key)
    TlsSettings tls;                         // for a Notary server destination
    bool dry_run = false;
};

struct MigrateReport final {
    // One file of the new repository and who signs it ("" for a file copied byte for byte).
    struct Signing final {
        std::string role;
        std::string action;             // "copied", "re-encoded and signed", "signed"
        std::vector<std::string> keys;  // "ID (key file)", "ID (pkcs11:...)", "ID (the Notary server)"
    };
    std::string gun;
    tuf::Dialect from = tuf::Dialect::notary;
    tuf::Dialect to = tuf::Dialect::notary;
    std::string destination;
    bool server = false;
    bool dry_run = false;
    std::uint64_t root_version = 1;
    bool continues_chain = false;  // the new root is version N+1, signed by the old root's threshold
    bool old_root_signs = false;   // the old root's threshold signs the new root (continued chain or not)
    std::vector<Signing> signing;
    std::vector<std::string> generated;          // "snapshot: new key file ID" (planned in a dry run)
    std::vector<std::string> home_files;         // written in the home (planned in a dry run)
    std::vector<std::string> destination_files;  // role files at the destination (relative), or the uploads
    std::vector<std::string> target_count;       // "ROLE: N targets"
    std::vector<std::string> warnings;
    std::optional<PublishReport> published;  // nullopt in a dry run
};

core::Result<MigrateReport> migrate_repository(KeyAccess& access, const MigrateRequest& request);

}  // namespace tufkey::ceremony
