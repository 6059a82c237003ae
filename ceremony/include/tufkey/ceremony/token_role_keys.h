// The token keys that sign roles other than root in a home's repositories (`rotate GUN ROLE
// --key pkcs11:...`), for `tufkey key list`. Reads repository.json and root.json only; opens no
// token.
#pragma once

#include <string>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::ceremony {

struct TokenRoleKey final {
    std::string id;    // canonical key ID
    std::string role;  // e.g. "targets"
    std::string gun;
    std::string uri;  // the key's PKCS#11 URI (no PIN)
};

// Every repository.json `role_keys` entry whose key the repository's current root still lists
// for its role, ordered by GUN, role and key ID. A repository whose files cannot be read is
// left out (key list still shows the key files).
core::Result<std::vector<TokenRoleKey>> list_token_role_keys(const keystore::TrustHome& home);

}  // namespace tufkey::ceremony
