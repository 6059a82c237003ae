// `tufkey status`: what the home holds for a repository, read-only: each role's version,
// the key IDs whose signatures on it verify (canonical IDs), its expiry and the time left,
// whether it is inside its warning window, and which roles have changed since the last publish
// (version above repository.json `published`; for a repository on a Notary server, the roles
// with a signed change waiting in outgoing/). The roles such a server manages (it re-signs them)
// are never inside a warning window. The CLI asks the server first (cli/src/server_refresh.h).
//
// Warning windows come from repository.json `warn` (defaults: root 90d, targets and
// delegations 30d, snapshot 7d, timestamp 2d), overridden for one run by `ROLE=DURATION`
// assignments. A role that has expired is inside its window too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tufkey/ceremony/duration.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"

namespace tufkey::ceremony {

struct StatusRequest final {
    std::string gun;
    std::vector<std::string> warn_overrides;  // ROLE=DURATION (role root|targets|snapshot|timestamp|delegation)
    tuf::Instant now;
};

struct RoleStatus final {
    tuf::RoleName role = tuf::RoleName::root();
    tuf::Version version;
    std::uint64_t published = 0;       // version last published; 0: never
    bool unpublished = false;          // version > published
    std::vector<std::string> signers;  // canonical key IDs with a valid signature
    std::uint32_t threshold = 1;
    std::string expires;            // as written
    std::int64_t seconds_left = 0;  // negative once expired
    Duration warn_window{0};
    bool inside_window = false;
    bool expired = false;
    // The Notary server holds this role's key and re-signs it: never inside a warning window here.
    bool server_managed = false;
};

struct StatusReport final {
    std::string gun;
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::vector<RoleStatus> roles;  // root, targets, delegations (pre-order), snapshot, timestamp
    std::vector<tuf::RoleName> unpublished;
    std::vector<tuf::RoleName> expiring;  // inside their warning window
    // A root rotation collecting signatures (rotate GUN root --stage): "version N, signed by
    // a of t old root keys, b of u new root keys"; empty when none is staged.
    std::string staged_root;
    // Where `tufkey publish GUN` without --to goes (publish.h): the Notary server of a server
    // repository, else the remembered directory or the one it was pulled from; "" none yet.
    std::string publish_destination;
};

core::Result<StatusReport> repository_status(const keystore::TrustHome& home, const StatusRequest& request);

// "3y 12d", "29d 23h", "5h", "expired 2d ago": the time left in words.
std::string describe_time_left(std::int64_t seconds);

}  // namespace tufkey::ceremony
