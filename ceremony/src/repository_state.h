// Internal: the one place where ceremonies that change targets, snapshot or timestamp load a
// repository's current metadata, open the keys they sign with, re-sign snapshot and timestamp
// over the new files, write the result and record it in the transcript (sign, unsign, refresh),
// and where read-only ceremonies (status, inspect) load the same state.
//
// Nothing here writes: write_updates() stages into a HomeTransaction after callers signed
// everything, and the caller commits it once, so an error (wrong
// passphrase, a tag the dialect cannot publish) leaves the home as it was.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::ceremony::detail {

// One role file as read: exact bytes and envelope.
struct RoleFile final {
    std::string bytes;
    tuf::Envelope envelope;
};

// A targets-type role of the tree: top-level targets or a delegation found by walking it.
struct TargetsRole final {
    tuf::RoleName name = tuf::RoleName::targets();
    std::optional<tuf::RoleName> parent;  // nullopt for top-level targets
    std::optional<RoleFile> file;         // nullopt: delegated, but no file signed yet
    std::optional<tuf::Targets> targets;  // decoded file
    std::size_t entry_index = 0;          // delegated: its position in the parent's delegations.roles
};

// The keys, key IDs and threshold that may sign a role.
struct Authority final {
    const tuf::KeyMap* keys = nullptr;
    std::vector<tuf::KeyId> keyids;
    std::uint32_t threshold = 1;
};

class RepositoryState final {
public:
    // Loads root, the targets tree (pre-order, each delegated role once) and, when present,
    // snapshot and timestamp. With `require_config` a GUN without repository.json is the
    // usage error of Repository::load_config; without it the dialect is read from root.json's
    // `_type` (a Notary or docker trust directory that tufkey did not create).
    // With `tx`, the state as it will be once `tx` commits (what it staged, else the files): a
    // command that changes the home twice in one transaction (bundle import promoting a root).
    static core::Result<RepositoryState> load(const keystore::TrustHome& home, const std::string& gun,
                                              bool require_config, const keystore::HomeTransaction* tx = nullptr);

    [[nodiscard]] const Repository& repo() const noexcept { return m_repo; }
    [[nodiscard]] const RepositoryConfig& config() const noexcept { return m_config; }
    [[nodiscard]] tuf::Dialect dialect() const noexcept { return m_config.dialect; }
    [[nodiscard]] const RoleFile& root_file() const noexcept { return m_root_file; }
    [[nodiscard]] const tuf::Root& root() const noexcept { return m_root; }
    [[nodiscard]] const std::vector<TargetsRole>& targets_roles() const noexcept { return m_targets; }
    [[nodiscard]] const TargetsRole* find_targets(const tuf::RoleName& name) const noexcept;
    // The entry of its parent's delegations that delegates `name`, or nullptr (top-level
    // targets, or not in the tree).
    [[nodiscard]] const tuf::DelegatedRole* delegation_entry(const tuf::RoleName& name) const noexcept;
    [[nodiscard]] const std::optional<RoleFile>& snapshot_file() const noexcept { return m_snapshot_file; }
    [[nodiscard]] const std::optional<tuf::Snapshot>& snapshot() const noexcept { return m_snapshot; }
    [[nodiscard]] const std::optional<RoleFile>& timestamp_file() const noexcept { return m_timestamp_file; }
    [[nodiscard]] const std::optional<tuf::Timestamp>& timestamp() const noexcept { return m_timestamp; }

    // Replaces the root in memory (a rotation): authority() and the snapshot re-signed after
    // this use the new root's keys and list its bytes. Nothing is written.
    [[nodiscard]] core::Result<void> replace_root(std::string bytes);
    // Which roles the Notary server manages from now on (a rotation to or from the server):
    // resign_snapshot_timestamp() and the keyring follow it. Nothing is written.
    void set_server_managed(std::vector<std::string> roles) { m_config.server_managed = std::move(roles); }

    // Who may sign `role` (root's entry for top-level roles, the parent's delegation else).
    // A role that is not in the repository is ErrorCode::usage naming it.
    [[nodiscard]] core::Result<Authority> authority(const tuf::RoleName& role) const;

private:
    RepositoryState(Repository repo, RepositoryConfig config, const keystore::HomeTransaction* tx)
        : m_repo(std::move(repo)), m_config(std::move(config)), m_tx(tx) {}
    [[nodiscard]] core::Result<void> load_top_level();
    [[nodiscard]] core::Result<void> load_targets_tree();

    Repository m_repo;
    RepositoryConfig m_config;
    const keystore::HomeTransaction* m_tx = nullptr;  // during load() only: read through it
    RoleFile m_root_file;
    tuf::Root m_root;
    std::vector<TargetsRole> m_targets;
    std::map<tuf::RoleName, std::size_t> m_target_index;  // name -> position in m_targets
    std::optional<RoleFile> m_snapshot_file;
    std::optional<tuf::Snapshot> m_snapshot;
    std::optional<RoleFile> m_timestamp_file;
    std::optional<tuf::Timestamp> m_timestamp;
};

