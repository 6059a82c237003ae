// `tufkey publish GUN --to DIR`: writes the repository's current metadata as a static
// repository that any web server can serve.
//
// Before writing, the home's files are verified as a client would (the root chain from its
// oldest kept version, then timestamp, snapshot, targets and every delegated role; see
// ceremony/src/metadata_set.h), so tufkey never publishes what clients would refuse.
//
// Layouts (DIR may be a directory path or a file:// URL):
//   notary  the Notary server's read API, DIR/v2/<GUN>/_trust/tuf/:
//             <role>.json, <role>.<sha256hex>.json, <role>.<sha512hex>.json and
//             <version>.<role>.json for root, targets, delegated roles (nested, e.g.
//             targets/releases.json) and snapshot; <version>.root.json and root.<hash>.json for
//             every root of the chain; timestamp.json and <version>.timestamp.json.
//   tuf     consistent snapshots (TUF 1.0 §"Consistent snapshots"), DIR/:
//             <N>.root.json for every root of the chain and root.json; <V>.targets.json,
//             <V>.<quoted role>.json, <V>.snapshot.json; timestamp.json. (When the root does
//             not ask for consistent snapshots the unprefixed names are written too.)
//
// Both layouts also carry the expiry policy (tufkey-policy.json beside timestamp.json, see
// ceremony/src/policy_document.h) when the home holds one that verifies against the current
// root; a newer policy at the destination is a version conflict (ErrorCode::refused). A policy
// signed by a former root (a root rotation finished across rooms) is left out with a warning,
// and one at the destination that the current root does not sign is removed: every pull would
// refuse it.
//
// Each file is written atomically (0644, directories 0755). Files that already hold the same
// bytes are left alone, so publishing twice is a no-op. A version- or hash-named file holding
// different bytes, or a published role newer than the home's, is ErrorCode::refused (exit 5)
// and nothing is written. Version- and hash-named files go first and timestamp.json last, so a
// client reading during a publish sees the old repository or the new one.
// Afterwards repository.json `published` records each role's version and the transcript gets a
// "publish" step.
//
// A repository on a Notary server (`init --server`, or pulled from one; repository.h) is
// published to that server instead (ceremony/src/publish_server.h): its outgoing changes are
// uploaded, and what the server then serves is verified and stored. Another --to is
// ErrorCode::usage; --server and $TUFKEY_SERVER are not consulted. An http(s):// destination
// for a static repository is ErrorCode::usage too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tufkey/core/progress.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

// Where a static repository goes: `to` (--to) when given; else the directory the repository
// remembers (repository.json "publish_to", set by every publish); else the directory it was
// pulled from (repository.json "origin", when that is a directory or file:// URL); else
// `server` (--server / $TUFKEY_SERVER). None of them: ErrorCode::usage naming --to. A
// successful publish remembers the directory it wrote (as an absolute path), so that a cron
// job can run `tufkey publish GUN` (or `tufkey refresh GUN --due --publish`) alone.
struct PublishRequest final {
    std::string gun;
    std::string to;                      // --to: directory or file:// URL ("": the remembered destination)
    std::string server{};                // --server / $TUFKEY_SERVER: the last fallback ("" none)
    core::Progress* progress = nullptr;  // a terminal's progress line (core/progress.h), or none
};

struct PublishReport final {
    struct File final {
        std::string path;      // relative to the destination directory
        bool written = false;  // false: already there with the same bytes
    };
    std::filesystem::path directory;
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::vector<File> files;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> version published
    std::vector<std::string> warnings;               // e.g. an expiry policy left out
};

core::Result<PublishReport> publish_repository(const keystore::TrustHome& home, const PublishRequest& request);

}  // namespace tufkey::ceremony
