// Internal: a repository's metadata as a set of files (the home's, a bundle's, what a pull
// fetched), read from and written to the home. Whether a set may be trusted is decided only by
// the verification pipeline (pipeline.h), which serves a set to tuf::Updater through
// LocalFetcher (pipeline_io.h).
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
#include "tufkey/tuf/version.h"

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

// The version of every role file in `set`.
core::Result<std::map<tuf::RoleName, tuf::Version>> role_versions(const MetadataSet& set);

// The home's current metadata of `repo`: the four top-level files, every role the snapshot
// lists, delegated roles signed here that the snapshot does not list yet (a delegate's work,
// delegate_work.h), and the kept root chain (plus the current root). A missing file is
// ErrorCode::usage.
core::Result<MetadataSet> read_local_set(const Repository& repo, tuf::Dialect dialect);

// The home's files of `repo` as they are, for `verify`: the kept root chain (not the current
// root.json, which the chain must reach), the four top-level files and every role the snapshot
// lists, each only when present (a missing file is reported when the pipeline asks for it).
core::Result<MetadataSet> read_home_set(const Repository& repo, tuf::Dialect dialect);

// The Updater's metadata-store names of the files the home already holds for `repo`
// ("timestamp.json"; tuf also "snapshot.json", "targets.json"): the rollback baseline of an update.
core::Result<std::map<std::string, std::string>> local_baseline(const Repository& repo, tuf::Dialect dialect);

// One line per root key for a person deciding whether to trust a root: the metadata key ID
// and, where it differs, the canonical key ID. ErrorCode::trust if the root does not parse.
core::Result<std::vector<std::string>> describe_root(tuf::Dialect dialect, std::string_view root_bytes);

// How pins and root checks name the root a home trusts ("the root this home trusts for GUN"),
// and the way out they offer when that root cannot be reached (`verb`: "pull", "import").
std::string trusted_root_name(const Repository& repo);
std::string start_over_hint(std::string_view verb);

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
