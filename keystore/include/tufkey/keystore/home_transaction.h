// HomeTransaction: every file change one command makes to a trust home, made all or nothing.
//
// A command stages writes and removals (metadata, repository.json, roots/, the transcript,
// key files) and commits them once. commit() is a redo journal under the home lock:
//
//   1. <home>/tufkey.journal/<n>.data   the new bytes of each staged file, written and fsynced
//                                       (more than 64 files: written, then one syncfs(2) of the
//                                       home's file system instead of an fsync each)
//   2. <home>/tufkey.journal/manifest   the list of operations, written atomically: its rename
//                                       is the COMMIT POINT
//   3. each <n>.data is renamed onto its target (and removals unlinked), then each directory
//      changed is fsynced once
//   4. the manifest is unlinked, then the journal directory
//
// A kill or a failed write before step 2 leaves a journal without a manifest: the state
// before. Any kill after it leaves a committed journal: the state after, once applied.
// recover_home() runs whenever the lock is taken (TrustHome::lock) and when a read-only
// command opens a home with a journal in it (TrustHome::recover_interrupted): it rolls a
// committed journal forward (idempotent: an operation whose data file is gone was applied
// already, which the target's SHA-256 confirms), deletes an uncommitted one, and removes
// stale temporaries of core::write_file_atomic anywhere in the home. So every command sees
// exactly the state before or exactly the state after of any interrupted command.
//
// Staged paths must lie inside the home. The journal lives at the home's top level, beside
// tufkey.lock, where it can collide with neither a GUN nor Notary's files; a home that notary
// or docker wrote stays readable by them (nothing of theirs moves, only files are replaced).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::keystore {

class HomeTransaction final {
public:
    // The transaction borrows `home` and `lock`; both must outlive it.
    HomeTransaction(const TrustHome& home, const HomeLock& lock) : m_home(home), m_lock(lock) {}

    // Stages `path` (inside the home) to hold `bytes` with `mode`; a later stage of the same
    // path replaces the earlier one. Parent directories are created (0700) when applied.
    void write(const std::filesystem::path& path, std::string bytes, mode_t mode = 0600);
    // Stages the removal of `path` (no error if it does not exist when applied).
    void remove(const std::filesystem::path& path);

    // The bytes `path` will hold after commit: the staged bytes, std::nullopt for a staged
    // removal or a file that does not exist, else the file as it is (refusing files larger
    // than `max_size`).
    [[nodiscard]] core::Result<std::optional<std::string>> read(const std::filesystem::path& path,
                                                                std::size_t max_size) const;
    [[nodiscard]] bool staged(const std::filesystem::path& path) const {
        return m_ops.contains(path.lexically_normal());
    }
    [[nodiscard]] bool empty() const noexcept { return m_order.empty(); }
    // Staged target paths in the order they are applied (first stage of each path).
    [[nodiscard]] const std::vector<std::filesystem::path>& paths() const noexcept { return m_order; }

    // Journals, commits and applies every staged change (see the header comment), then
    // clears the transaction. A failure before the commit point removes the journal and
    // leaves the home as it was (ErrorCode::io naming the file, or the journal's own error).
    // A failure after it is reported as ErrorCode::io saying that the change is committed
    // and that the next tufkey command completes it. An empty transaction does nothing.
    [[nodiscard]] core::Result<void> commit();

    [[nodiscard]] const TrustHome& home() const noexcept { return m_home; }
    [[nodiscard]] const HomeLock& lock() const noexcept { return m_lock; }

private:
    struct Op final {
        bool remove = false;
        std::string bytes;
        mode_t mode = 0600;
    };
    [[nodiscard]] core::Result<std::filesystem::path> relative(const std::filesystem::path& path) const;

    const TrustHome& m_home;
    const HomeLock& m_lock;
    std::map<std::filesystem::path, Op> m_ops;  // keyed by normalised absolute path
    std::vector<std::filesystem::path> m_order;
};

// What recover_home() found and did.
struct RecoveryReport final {
    bool rolled_forward = false;  // a committed journal was applied
    bool rolled_back = false;     // an uncommitted journal was discarded
    std::size_t temporaries_removed = 0;
};

// With the lock held: completes or discards an interrupted transaction and removes stale
// temporaries anywhere in the home (see the header comment). A damaged committed journal
// (a data file missing and its target not holding the bytes) is ErrorCode::io naming the
// journal; it is left in place for a person to look at.
core::Result<RecoveryReport> recover_home(const TrustHome& home, const HomeLock& lock);

// The journal directory of `home`.
std::filesystem::path journal_dir(const TrustHome& home);

}  // namespace tufkey::keystore
