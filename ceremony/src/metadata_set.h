// Internal: a repository's metadata as a set of files, and the one way tufkey decides whether
// such a set may be trusted. publish, pull and bundle all go through here.
//
// Verification never has its own rules: verify_set() drives tuf::Updater (the TUF 1.0 client
// workflow) over a tuf::Fetcher, then walks the delegations with the same tuf::TrustedSet.
// A set held in memory (a bundle, the home's own files before publishing) is served to the
// Updater by SetFetcher under the URLs a published static repository would have.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::ceremony::detail {

struct MetadataSet final {
    tuf::Dialect dialect = tuf::Dialect::notary;
    // Current file bytes of every role: root, targets, delegated roles, snapshot, timestamp.
    std::map<tuf::RoleName, std::string> roles;
    // Every root version carried (version -> bytes); includes the current root.
    std::map<std::uint64_t, std::string> root_chain;

    [[nodiscard]] const std::string* find(const tuf::RoleName& role) const;
};

// The `version` of a metadata file. ErrorCode::trust naming `role` when it has none.
core::Result<std::uint64_t> file_version(tuf::Dialect dialect, const tuf::RoleName& role, std::string_view bytes);

// The home's current metadata of `repo`: the four top-level files, every role the snapshot
// lists, and the kept root chain (plus the current root). A missing file is ErrorCode::usage.
core::Result<MetadataSet> read_local_set(const Repository& repo, tuf::Dialect dialect);

// The Updater's metadata-store names of the files the home already holds for `repo`
// ("timestamp.json"; tuf also "snapshot.json", "targets.json"): the rollback baseline of an update.
core::Result<std::map<std::string, std::string>> local_baseline(const Repository& repo, tuf::Dialect dialect);

// Serves a MetadataSet at `base` ("<base>/N.root.json", "<base>/timestamp.json",
// "<base>/[V.]snapshot.json", "<base>/[V.]<role>.json"); anything else is "not found".
class SetFetcher final : public tuf::Fetcher {
public:
    SetFetcher(const MetadataSet& set, std::string base) : m_set(set), m_base(std::move(base)) {}
    core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override;

private:
    [[nodiscard]] const std::string* lookup(std::string_view name) const;
    const MetadataSet& m_set;
    std::string m_base;
};

struct VerifyRequest final {
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::string trusted_root;                     // the anchor: file bytes of a root version
    std::map<std::string, std::string> baseline;  // local_baseline(): rollback protection
    std::string base_url;                         // where the metadata lives (no trailing '/')
    std::string gun;                              // notary: the CN the root certificates must name
    tuf::Instant now{};
};

// Runs the client workflow from `trusted_root` through the root chain, timestamp, snapshot,
// targets and every delegated role the snapshot lists and a trusted role delegates to; in the
// notary dialect the final root's certificates must also pass the notary client's checks
// (tuf::check_notary_root_certificates). Returns exactly the bytes that were trusted. Trust
// failures are ErrorCode::trust.
core::Result<MetadataSet> verify_set(const VerifyRequest& request, tuf::Fetcher& fetcher);

// The URL path (relative to the metadata base) of a delegated role: notary nests the name
// ("targets/releases.json"), tuf percent-encodes it, "V." first under consistent snapshots.
std::string role_url_name(tuf::Dialect dialect, const tuf::RoleName& role, std::optional<std::uint64_t> version);

// One line per root key for a person deciding whether to trust a root: the metadata key ID
// and, where it differs, the canonical key ID. ErrorCode::trust if the root does not parse.
core::Result<std::vector<std::string>> describe_root(tuf::Dialect dialect, std::string_view root_bytes);

// Trust on first use: shows the root's version and keys (access.passphrases' terminal) and asks;
// -y answers yes. Without a terminal and without -y: ErrorCode::usage naming --yes and --root.
core::Result<void> confirm_first_use(KeyAccess& access, const std::string& gun, const std::string& source,
                                     tuf::Dialect dialect, std::string_view root_bytes);

// Stages a verified set in `tx`: root chain, root.json, targets and delegations, snapshot,
// timestamp last, and repository.json: created for a repository the home does not manage yet
// (dialect, gun, origin), and recording the set's versions as synced (and, when `origin` is
// given, i.e. pulled from where it is served, as published). Returns the files staged.
core::Result<std::vector<std::filesystem::path>> store_set(const Repository& repo, keystore::HomeTransaction& tx,
                                                           const MetadataSet& set, const std::string& origin);

std::string sha256_hex(std::string_view bytes);

}  // namespace tufkey::ceremony::detail
