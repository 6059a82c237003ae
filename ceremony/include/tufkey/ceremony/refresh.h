// `tufkey refresh`: re-signs snapshot and timestamp of a repository with their file keys, with
// version + 1 and a fresh expiry (the repository's policy), for a cron job on the machine that
// serves a static repository. Nothing else changes: root, targets and delegations keep their
// exact bytes. Timestamp lists snapshot's hash, so refreshing snapshot re-signs timestamp too;
// refreshing only timestamp leaves snapshot as it is. Writes under the home lock (snapshot
// first, timestamp last) and appends a "refresh" transcript step.
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
    std::vector<std::string> roles;  // "snapshot" and/or "timestamp"; empty: both
};

struct RefreshReport final {
    std::string gun;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> new version
    std::map<tuf::RoleName, std::string> expires;    // role -> new expiry (RFC 3339)
    std::vector<std::filesystem::path> files_written;
};

// A role other than snapshot or timestamp is ErrorCode::usage; a key not held is ErrorCode::key.
core::Result<RefreshReport> refresh_repository(KeyAccess& access, const RefreshRequest& request);

}  // namespace tufkey::ceremony
