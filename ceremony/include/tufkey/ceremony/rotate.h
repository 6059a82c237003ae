// `tufkey rotate GUN ROLE [--key ID] [--remove-key ID]...`: replace or revoke the keys of
// targets, snapshot or timestamp (root rotation is a separate ceremony, still to come).
//
//   rotate GUN ROLE                 a new key file for ROLE replaces every key it had
//   rotate GUN ROLE --key ID        a key already in the home replaces them
//   rotate GUN ROLE --remove-key ID revokes only that key (a leaked one); the role keeps the
//                                   others, and must keep at least its threshold
//
// The root is re-signed as version + 1 (same root keys and expiry) by a threshold of its token
// keys (repository.json `root_keys`; PINs as for every token ceremony), listing the new key
// set. The rotated role is re-signed by its new key when it is targets; snapshot and timestamp
// are re-signed over the new files (by their new key when they were rotated). Key files that
// no role of the GUN uses any more are moved to tufkey/<GUN>/archive/<id>.key (never deleted).
// Everything, transcript line and head signature by the root tokens included, commits as one
// HomeTransaction: a missing token, a wrong PIN or passphrase, or a kill changes nothing.
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

struct RotateRequest final {
    std::string gun;
    std::string role;                      // targets | snapshot | timestamp
    std::string key;                       // "": a new key file; else the ID of a key in the home
    std::vector<std::string> remove_keys;  // --remove-key: revoke only these (key IDs or prefixes)
};

struct RotateReport final {
    std::string gun;
    tuf::RoleName role = tuf::RoleName::targets();
    std::vector<std::string> added;    // canonical key IDs
    std::vector<std::string> removed;  // canonical key IDs
    std::vector<std::filesystem::path> archived;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> new version
};

core::Result<RotateReport> rotate_role(KeyAccess& access, const RotateRequest& request);

}  // namespace tufkey::ceremony