// The keys of this home that sign roles, each opened at most once per invocation: key files
// (decrypted with their passphrase) and token keys that repository.json `role_keys` names for
// the role (opened and logged in exactly as root tokens are: PIN from --pin-file, the
// environment or a prompt; a wrong PIN is ErrorCode::token and never retried).
class Keyring final {
public:
    explicit Keyring(KeyAccess& access) : m_access(access) {}

    // Registers a key this ceremony made or opened that is not on disk yet or not in
    // repository.json yet (a rotation's new key file staged in a HomeTransaction, or its new
    // token key): keys_for() signs with it.
    void adopt(const std::string& canonical_id, std::unique_ptr<core::Signer> signer);

    // Whether the home holds at least one key authorised for `role` (a key file, or a token
    // key repository.json names for the role), or the repository's Notary server signs `role`
    // (repository.json server_managed; resign_snapshot_timestamp() leaves such roles to it).
    [[nodiscard]] bool holds_key_for(const RepositoryState& state, const tuf::RoleName& role) const;
    // Opens (asks the passphrase or PIN of) the held keys authorised for `role`, up to its
    // threshold. None held: ErrorCode::key naming the role and the key IDs it needs.
    [[nodiscard]] core::Result<std::vector<tuf::SigningKey>> keys_for(const RepositoryState& state,
                                                                      const tuf::RoleName& role);

private:
    KeyAccess& m_access;
    std::map<std::string, std::unique_ptr<core::Signer>> m_signers;  // canonical ID -> signer
    std::map<std::string, std::unique_ptr<tuf::Key>> m_keys;         // canonical ID -> metadata key
};

// The token key repository.json names for `role` with canonical key ID `canonical_id`, or
// nullptr when the role has no such token key.
const TokenKeyRef* role_token_key(const RepositoryConfig& config, const tuf::RoleName& role,
                                  const std::string& canonical_id);

// Stages repository.json with the token keys of `role` after a rotation changed its keys:
// every entry dropped when the rotation replaces all of the role's keys (`replace_all`), else
// those whose key ID starts with one of `removed`; then `added` (a new token key) remembered.
// Nothing is staged when nothing changes.
core::Result<void> remember_role_token_keys(const RepositoryState& state, keystore::HomeTransaction& tx,
                                            const std::string& role, const std::optional<TokenKeyRef>& added,
                                            bool replace_all, const std::vector<std::string>& removed);

// A role file to write.
struct RoleUpdate final {
    tuf::RoleName role;
    std::string bytes;
    tuf::Version version;
};

// Signs a new version of a targets-type role: version + 1 (1 for a role with no file yet),
// expiry now + the repository's policy for the role.
core::Result<RoleUpdate> sign_targets_role(const RepositoryState& state, const tuf::RoleName& role,
                                           tuf::Targets targets, std::span<const tuf::SigningKey> keys,
                                           tuf::Instant now);

// Which of snapshot and timestamp to re-sign. Timestamp lists snapshot's hash, so re-signing
// snapshot always re-signs timestamp too.
struct ResignPlan final {
    bool snapshot = true;
    bool timestamp = true;
};

// On a server repository the roles the server manages are left out (it signs them when it
// takes the update).
// Re-signs snapshot (meta computed from the files as they will be once `changed` is written:
// notary root, targets and every delegation; tuf targets.json and every delegation) and
// timestamp (meta of the new or current snapshot), each version + 1 with a fresh expiry.
// Opens the snapshot and timestamp keys through `keyring`. Returns `changed` followed by the
// new snapshot and timestamp, in the order they must be written.
core::Result<std::vector<RoleUpdate>> resign_snapshot_timestamp(const RepositoryState& state, Keyring& keyring,
                                                                std::vector<RoleUpdate> changed, ResignPlan plan,
                                                                tuf::Instant now);

// Opens the snapshot and timestamp keys resign_snapshot_timestamp() will sign with under
// `plan` (not those the Notary server holds), so that a command can open every key before it
// signs anything: a wrong passphrase then costs no work.
core::Result<void> open_resign_keys(const RepositoryState& state, Keyring& keyring, ResignPlan plan = {});

// Stages each update in `tx` (a server repository's in outgoing/), in order, and the transcript
// step naming the SHA-256 of every file written plus `fields`, so both commit together. Returns
// the paths staged. A file larger than readers parse (tuf::JsonLimits) is ErrorCode::refused
// before anything is staged.
core::Result<std::vector<std::filesystem::path>> write_updates(const RepositoryState& state,
                                                               keystore::HomeTransaction& tx,
                                                               const std::vector<RoleUpdate>& updates,
                                                               std::string_view step, tuf::JsonObject fields);

// "targets/releases" (both dialects) or, in the tuf dialect, "releases": the roles whose tags
// docker treats as released.
bool is_release_role(tuf::Dialect dialect, const tuf::RoleName& role);

}  // namespace tufkey::ceremony::detail
