// Loading the WHOLE delegation graph into a TrustedSet, for callers that must vouch for every
// role rather than find one target (`tufkey verify GUN` without a tag). Updater::find_target()
// visits only the roles whose paths cover one target path; this visits every role.
//
// Starting at the trusted `targets`, each role's delegations are visited in listed order,
// pre-order depth first, each role at most once (cycles), at most limits.max_tree_roles roles
// (and as many retired ones).
// Each role's bytes come from `fetcher` at the URL the Updater uses for it
// ("<base>/[V.]<DialectProfile::url_name>", the version prefix when the root asks for consistent
// snapshots) and pass TrustedSet::update_targets() (snapshot length/hashes, the delegator's
// keys and threshold, version, expiry, delegation rules).
//
// A role that a parent delegates to but the trusted snapshot does not list is skipped and
// reported in `unlisted`, in both dialects: it has no signed metadata yet (a delegation is
// added before its delegate first signs; Notary's client skips such roles too). Nothing of it
// is trusted, and a target lookup that reaches it still refuses it (Updater::find_target, as
// tuf-js and python-tuf do), so this only lets a whole-repository check (`verify GUN`, publish,
// pull, bundle import) pass a repository whose new delegations are not signed yet
// (docs/delegation.md, "Delegations nobody has signed yet").
// A delegated role the trusted snapshot lists but no trusted role delegates to (a removed
// delegation: its file stays listed, since TUF clients refuse a snapshot that drops a file) is
// fetched, held to the snapshot's length and hashes, stored, and reported in `retired`; it is
// never trusted as a role (its signatures are not checked, no target in it is found).
// Errors are those of update_targets (ErrorCode::trust, "<role>: <problem>") or the fetcher's.
#pragma once

#include <string>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::tuf {

struct RoleWalk final {
    std::vector<RoleName> verified;  // delegated roles loaded, in visiting order
    std::vector<RoleName> unlisted;  // delegated to, but not in the snapshot (not signed yet)
    std::vector<RoleName> retired;   // in the snapshot, but delegated by no trusted role (see above)
};

// `trusted` must hold a trusted top-level targets (after Updater::refresh()). With a `store`,
// each accepted role is persisted there under metadata_file_name(), as the Updater does.
core::Result<RoleWalk> load_delegation_tree(TrustedSet& trusted, Fetcher& fetcher, const std::string& base_url,
                                            const UpdaterLimits& limits = {}, MetadataStore* store = nullptr);

}  // namespace tufkey::tuf
