// `tufkey refresh`: re-signs snapshot and timestamp of a repository with their file keys, with
// version + 1 and a fresh expiry (the repository's policy), for a cron job on the machine that
// serves a static repository. Timestamp lists snapshot's hash, so refreshing snapshot re-signs
// timestamp too; refreshing only timestamp leaves snapshot as it is. `--role targets` (or a
// delegated role) re-signs that role with the same targets, version + 1 and a fresh expiry
// (the way back from an expired targets role), then snapshot and timestamp. Roles not named
// keep their exact bytes. In a delegate's home, which holds no snapshot or timestamp key,
// `--role ROLE` for delegated roles only re-signs just those, to be carried to the owner by
// bundle (docs/delegation.md). Writes under the home lock (snapshot
// first, timestamp last) and appends a "refresh" transcript step.
//
// With `due_only` (`refresh --due`, for cron) only the named roles (default snapshot and
// timestamp) that are inside their warning window (repository.json `warn`, the windows `status`
// uses) or expired are re-signed; the others are reported in `not_due`, and when none is due
// nothing is opened, signed or written. Roles the Notary server signs are never due.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

struct RefreshRequest final {
    std::string gun;
    std::vector<std::string> roles;  // snapshot, timestamp, targets or a delegated role; empty: snapshot+timestamp
    bool due_only = false;           // re-sign only roles inside their warning window (see above)
};

struct RefreshReport final {
    std::string gun;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> new version
    std::map<tuf::RoleName, std::string> expires;    // role -> new expiry (RFC 3339)
    std::vector<std::filesystem::path> files_written;
    struct NotDue final {
        tuf::RoleName role = tuf::RoleName::timestamp();
        std::int64_t seconds_left = 0;  // until it expires
        std::int64_t window = 0;        // its warning window, seconds
    };
    std::vector<NotDue> not_due;  // due_only: roles left alone, outside their window
};

// A role the repository does not have (or root) is ErrorCode::usage; a key not held is ErrorCode::key.
core::Result<RefreshReport> refresh_repository(KeyAccess& access, const RefreshRequest& request);

}  // namespace tufkey::ceremony
