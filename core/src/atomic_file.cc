#include "tufkey/core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace tufkey::core {
namespace {

bool write_all(int fd, ByteView data) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
    std::string hint;
    if (err == ENOSPC)
        hint = " (the disk is full: free space and retry)";
    else if (err == EACCES || err == EPERM)
        hint = " (permission denied: check the owner and mode)";
    else if (err == EROFS)
        hint = " (read-only file system)";
    return Error(ErrorCode::io, "cannot " + what + " " + path.string() + ": " + std::strerror(err) + hint);
}

void fsync_directory(const std::filesystem::path& dir) {
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return;
    ::fsync(dfd);
    ::close(dfd);
}

namespace {

Result<void> write_new(const std::filesystem::path& path, ByteView data, mode_t mode, bool flush) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
    if (fd < 0) return io_error("create", path, errno);
    auto fail = [&](const char* what) {
        const int err = errno;
        ::close(fd);
        return io_error(what, path, err);
    };
    if (::fchmod(fd, mode & 0777) != 0) return fail("set the mode of");
    if (!write_all(fd, data)) return fail("write");
    if (flush && ::fsync(fd) != 0) return fail("flush");
    if (::close(fd) != 0) return io_error("close", path, errno);
    return success();
}

}  // namespace

Result<void> write_new_file_durably(const std::filesystem::path& path, ByteView data, mode_t mode) {
    return write_new(path, data, mode, true);
}

Result<void> write_new_file(const std::filesystem::path& path, ByteView data, mode_t mode) {
    return write_new(path, data, mode, false);
}

Result<void> sync_file_system(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error("open", path, errno);
    const int rc = ::syncfs(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return io_error("flush the file system of", path, err);
    return success();
}

Result<void> write_file_atomic(const std::filesystem::path& path, ByteView data, mode_t mode) {
    std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
    std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0) return io_error("create a file in", dir, errno);
    std::string tmp_path(name.data());
    auto fail = [&](const std::string& what, int err) -> Result<void> {
        ::close(fd);
        ::unlink(tmp_path.c_str());
        return io_error(what, path, err);
    };
    if (::fchmod(fd, mode) != 0) return fail("set the mode of", errno);
    if (!write_all(fd, data)) return fail("write", errno);
    if (::fsync(fd) != 0) return fail("flush", errno);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp_path.c_str());
        return io_error("close", path, err);
    }
    if (::rename(tmp_path.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp_path.c_str());
        return io_error("replace", path, err);
    }
    fsync_directory(dir);
    return success();
}

std::size_t remove_stale_temporaries(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::size_t removed = 0;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        std::error_code type_ec;
        if (name.starts_with(".") && name.find(".tmp-") != std::string::npos && it->is_regular_file(type_ec) &&
            !it->is_symlink(type_ec)) {
            std::error_code rm_ec;
            if (fs::remove(it->path(), rm_ec)) ++removed;
        }
    }
    return removed;
}

Result<int> open_regular_file(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer that never comes; only
    // regular files are read, and those never block.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return io_error("read", path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        return io_error("read", path, err);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error(ErrorCode::io, "cannot read " + path.string() + ": " +
                                        (S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file"));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

Result<Bytes> read_file(const std::filesystem::path& path, std::size_t max_size) {
    TUFKEY_TRY(int fd, open_regular_file(path));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        return io_error("read", path, err);
    }
    if (static_cast<std::size_t>(st.st_size) > max_size) {
        ::close(fd);
        return Error(ErrorCode::io,
                     "refusing to read " + path.string() + ": larger than " + std::to_string(max_size) + " bytes");
    }
    Bytes out;
    out.reserve(static_cast<std::size_t>(st.st_size));
    std::uint8_t buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            return io_error("read", path, err);
        }
        if (n == 0) break;
        out.insert(out.end(), buf, buf + n);
        if (out.size() > max_size) {
            ::close(fd);
            return Error(ErrorCode::io,
                         "refusing to read " + path.string() + ": larger than " + std::to_string(max_size) + " bytes");
        }
    }
    ::close(fd);
    return out;
}

Result<std::optional<Bytes>> read_file_if_exists(const std::filesystem::path& path, std::size_t max_size) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) return std::optional<Bytes>();
    TUFKEY_TRY(auto bytes, read_file(path, max_size));
    return std::optional<Bytes>(std::move(bytes));
}

Result<void> make_directories(const std::filesystem::path& path, mode_t mode) {
    std::filesystem::path current;
    for (const auto& part : path) {
        current /= part;
        if (current.empty()) continue;
        if (::mkdir(current.c_str(), mode) != 0 && errno != EEXIST) return io_error("create directory", current, errno);
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Error(ErrorCode::io, "cannot create directory " + path.string() + ": a file is in the way");
    return success();
}

}  // namespace tufkey::core
