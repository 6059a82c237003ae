// The writers' lock of a trust home: flock on a file that names the holder.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tufkey/keystore/trust_home.h"

namespace tufkey::keystore {
namespace {

std::string read_holder(int fd) {
    char buf[512];
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return {};
    std::string text(buf, static_cast<std::size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
    return text;
}

}  // namespace

core::Result<HomeLock> HomeLock::acquire(const std::filesystem::path& lock_file, std::string_view command) {
    int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return core::Error(core::ErrorCode::io,
                           "cannot open the lock file " + lock_file.string() + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        std::string holder = e == EWOULDBLOCK ? read_holder(fd) : std::string();
        ::close(fd);
        if (e != EWOULDBLOCK) {
            return core::Error(core::ErrorCode::io, "cannot lock " + lock_file.string() + ": " + std::strerror(e));
        }
        if (holder.empty()) holder = "another tufkey process";
        return core::Error(core::ErrorCode::refused, "the trust home " + lock_file.parent_path().string() +
                                                         " is in use by " + holder +
                                                         "; wait for it to finish and retry");
    }
    const std::string record = "PID " + std::to_string(::getpid()) + " (" + std::string(command) + ")\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, record.data(), record.size(), 0) != static_cast<ssize_t>(record.size())) {
        const int e = errno;
        ::close(fd);
        return core::Error(core::ErrorCode::io,
                           "cannot write the lock file " + lock_file.string() + ": " + std::strerror(e));
    }
    return HomeLock(fd);
}

HomeLock::HomeLock(HomeLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

HomeLock::~HomeLock() {
    if (m_fd < 0) return;
    if (::ftruncate(m_fd, 0) != 0) {
        // The content only names the holder; a stale name is harmless once the lock is free.
    }
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
}

}  // namespace tufkey::keystore
