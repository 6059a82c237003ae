// Updater: the TUF 1.0 client workflow (specification §5) over a TrustedSet, with the I/O
// supplied by the caller through two small interfaces, so that this file stays pure logic.
//
//   Fetcher        GETs a URL with a byte cap (remote/ implements it over libcurl and files).
//   MetadataStore  the client's metadata directory: files named "<quoted role>.json", each
//                  holding the bytes exactly as served (the CLI implements it with
//                  core::write_file_atomic).
//
// refresh() runs §5.3-§5.6 in order and makes the minimum of requests: root N+1, N+2, ...
// until the repository has no next version (a Fetcher "not found"), at most
// max_root_rotations; timestamp.json (never version-prefixed); then snapshot and targets only
// when the locally persisted copies no longer satisfy the trusted timestamp/snapshot
// ("V.snapshot.json" / "V.targets.json" when the root asks for consistent snapshots). Each
// accepted file is persisted as soon as it is trusted (root versions one by one). When the
// timestamp or snapshot keys changed across the root updates, the persisted timestamp and
// snapshot are deleted before they are read (§5.3.11, fast-forward recovery).
//
// find_target() searches the delegation graph in pre-order depth-first order: a role's
// children in listed order, only those whose paths (or hash prefixes) cover the target path,
// so a path must match every delegation on its chain; a role already visited is skipped
// (cycles), a terminating delegation ends the search after its own subtree, and at most
// max_delegations roles are visited. A role the snapshot does not list is refused, never
// fetched (tuf), or skipped as not signed yet (notary, as its client does). Role names in URLs are the dialect
// profile's (DialectProfile::url_name(): tuf percent-encodes them, notary nests "targets/releases.json"); in the
// MetadataStore they are always percent-encoded (metadata_file_name()), so names such as "../x", "a/b", "?" or "#"
// never leave the metadata directory.
//
// The Updater borrows the Fetcher and the MetadataStore; both must outlive it.
#pragma once

#include <algorithm>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/tuf/limits.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::tuf {

class Fetcher {
public:
    virtual ~Fetcher() = default;
    Fetcher() = default;
    Fetcher(const Fetcher&) = delete;
    Fetcher& operator=(const Fetcher&) = delete;
    // The body at `url`, refusing more than `max_length` bytes. std::nullopt when the source
    // says the file does not exist (HTTP 403/404, a missing local file); any other failure
    // is an error (ErrorCode::remote).
    virtual core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) = 0;
};

class MetadataStore {
public:
    virtual ~MetadataStore() = default;
    MetadataStore() = default;
    MetadataStore(const MetadataStore&) = delete;
    MetadataStore& operator=(const MetadataStore&) = delete;
    // `file_name` is always one path component ending in ".json" (see metadata_file_name()).
    virtual core::Result<std::optional<std::string>> load(const std::string& file_name) = 0;
    virtual core::Result<void> store(const std::string& file_name, std::string_view bytes) = 0;
    virtual core::Result<void> remove(const std::string& file_name) = 0;
};

// Limits (python-tuf's and tuf-js's defaults, except max_root_rotations, see docs/client.md).
struct UpdaterLimits final {
    std::size_t max_root_rotations = 256;
    std::size_t max_delegations = 32;  // roles visited by one target lookup (find_target)
    // Roles visited by a whole-repository walk (load_delegation_tree, role_walk.h), and retired
    // roles it carries: a walk visits every role, so the per-lookup limit cannot bound it. Room
    // for the largest hashed-bin layout `delegation add --hash-bins` makes (65,536) and more.
    std::size_t max_tree_roles = 100000;
    // The byte caps are tuf/limits.h's (the one set every reader uses); a listed length is
    // taken up to kMaxMetadataLength.
    std::size_t root_max_length = kDefaultRootLength;
    std::size_t timestamp_max_length = kDefaultTimestampLength;
    std::size_t snapshot_max_length = kDefaultSnapshotLength;  // when the timestamp lists no length
    std::size_t targets_max_length = kDefaultTargetsLength;    // when the snapshot lists no length
    std::size_t max_listed_length = kMaxMetadataLength;        // whatever length is listed

    // The cap for a file whose referrer lists `listed`, else `unlisted`.
    [[nodiscard]] std::size_t cap(std::optional<std::uint64_t> listed, std::size_t unlisted) const {
        return listed ? static_cast<std::size_t>(std::min<std::uint64_t>(*listed, max_listed_length)) : unlisted;
    }
};

// A target found by find_target(): its path, its entry, and the role that listed it.
struct TargetInfo final {
    std::string path;
    TargetFile file;
    RoleName role = RoleName::targets();
};

class Updater final {
public:
    // Reads "root.json" from `store` and loads it as the trusted root (a missing or invalid
    // root is ErrorCode::trust, before any request). `metadata_base_url` may end in "/".
    static core::Result<Updater> create(Dialect dialect, std::string metadata_base_url, Fetcher& fetcher,
                                        MetadataStore& store, Instant reference_time, UpdaterLimits limits = {});

    // §5.3-§5.6 for the top-level roles.
    core::Result<void> refresh();
    // The target `path` from the most trusted role that lists it (refreshing first if
    // refresh() has not run); std::nullopt when no role on a permitted chain lists it.
    core::Result<std::optional<TargetInfo>> find_target(std::string_view path);
    // §5.7: downloads the target from `target_base_url` ("HASH.NAME" in the last path
    // component under consistent snapshots), capped at its length, and checks length and
    // every hash. Returns the verified bytes.
    core::Result<std::string> download_target(const TargetInfo& target, std::string_view target_base_url);

    [[nodiscard]] const TrustedSet& trusted() const noexcept { return m_trusted; }

private:
    Updater(std::string base, Fetcher& fetcher, MetadataStore& store, TrustedSet trusted, UpdaterLimits limits);
    core::Result<void> load_root();
    core::Result<void> load_timestamp();
    core::Result<void> load_snapshot();
    core::Result<void> load_targets(const RoleName& role, const RoleName& delegator);
    core::Result<std::string> fetch_required(const std::string& url, std::size_t max_length);
    [[nodiscard]] std::string metadata_url(const RoleName& role, std::optional<Version> version) const;

    std::string m_base;
    Fetcher* m_fetcher;
    MetadataStore* m_store;
    TrustedSet m_trusted;
    UpdaterLimits m_limits;
    const DialectProfile* m_profile;
    bool m_refreshed = false;
};

// The metadata file name of a role: quoted() + ".json" ("root.json", "..%2Fx.json").
std::string metadata_file_name(const RoleName& role);
// Percent-encodes every byte outside [A-Za-z0-9_.~-]; with `keep_slash`, "/" is kept (for a
// URL path). Without it the result is one safe file-name component (except "." and "..",
// which callers never produce: they append a suffix).
std::string percent_encode(std::string_view text, bool keep_slash);
// The file name tufkey stores a downloaded target under inside the target directory: the
// target path percent-encoded as one component (as tuf-js and python-tuf do), never "." or
// "..".
std::string target_file_name(std::string_view target_path);

}  // namespace tufkey::tuf
