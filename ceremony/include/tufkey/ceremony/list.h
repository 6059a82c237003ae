// `tufkey list`: every repository of the trust home (home_guns(), repository.h), read-only and
// without the network: its dialect, root version, unpublished changes (status.h: roles above
// the version last published, or waiting in outgoing/ for a Notary server), a staged root
// rotation, and the role that expires first. A repository whose files cannot be read is listed
// with the reason instead of failing the whole list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"

namespace tufkey::ceremony {

struct RepositorySummary final {
    std::string gun;
    bool managed = false;  // tufkey's repository.json exists (else: made by notary or docker)
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::uint64_t root_version = 0;
    std::vector<std::string> unpublished;  // roles changed since the last publish
    std::string staged_root;               // a root rotation collecting signatures ("" none)
    std::string publish_destination;       // where `publish GUN` goes ("" not known yet)
    std::string next_role;                 // the role that expires first
    std::string next_expires;              // its expiry (RFC 3339)
    std::int64_t next_seconds_left = 0;
    bool inside_window = false;  // some role is inside its warning window (status exits 6)
    std::string problem;         // the files could not be read: why ("" fine)
};

std::vector<RepositorySummary> list_repositories(const keystore::TrustHome& home, tuf::Instant now);

}  // namespace tufkey::ceremony
