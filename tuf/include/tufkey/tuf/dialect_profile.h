// DialectProfile: everything that differs between the two dialects of one repository layout,
// answered in one place. A repository's profile is chosen once, when it is loaded (from the
// trusted root's `_type`, see detect()), and every ceremony asks it instead of branching on
// the Dialect:
//
//                          notary                              tuf
//   file_name(role)        "targets/releases.json" (nested)    "..%2Fx.json" (percent-encoded)
//   url_name(role, V)      "[V.]targets/releases.json"         "[V.]..%2Fx.json"
//   metadata_base()        SOURCE/v2/<GUN>/_trust/tuf          SOURCE
//   meta_key(role)         "targets", "targets/releases"       "targets.json", "releases.json"
//   meta_for_file()        length, sha256 + sha512             version, length, sha256
//   metadata_key()         Key::notary (bare public key)       Key::tuf (PEM/hex with a scheme)
//   expiry()               nanosecond precision                whole seconds
//   snapshot_lists_root    yes                                 no
//   unsigned delegation    a target search skips it (the       a target search that reaches it
//   (not in the snapshot)  notary client's ErrMissingMeta)     fails (tuf-js, python-tuf)
//   root versions          any greater version                 exactly trusted + 1
//   root certificates      x509, checked as the notary client  bare keys
// Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::tuf {

class DialectProfile final {
public:
    // The profile of `dialect`; a reference to one of two immutable instances.
    static const DialectProfile& of(Dialect dialect) noexcept;
    // The profile of the repository whose root file is `root_bytes` (its `_type`: "Root" is
    // notary, "root" tuf). ErrorCode::trust when it is neither.
    static core::Result<const DialectProfile*> detect(std::string_view root_bytes);
    // Both profiles, notary first (where a source may hold either layout).
    static std::vector<const DialectProfile*> all();

    DialectProfile(const DialectProfile&) = delete;
    DialectProfile& operator=(const DialectProfile&) = delete;

    [[nodiscard]] Dialect dialect() const noexcept { return m_dialect; }
    [[nodiscard]] const char* name() const noexcept { return to_string(m_dialect); }

    // The file of `role` relative to a metadata directory (one path component for tuf; notary
    // nests delegated names, which its RoleName rules keep inside the directory).
    [[nodiscard]] std::string file_name(const RoleName& role) const;
    // The URL path of `role` relative to the metadata base, "V." first when `version` is given.
    [[nodiscard]] std::string url_name(const RoleName& role, std::optional<Version> version = std::nullopt) const;
    // Where a source (URL without trailing '/') serves the metadata of `gun`.
    [[nodiscard]] std::string metadata_base(std::string_view source, std::string_view gun) const;
    // The key snapshot and timestamp meta maps use for `role`, and back (root excluded).
    [[nodiscard]] std::string meta_key(const RoleName& role) const;
    [[nodiscard]] std::optional<RoleName> role_of_meta_key(std::string_view key) const;
    // The entry snapshot (or timestamp) lists for a file of these bytes at `version`.
    [[nodiscard]] MetaFile meta_for_file(std::string_view bytes, Version version) const;
    // The metadata key object for a key that signs a non-root role.
    [[nodiscard]] Key metadata_key(const core::PublicKey& key) const;
    // `when` as an expiry in the dialect's precision.
    [[nodiscard]] Expiry expiry(Instant when) const;

    [[nodiscard]] bool snapshot_lists_root() const noexcept { return m_notary; }
    // Whether a target search skips a delegated role the snapshot does not list (notary: its
    // client treats it as not signed yet) rather than failing (tuf, as TUF clients do).
    [[nodiscard]] bool search_skips_unlisted_roles() const noexcept { return m_notary; }
    // Whether a root update must be exactly the next version (tuf) or any greater one (notary).
    [[nodiscard]] bool root_versions_consecutive() const noexcept { return !m_notary; }
    // Whether root keys are x509 certificates the notary client checks (CN = GUN, dates, ...).
    [[nodiscard]] bool root_keys_are_certificates() const noexcept { return m_notary; }
    // Whether a new root asks for consistent snapshots (tuf) or not (notary).
    [[nodiscard]] bool consistent_snapshot_by_default() const noexcept { return !m_notary; }
    // Whether targets files always carry a "delegations" object, empty or not (notary).
    [[nodiscard]] bool targets_always_delegate() const noexcept { return m_notary; }
    // The roles whose saved copies guard a client update against rollback: the timestamp, and
    // where meta carries versions (tuf) the snapshot and targets too.
    [[nodiscard]] std::vector<RoleName> baseline_roles() const;
    // Whether `role` holds the tags docker treats as released ("targets/releases"; tuf also
    // "releases").
    [[nodiscard]] bool is_release_role(const RoleName& role) const;
    // The role a tag is looked up in before the pre-order search (notary: targets/releases,
    // as docker's GetTargetByName does), or nullopt.
    [[nodiscard]] std::optional<RoleName> preferred_tag_role() const;

private:
    explicit DialectProfile(Dialect dialect) : m_dialect(dialect), m_notary(dialect == Dialect::notary) {}

    Dialect m_dialect;
    bool m_notary;
};

}  // namespace tufkey::tuf
