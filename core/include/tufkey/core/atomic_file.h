// Atomic, durable file writes: a temp file in the same directory, fsync, rename, fsync of the
// directory. A reader sees the old file or the new one, never a part.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"

namespace tufkey::core {

// Writes `data` to `path` atomically with the given mode (0600 by default). Parent directories
// must exist. Errors are ErrorCode::io and name the path.
Result<void> write_file_atomic(const std::filesystem::path& path, ByteView data, mode_t mode = 0600);
inline Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data, mode_t mode = 0600) {
    return write_file_atomic(path, as_bytes(data), mode);
}
// Removes the temporaries a killed write_file_atomic left (".NAME.tmp-XXXXXX") anywhere under
// `dir` (symbolic links are not followed). Call it only while no other writer can be writing
// there (under the home lock). Returns how many were removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir);
// Creates `path` (which must not exist) holding `data` with `mode`, and fsyncs it: the data
// files of a journal (keystore/home_transaction.h), which a rename later puts in place.
Result<void> write_new_file_durably(const std::filesystem::path& path, ByteView data, mode_t mode = 0600);
// The same without the fsync: for a batch of new files that sync_file_system() then makes
// durable together. Nothing written so is durable before that returns success.
Result<void> write_new_file(const std::filesystem::path& path, ByteView data, mode_t mode = 0600);
// syncfs(2) of the file system holding `path`: every file written there so far is on disk when
// this returns success (Linux reports writeback errors through it since 5.8). One call instead
// of an fsync per file, for batches of thousands of files (a journal of 16,384 hashed bins).
Result<void> sync_file_system(const std::filesystem::path& path);
// fsyncs a directory, so renames and unlinks in it are durable (best effort: no error).
void fsync_directory(const std::filesystem::path& dir);
// The ErrorCode::io error of every file operation: "cannot WHAT PATH: strerror", with a hint
// for a full disk, a permission problem or a read-only file system.
Error io_error(const std::string& what, const std::filesystem::path& path, int err);
// Opens a regular file for reading without ever blocking: a FIFO, a device or a directory is
// refused (ErrorCode::io), where open() would wait for a writer. Returns the descriptor.
Result<int> open_regular_file(const std::filesystem::path& path);
// Reads a whole regular file (open_regular_file), refusing files larger than `max_size`.
Result<Bytes> read_file(const std::filesystem::path& path, std::size_t max_size = 64u << 20);
// The same, nullopt when nothing exists at `path` (ENOENT, ENOTDIR).
Result<std::optional<Bytes>> read_file_if_exists(const std::filesystem::path& path, std::size_t max_size);
// Creates a directory (and parents) with the given mode.
Result<void> make_directories(const std::filesystem::path& path, mode_t mode = 0700);

}  // namespace tufkey::core
