// Key files into wiping storage: the file's bytes, then its PEM blocks (core::parse_secret_pem).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tufkey/core/atomic_file.h"
#include "tufkey/keystore/key_file.h"

namespace tufkey::keystore {
using core::Error;
using core::ErrorCode;
using core::SecretBytes;

core::Result<std::vector<KeyPemBlock>> parse_key_pem(const SecretBytes& secret_text, std::string_view origin) {
    auto blocks = core::parse_secret_pem(secret_text);
    if (!blocks) return Error(ErrorCode::key, std::string(origin) + ": " + blocks.error().message);
    return std::move(blocks).value();
}

core::Result<SecretBytes> read_secret_file(const std::filesystem::path& path) {
    TUFKEY_TRY(int fd, core::open_regular_file(path));  // never blocks on a FIFO
    SecretBytes data;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < (16 << 20))
        data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t used = 0;
    for (;;) {
        if (used == data.size()) data.resize(data.size() + 4096);
        ssize_t n = ::read(fd, data.reveal_mutable().data() + used, data.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            return Error(ErrorCode::io, "cannot read " + path.string() + ": " + std::strerror(e));
        }
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
        if (used > (16u << 20)) {
            ::close(fd);
            return Error(ErrorCode::io, path.string() + " is too large for a key file");
        }
    }
    ::close(fd);
    data.resize(used);
    return data;
}

}  // namespace tufkey::keystore
