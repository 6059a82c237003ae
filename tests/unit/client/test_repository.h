// TestRepository: a TUF 1.0 repository built in memory by tufkey's own tuf/ code (the model,
// the codecs, sign_envelope with core::SoftwareSigner keys), for the client's unit tests and,
// written to a directory, for the interop tests. Attacks are made the way mamba's tests make
// them: change the model, re-sign with whatever keys the attacker holds, publish.
//
// Files are kept by their repository path: "metadata/2.root.json", "metadata/timestamp.json",
// "metadata/3.snapshot.json", "targets/<sha256>.a/b.txt" ...; publishing never deletes old
// versions (consistent snapshots keep them all).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::testing {

class TestRepository final {
public:
    // Root v1 with one fresh key per top-level role (ed25519, or ecdsa P-256 for timestamp so
    // both schemes are exercised), everything published at version 1 and valid for a year.
    explicit TestRepository(bool consistent_snapshot = true);

    tuf::Root root;
    tuf::Timestamp timestamp;
    tuf::Snapshot snapshot;
    tuf::Targets targets;
    std::map<std::string, tuf::Targets> delegated;  // by role name
    // Extra signers used for the next root (e.g. the old root keys during a rotation).
    std::vector<core::Signer*> extra_root_signers;
    bool meta_hashes = false;  // list length and sha256 in snapshot/timestamp meta
    // When set, the next roots are signed by exactly these keys (attacks on the root chain).
    std::optional<std::vector<core::Signer*>> root_signers_override;
    // Roles the snapshot leaves out although they are delegated.
    std::set<std::string> omit_from_snapshot;

    // The bytes of the trusted root a client starts from (root v1 as first published).
    [[nodiscard]] const std::string& initial_root() const { return m_initial_root; }
    [[nodiscard]] const std::map<std::string, std::string>& files() const { return m_files; }
    [[nodiscard]] std::optional<std::string> file(const std::string& path) const;
    void put_file(const std::string& path, std::string bytes) { m_files[path] = std::move(bytes); }
    void remove_file(const std::string& path) { m_files.erase(path); }

    // Signs and stores one role as it is now (no version change).
    std::string publish_root();
    std::string publish_timestamp();
    std::string publish_snapshot();
    std::string publish_targets(const std::string& role = "targets");
    // version + 1 for root, then publish it.
    void bump_root();
    // targets (and every delegated role) as they are, a new snapshot version listing them,
    // a new timestamp version: the ordinary "publish a change" step.
    void publish_all(bool bump_targets = true);
    // A new snapshot and timestamp version for the current targets files.
    void update_snapshot();
    void update_timestamp();

    void add_target(const std::string& role, const std::string& path, const std::string& content);
    // Adds a delegation from `parent` to a new role with a fresh key.
    void add_delegation(const std::string& parent, const std::string& role, std::vector<std::string> paths,
                        bool terminating = false);
    void add_hash_prefix_delegation(const std::string& parent, const std::string& role,
                                    std::vector<std::string> prefixes);
    // Replaces the keys of a top-level role with one fresh key (root: old root keys are kept
    // as extra signers for the next root, as a rotation requires).
    void rotate_keys(const std::string& role);
    // The signers currently used for `role`.
    std::vector<core::Signer*> signers(const std::string& role);
    // A fresh software key, owned by the repository.
    core::Signer& new_key(core::KeyAlgorithm algorithm = core::KeyAlgorithm::ed25519);

    // Writes every file under `dir` (dir/metadata/..., dir/targets/...) under the name a web
    // server maps its URL to (percent-decoded; "a%2Fb" becomes a/b); paths with ".." are skipped.
    void write_to(const std::filesystem::path& dir) const;

    static tuf::Expiry expiry_in(std::chrono::hours from_now);

private:
    std::string sign_and_store(const tuf::RoleName& role, const tuf::Json& signed_part,
                               const std::vector<core::Signer*>& signers, const std::string& path);
    tuf::Targets& targets_of(const std::string& role);
    std::map<std::string, std::vector<core::Signer*>> m_role_signers;
    std::vector<std::unique_ptr<core::SoftwareSigner>> m_keys;
    std::map<std::string, std::string> m_files;
    std::string m_initial_root;
};

// A tuf::Fetcher over a TestRepository's files at "mem://repo/metadata" and
// "mem://repo/targets", recording each requested path ("metadata/timestamp.json").
class MemoryFetcher final : public tuf::Fetcher {
public:
    explicit MemoryFetcher(const TestRepository& repo) : m_repo(repo) {}
    core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override;
    std::vector<std::string> requests;
    std::map<std::string, std::size_t> caps;  // the max_length asked for each path, last request

private:
    const TestRepository& m_repo;
};

// A tuf::MetadataStore in a map.
class MemoryStore final : public tuf::MetadataStore {
public:
    core::Result<std::optional<std::string>> load(const std::string& file_name) override;
    core::Result<void> store(const std::string& file_name, std::string_view bytes) override;
    core::Result<void> remove(const std::string& file_name) override;
    std::map<std::string, std::string> files;
};

inline constexpr const char* kMemoryMetadataUrl = "mem://repo/metadata";
inline constexpr const char* kMemoryTargetsUrl = "mem://repo/targets";

// The version of a stored metadata file (0 when absent or unreadable).
std::int64_t stored_version(const MemoryStore& store, const std::string& file_name);

}  // namespace tufkey::testing
