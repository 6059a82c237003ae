#include "tufkey/keystore/home_transaction.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "tufkey/core/atomic_file.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/json.h"

namespace tufkey::keystore {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::Result;

constexpr std::string_view kManifest = "manifest";
constexpr std::size_t kManifestMax = 64u << 20;
constexpr std::size_t kFileMax = 1u << 30;
constexpr std::size_t kFsyncEachUpTo = 64;

std::string sha256_hex(std::string_view bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

struct JournalOp final {
    bool remove = false;
    fs::path target;  // relative to the home
    std::string data;
    std::string sha256;
};

bool safe_relative(const fs::path& rel) {
    if (rel.empty() || rel.is_absolute()) return false;
    for (const auto& part : rel) {
        if (part == ".." || part == "." || part.empty()) return false;
    }
    return true;
}

Error damaged(const fs::path& journal, const std::string& what) {
    return Error(ErrorCode::io, "the interrupted change in " + journal.string() + " cannot be completed: " + what +
                                    "; move that directory aside and check the home with 'tufkey verify'");
}

Result<std::vector<JournalOp>> read_manifest(const fs::path& journal) {
    TUFKEY_TRY(auto bytes, core::read_file(journal / kManifest, kManifestMax));
    auto json = tuf::parse_json(core::to_string(bytes));
    if (!json || !json->is_object()) return damaged(journal, "its manifest does not parse");
    const tuf::Json* ops = json->find("ops");
    if (ops == nullptr || !ops->is_array()) return damaged(journal, "its manifest lists no operations");
    std::vector<JournalOp> out;
    for (const tuf::Json& o : ops->as_array()) {
        const tuf::Json* kind = o.find("op");
        const tuf::Json* path = o.find("path");
        if (kind == nullptr || !kind->is_string() || path == nullptr || !path->is_string())
            return damaged(journal, "an operation has no kind or path");
        JournalOp op;
        op.target = fs::path(path->as_string());
        if (!safe_relative(op.target)) return damaged(journal, "a path leaves the home: " + path->as_string());
        if (kind->as_string() == "remove") {
            op.remove = true;
        } else if (kind->as_string() == "write") {
            const tuf::Json* data = o.find("data");
            const tuf::Json* hash = o.find("sha256");
            if (data == nullptr || !data->is_string() || hash == nullptr || !hash->is_string() ||
                !safe_relative(data->as_string()) || data->as_string().find('/') != std::string::npos)
                return damaged(journal, "a write names no data file or hash");
            op.data = data->as_string();
            op.sha256 = hash->as_string();
        } else {
            return damaged(journal, "unknown operation '" + kind->as_string() + "'");
        }
        out.push_back(std::move(op));
    }
    return out;
}

// Step 3 and 4 of the header comment. Idempotent: safe to run again after any interruption.
// Each directory changed is fsynced once, after all its renames and unlinks and before the
// manifest goes: until then a kill leaves the manifest, and recovery applies the journal again.
Result<void> apply_journal(const fs::path& home, const fs::path& journal, const std::vector<JournalOp>& ops) {
    std::set<fs::path> changed_dirs;
    for (const auto& op : ops) {
        const fs::path target = home / op.target;
        if (op.remove) {
            if (::unlink(target.c_str()) != 0 && errno != ENOENT) return core::io_error("remove", target, errno);
            changed_dirs.insert(target.parent_path());
            continue;
        }
        const fs::path data = journal / op.data;
        if (::access(data.c_str(), F_OK) == 0) {
            TUFKEY_TRY_VOID(core::make_directories(target.parent_path(), 0700));
            if (::rename(data.c_str(), target.c_str()) != 0) return core::io_error("replace", target, errno);
            changed_dirs.insert(target.parent_path());
            continue;
        }
        auto current = core::read_file(target, kFileMax);
        if (!current || sha256_hex(core::to_string(*current)) != op.sha256)
            return damaged(journal, "the data for " + op.target.string() + " is missing");
    }
    for (const auto& dir : changed_dirs) core::fsync_directory(dir);
    if (::unlink((journal / kManifest).c_str()) != 0 && errno != ENOENT)
        return core::io_error("remove", journal / kManifest, errno);
    std::error_code ec;
    fs::remove_all(journal, ec);
    core::fsync_directory(home);
    return core::success();
}

// Whether applying a change to `target` can work: no file where a directory must be, no
// directory where the file goes, and the nearest existing directory writable. Checked before
// the commit point, so an obstacle refuses the change instead of wedging a committed journal.
Result<void> check_applicable(const fs::path& target) {
    std::error_code ec;
    if (fs::is_directory(target, ec))
        return Error(ErrorCode::io, "cannot replace " + target.string() + ": it is a directory");
    fs::path dir = target.parent_path();
    while (!dir.empty() && !fs::exists(dir, ec)) dir = dir.parent_path();
    if (dir.empty()) return core::success();
    if (!fs::is_directory(dir, ec))
        return Error(ErrorCode::io, "cannot create directory " + target.parent_path().string() + ": " + dir.string() +
                                        " is a file in the way; move it aside and retry");
    if (::access(dir.c_str(), W_OK | X_OK) != 0) return core::io_error("write in", dir, errno);
    return core::success();
}

void discard_journal(const fs::path& home, const fs::path& journal) {
    std::error_code ec;
    fs::remove_all(journal, ec);
    core::fsync_directory(home);
}

}  // namespace

fs::path journal_dir(const TrustHome& home) { return home.root() / "tufkey.journal"; }

Result<fs::path> HomeTransaction::relative(const fs::path& path) const {
    fs::path rel = path.lexically_normal().lexically_relative(m_home.root().lexically_normal());
    if (!safe_relative(rel))
        return Error(ErrorCode::internal, "refusing to change " + path.string() + ": it is outside the trust home");
    return rel;
}

void HomeTransaction::write(const fs::path& path, std::string bytes, mode_t mode) {
    fs::path key = path.lexically_normal();
    auto [it, inserted] = m_ops.insert_or_assign(key, Op{false, std::move(bytes), mode});
    if (inserted) m_order.push_back(key);
}

void HomeTransaction::remove(const fs::path& path) {
    fs::path key = path.lexically_normal();
    auto [it, inserted] = m_ops.insert_or_assign(key, Op{true, {}, 0});
    if (inserted) m_order.push_back(key);
}

Result<std::optional<std::string>> HomeTransaction::read(const fs::path& path, std::size_t max_size) const {
    if (auto it = m_ops.find(path.lexically_normal()); it != m_ops.end()) {
        if (it->second.remove) return std::optional<std::string>();
        return std::optional<std::string>(it->second.bytes);
    }
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::optional<std::string>();
    TUFKEY_TRY(auto bytes, core::read_file(path, max_size));
    return std::optional<std::string>(core::to_string(bytes));
}

Result<void> HomeTransaction::commit() {
    if (m_order.empty()) return core::success();
    const fs::path journal = journal_dir(m_home);
    std::error_code ec;
    if (fs::exists(journal, ec))
        return Error(ErrorCode::internal, "a journal is already in " + journal.string() + " (recovery did not run)");

    tuf::JsonArray manifest_ops;
    std::vector<JournalOp> ops;
    // Many files (a sign into thousands of hashed bins) are flushed by one syncfs instead of
    // one fsync each; a few keep their own fsync (syncfs would also flush others' writes).
    const bool batch = m_order.size() > kFsyncEachUpTo;
    auto stage = [&]() -> Result<void> {
        TUFKEY_TRY_VOID(core::make_directories(journal, 0700));
        std::size_t n = 0;
        for (const auto& path : m_order) {
            const Op& op = m_ops.at(path);
            TUFKEY_TRY(auto rel, relative(path));
            TUFKEY_TRY_VOID(check_applicable(path));
            if (op.remove) {
                manifest_ops.push_back(tuf::JsonObject{{"op", "remove"}, {"path", rel.string()}});
                ops.push_back(JournalOp{true, rel, {}, {}});
                continue;
            }
            const std::string data = std::to_string(n++) + ".data";
            const core::ByteView bytes = core::as_bytes(op.bytes);
            TUFKEY_TRY_VOID(batch ? core::write_new_file(journal / data, bytes, op.mode)
                                  : core::write_new_file_durably(journal / data, bytes, op.mode));
            const std::string hash = sha256_hex(op.bytes);
            manifest_ops.push_back(
                tuf::JsonObject{{"data", data}, {"op", "write"}, {"path", rel.string()}, {"sha256", hash}});
            ops.push_back(JournalOp{false, rel, data, hash});
        }
        if (batch) TUFKEY_TRY_VOID(core::sync_file_system(journal));
        core::fsync_directory(journal);
        tuf::JsonObject manifest{{"ops", manifest_ops}, {"version", 1}};
        return core::write_file_atomic(journal / kManifest, tuf::canonical_json(tuf::Json(std::move(manifest))), 0600);
    };
    if (auto staged_ok = stage(); !staged_ok) {
        discard_journal(m_home.root(), journal);
        return staged_ok.error();
    }
    // Committed: from here on the change happens, now or at the next command.
    m_ops.clear();
    m_order.clear();
    if (auto applied = apply_journal(m_home.root(), journal, ops); !applied) {
        return Error(ErrorCode::io, "the change is committed but not yet in place (" + applied.error().message +
                                        "); the next tufkey command on this home completes it");
    }
    return core::success();
}

Result<RecoveryReport> recover_home(const TrustHome& home, const HomeLock& /*lock*/) {
    RecoveryReport report;
    const fs::path journal = journal_dir(home);
    std::error_code ec;
    if (fs::exists(journal, ec)) {
        if (fs::exists(journal / kManifest, ec)) {
            TUFKEY_TRY(auto ops, read_manifest(journal));
            if (auto applied = apply_journal(home.root(), journal, ops); !applied)
                return Error(ErrorCode::io, "an interrupted tufkey change in " + home.root().string() +
                                                " cannot be completed: " + applied.error().message +
                                                "; fix that and run tufkey again");
            report.rolled_forward = true;
        } else {
            discard_journal(home.root(), journal);
            report.rolled_back = true;
        }
    }
    report.temporaries_removed = core::remove_stale_temporaries(home.root());  // the lock is held
    return report;
}

}  // namespace tufkey::keystore
