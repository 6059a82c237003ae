// Atomic, durable file writes: a temp file in the same directory, fsync, rename, fsync of the
// directory. A reader sees the old file or the new one, never a part.
#pragma once

#include <filesystem>
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
// Reads a whole file, refusing files larger than `max_size`.
Result<Bytes> read_file(const std::filesystem::path& path, std::size_t max_size = 64u << 20);
// Creates a directory (and parents) with the given mode.
Result<void> make_directories(const std::filesystem::path& path, mode_t mode = 0700);

}  // namespace tufkey::core
