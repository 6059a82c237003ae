// The trust home: a Notary / docker trust directory (`~/.tufkey`, `~/.notary`, `~/.docker/trust`).
//
//   <home>/private/<canonical-keyid>.key        key files, the current Notary layout (written)
//   <home>/private/root_keys/<id>[_root].key     Notary 0.1-0.3 root keys (read only)
//   <home>/private/tuf_keys/[<gun>/]<id>[_<role>].key   Notary 0.1-0.3 other keys (read only)
//   <home>/tuf/<GUN>/metadata/<role>.json        metadata (other modules)
//   <home>/tufkey.lock                           the writers' lock (tufkey's own file)
//   <home>/tufkey.journal/                       an uncompleted change (home_transaction.h)
//
// Directories tufkey creates are 0700, files 0600. Legacy files are never moved or deleted
// except by an explicit `key remove` (which asks). Writers hold a HomeLock: an exclusive
// flock on tufkey.lock whose content names the holder (PID and command).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/keystore/key_file.h"

namespace tufkey::keystore {

class HomeTransaction;

enum class KeyLayout { flat, legacy_root_keys, legacy_tuf_keys };

// A key file in the home, as listed from names and PEM headers (nothing is decrypted).
struct StoredKey final {
    std::string id;    // canonical key ID (from the file name)
    std::string role;  // "root", "targets", "targets/releases", a signer name, or "" if unknown
    std::string gun;   // "" for root and delegation keys
    std::filesystem::path file;
    KeyLayout layout = KeyLayout::flat;
};

// Proof that this process may write to the home. Released (unlocked) on destruction.
class HomeLock final {
public:
    // Takes the lock without waiting. When another process holds it: ErrorCode::refused naming
    // that process's PID and command. `command` is recorded for others to see.
    static core::Result<HomeLock> acquire(const std::filesystem::path& lock_file, std::string_view command);
    ~HomeLock();
    HomeLock(HomeLock&& other) noexcept;
    HomeLock& operator=(HomeLock&&) = delete;
    HomeLock(const HomeLock&) = delete;
    HomeLock& operator=(const HomeLock&) = delete;

private:
    explicit HomeLock(int fd) : m_fd(fd) {}
    int m_fd;
};

class TrustHome final {
public:
    explicit TrustHome(std::filesystem::path root) : m_root(std::move(root)) {}

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return m_root; }
    [[nodiscard]] std::filesystem::path private_dir() const { return m_root / "private"; }
    [[nodiscard]] std::filesystem::path lock_file() const { return m_root / "tufkey.lock"; }

    // Creates the home and private/ (0700) if needed, takes the writers' lock, and completes or
    // discards a change that an interrupted command left (home_transaction.h).
    [[nodiscard]] core::Result<HomeLock> lock(std::string_view command) const;
    // For commands that only read: when an interrupted change is pending and no other process
    // holds the lock, completes or discards it (home_transaction.h). Otherwise does nothing.
    [[nodiscard]] core::Result<void> recover_interrupted() const;

    // Every key file, current and legacy layouts, sorted by role, GUN and ID. A home that does
    // not exist has no keys. A file whose headers cannot be read is listed with an empty role.
    [[nodiscard]] core::Result<std::vector<StoredKey>> list_keys() const;
    // The key whose ID is `id_or_prefix` or starts with it (at least 7 hex digits, unique).
    // ErrorCode::usage for a short or non-hex prefix or an ambiguous one, ErrorCode::key when
    // no key matches.
    [[nodiscard]] core::Result<StoredKey> find_key(std::string_view id_or_prefix) const;
    // Reads and checks a stored key's block. A damaged file is ErrorCode::key naming it.
    [[nodiscard]] core::Result<PrivateKeyBlock> read_key(const StoredKey& key) const;

    // Stages an encrypted key file (0600) as private/<id>.key, or in place for a legacy file,
    // in `tx`. `pem` must be an ENCRYPTED PRIVATE KEY block. Returns the path it will have.
    [[nodiscard]] core::Result<std::filesystem::path> write_key(HomeTransaction& tx, const StoredKey& key,
                                                                std::string_view pem) const;
    // Stages the deletion of a key file in `tx`.
    void remove_key(HomeTransaction& tx, const StoredKey& key) const;

private:
    std::filesystem::path m_root;
};

// Whether `text` is a canonical key ID (64 lowercase hex digits).
bool is_key_id(std::string_view text) noexcept;

}  // namespace tufkey::keystore
