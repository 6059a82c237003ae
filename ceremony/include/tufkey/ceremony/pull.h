// `tufkey pull GUN --from URL|DIR [--root FILE]`: fetches a repository's metadata into the
// home, verified by the verification pipeline (ceremony/src/pipeline.h: tuf::Updater and
// tuf::TrustedSet; nothing else decides what is trusted).
//
// Where the metadata is: a notary-dialect repository under FROM/v2/<GUN>/_trust/tuf/ (the
// Notary server's read API, which `tufkey publish` also writes), a tuf-dialect one at FROM
// itself. FROM is an http(s):// URL, a file:// URL or a directory.
//
// The trust anchor, in order: the root the home already trusts for GUN (its files are also the
// rollback baseline), which a `--root FILE` may only confirm or extend: an older or forked pin,
// or one the chain from the home's root does not reach, is refused with nothing changed
// (ErrorCode::refused; tuf/root_forward.h); else `--root FILE` (pinned: that root, any
// version of the chain; pinned in one dialect for a source that serves only the other, the
// source's 1.root.json, when a threshold of the pinned root's keys signed it: a repository
// `tufkey migrate` moved to the other dialect); else trust on first use of the root FROM
// serves (notary layout first, then FROM/root.json):
// its version and key IDs are shown and the person is asked, -y answers yes; without a
// terminal and without -y: ErrorCode::usage naming --yes and --root. The dialect comes from the
// anchor. The root chain is walked from the anchor to the newest version (N.root.json), then
// timestamp, snapshot, targets and every delegated role.
//
// Unpublished changes of the home that the pulled state would replace are refused
// (ErrorCode::refused, staged_work.h) unless `discard_staged`.
// Only after everything verified is anything written, as one HomeTransaction: byte-exact files in
// tuf/<GUN>/metadata/, each root of the chain seen in tufkey/<GUN>/roots/, repository.json
// (dialect, gun, origin) when the home did not manage GUN yet, and a "pull" transcript step.
// The expiry policy the source publishes (tufkey-policy.json beside timestamp.json) comes along
// when present: verified against the root the pull ended up trusting, for GUN, not older than
// the home's (policy_document.h); it is stored and applied to repository.json in the same
// transaction. A policy that fails is a trust failure and nothing changes; none at the source
// keeps the home's.
// Trust failures are ErrorCode::trust, unreachable sources ErrorCode::remote.
//
// Servers: the TLS settings given (or remembered) are stored in repository.json, so a later
// `pull GUN` needs none. A notary-dialect http(s) source is asked for the key it holds for
// timestamp (and for snapshot when this home holds no snapshot key; remote/notary_server.h):
// when root lists that key for the role, the repository is recorded as living on that Notary
// server (repository.json server_managed), and `sign` then leaves those roles to the server and
// `publish` uploads to it. A server repository's changes wait in outgoing/, apart from the
// files a pull replaces: a pull refuses while outgoing/ holds changes (publish them first), and
// with --discard-staged drops them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/progress.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

struct PullRequest final {
    std::string gun;
    std::string from;             // empty: the origin recorded by an earlier pull
    std::string root_file;        // --root: the pinned trusted root
    TlsSettings tls;              // --tls-ca, --tls-client-cert/-key (else what the repository remembers)
    bool offline = false;         // --offline: an http(s) source is refused before any connection
    bool discard_staged = false;  // --discard-staged: replace unpublished local changes on purpose
    // When the verified state is the one the home holds (the same timestamp bytes), write
    // nothing, not even a transcript step (refresh_from_server).
    bool unchanged_writes_nothing = false;
    core::Progress* progress = nullptr;  // a terminal's progress line (core/progress.h), or none
};

struct PullReport final {
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::string source;
    enum class Anchor { pinned, home, first_use } anchor = Anchor::home;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> version now in the home
    std::vector<std::filesystem::path> files_written;
    std::optional<std::uint64_t> policy_version;  // the expiry policy version applied (nullopt: none new)
    bool changed = true;                          // false: the home already held this state
};

core::Result<PullReport> pull_repository(KeyAccess& access, const PullRequest& request);

// What `verify`, `inspect` and `status` do first for a repository on a Notary server, as the
// notary client does before it answers: a pull from the server the repository remembers, with
// its TLS settings (`tls` overrides them), so that they speak of what the server serves now.
// A pull verifies everything and keeps only what verifies; an unreachable server is
// ErrorCode::remote naming --offline. Skipped (std::nullopt) for a repository that is not on a
// server or not in the home, under `offline`, and while outgoing/ holds signed changes (a pull
// would refuse them; the caller says that it used the copy in the home).
struct ServerRefresh final {
    bool skipped_for_staged_changes = false;
    std::optional<PullReport> pulled;
};
core::Result<ServerRefresh> refresh_from_server(KeyAccess& access, const std::string& gun, const TlsSettings& tls,
                                                bool offline);

}  // namespace tufkey::ceremony
