// TrustedSet: the client's trusted metadata and every rule of the TUF 1.0 client workflow
// (specification §5.2-§5.6) that decides whether new bytes may join it. Pure: bytes and a
// reference time in, verdicts out; no files, no network (updater.h drives it with a Fetcher).
//
// The set grows in one order: root (then any number of root updates), timestamp, snapshot,
// then targets and delegated targets. Each update_*() checks, in the specification's order:
//   root       the new root verifies under a threshold of the TRUSTED root's root keys and a
//              threshold of its OWN root keys; its version is exactly trusted + 1 (tuf) or
//              greater (notary). Intermediate expiry is ignored; check_final_root() is the
//              freeze check on the last one (§5.3.10), made by the caller after persisting.
//   timestamp  threshold of the root's timestamp keys; a lower version than the trusted one is
//              a rollback; an EQUAL version is not an error: the new bytes are ignored and the
//              trusted timestamp kept (TimestampUpdate::unchanged); the snapshot version it
//              names must not be lower than the trusted timestamp's.
//   snapshot   length and hashes from the timestamp BEFORE signatures (mix-and-match; skipped
//              for bytes the client itself persisted earlier, `from_local`), threshold of the
//              root's snapshot keys, every file listed by the trusted snapshot still listed
//              with no lower version (rollback, removal); version equal to the timestamp's.
//   targets    length and hashes from the snapshot, threshold of the delegator's keys (root
//              for `targets`), version equal to the snapshot's; a role absent from the
//              snapshot is refused without looking at the bytes.
// Every role must be unexpired at the reference time. A timestamp or snapshot that fails its
// final checks (expired, or a version that disagrees with the timestamp) is still KEPT as the
// trusted baseline for rollback checks of the next update, as python-tuf and tuf-js do, while
// the failing call reports the error; targets are only kept when every check passed.
//
// Errors are ErrorCode::trust, one line "<role>: <problem>"; calling out of order is
// ErrorCode::internal.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/role_name.h"

namespace tufkey::tuf {

enum class TimestampUpdate { updated, unchanged };

class TrustedSet final {
public:
    // Loads the trusted root: it must parse and verify under its own root keys. Its expiry is
    // not checked here (§5.2); `reference_time` is the update start time for every later check.
    static core::Result<TrustedSet> create(Dialect dialect, std::string_view root_bytes, Instant reference_time);

    // §5.3.4-5.3.5. Refused once a timestamp is trusted.
    core::Result<void> update_root(std::string_view bytes);
    // §5.3.10: the trusted root is not expired.
    [[nodiscard]] core::Result<void> check_final_root() const;
    // §5.4. Refused once a snapshot is trusted, or when the final root is expired.
    core::Result<TimestampUpdate> update_timestamp(std::string_view bytes);
    // §5.5. `from_local`: bytes this client persisted earlier; their hashes are not checked again
    // where the timestamp lists a snapshot version (tuf), and are where it does not (notary).
    core::Result<void> update_snapshot(std::string_view bytes, bool from_local);
    // §5.6 for `role` ("targets" or a delegated role) delegated by the trusted `delegator`
    // ("root" for targets).
    core::Result<void> update_targets(std::string_view bytes, const RoleName& role, const RoleName& delegator);

    [[nodiscard]] Dialect dialect() const noexcept { return m_dialect; }
    [[nodiscard]] Instant reference_time() const noexcept { return m_reference; }
    [[nodiscard]] const Root& root() const noexcept { return m_root; }
    [[nodiscard]] const Timestamp* timestamp() const noexcept { return m_timestamp ? &*m_timestamp : nullptr; }
    [[nodiscard]] const Snapshot* snapshot() const noexcept { return m_snapshot ? &*m_snapshot : nullptr; }
    // A trusted targets role, or nullptr.
    [[nodiscard]] const Targets* targets(const RoleName& role) const;
    // The snapshot entry the trusted timestamp lists, or nullptr.
    [[nodiscard]] const MetaFile* snapshot_meta() const;
    // The entry the trusted snapshot lists for a targets role, or nullptr.
    [[nodiscard]] const MetaFile* role_meta(const RoleName& role) const;

private:
    TrustedSet(Dialect dialect, Root root, Instant reference)
        : m_dialect(dialect), m_reference(reference), m_root(std::move(root)) {}
    [[nodiscard]] core::Result<void> check_final_timestamp() const;
    [[nodiscard]] core::Result<void> check_final_snapshot() const;
    core::Result<void> check_snapshot_rollback(const Snapshot& candidate) const;

    Dialect m_dialect;
    Instant m_reference;
    Root m_root;
    std::optional<Timestamp> m_timestamp;
    std::optional<Snapshot> m_snapshot;
    std::map<RoleName, Targets> m_targets;
};

// The key a snapshot or timestamp `meta` map uses for `role`: "targets.json", "role1.json"
// (tuf, the role name itself, not quoted) or "targets", "targets/releases" (notary).
std::string meta_key(Dialect dialect, const RoleName& role);

// Whether `role`'s keys changed between two roots (a different set of key IDs or threshold):
// §5.3.11 then asks the client to forget its timestamp and snapshot (fast-forward recovery).
bool role_keys_rotated(const Root& before, const Root& after, const RoleName& role);

// Checks `bytes` against a meta entry: the length when listed, every listed hash. A hash
// algorithm tufkey cannot compute (anything but sha256, sha384, sha512) is a refusal.
core::Result<void> check_meta_file(const std::string& context, const MetaFile& meta, std::string_view bytes);
// Checks a downloaded target: exact length, at least one hash, every listed hash computable
// and equal.
core::Result<void> check_target_file(const std::string& context, const TargetFile& target, std::string_view bytes);

}  // namespace tufkey::tuf
