// The checks `tufkey init` makes before it generates any key (issue #10, "init checks
// everything first"): every --root-key URI different, the GUN free in the home, every token
// present and logged in with each named key found or confirmed for generation, and each new
// role key made and encrypted in memory with its passphrase (environment or terminal). Only
// when all of them pass does init generate root keys on tokens and write files.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tufkey/ceremony/init.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"

namespace tufkey::ceremony::detail {

struct InitPreflight final {
    std::vector<PreparedTokenKey> root_keys;             // in --root-key order
    std::map<tuf::RoleName, PreparedFileKey> role_keys;  // targets, snapshot, timestamp
};

// Every --root-key URI parses and no two name the same key. ErrorCode::usage.
core::Result<void> check_root_uris_unique(const InitRequest& request);

// The GUN has no repository.json, no metadata file and no tufkey state in the home.
// ErrorCode::refused naming what is there.
core::Result<void> check_gun_free(const Repository& repo);

// Opens every token and checks every key and passphrase source; changes nothing on any token
// or in the home.
core::Result<InitPreflight> run_init_preflight(KeyAccess& access, const InitRequest& request);

}  // namespace tufkey::ceremony::detail
