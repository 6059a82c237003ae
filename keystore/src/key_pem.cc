// PEM parsing into wiping storage (key files may hold plain private keys).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tufkey/keystore/key_file.h"

namespace tufkey::keystore {
namespace {

using core::Error;
using core::ErrorCode;
using core::SecretBytes;

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Decodes a whole base64 body into `out`; tolerates missing padding, refuses foreign characters.
bool decode_base64(const SecretBytes& body, SecretBytes& out) {
    unsigned acc = 0;
    int bits = 0;
    bool padded = false;
    bool ok = true;
    for (char c : body.reveal_as_chars()) {
        if (c == '=') {
            padded = true;
            continue;
        }
        int v = base64_value(c);
        if (v < 0 || padded) {
            ok = false;
            break;
        }
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xffu));
        }
    }
    core::secure_wipe(&acc, sizeof acc);
    return ok;
}

}  // namespace

std::optional<std::string> KeyPemBlock::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k == name) return v;
    }
    return std::nullopt;
}

core::Result<std::vector<KeyPemBlock>> parse_key_pem(const SecretBytes& secret_text, std::string_view origin) {
    std::string_view text = secret_text.reveal_as_chars();
    std::vector<KeyPemBlock> blocks;
    KeyPemBlock* current = nullptr;
    std::string end_line;
    SecretBytes body;
    bool in_headers = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        if (current == nullptr) {
            if (!line.starts_with(kBegin) || !line.ends_with(kDashes) || line.size() < kBegin.size() + kDashes.size())
                continue;
            blocks.emplace_back();
            current = &blocks.back();
            current->type = std::string(line.substr(kBegin.size(), line.size() - kBegin.size() - kDashes.size()));
            end_line = std::string(kEnd) + current->type + std::string(kDashes);
            in_headers = true;
            continue;
        }
        if (line == end_line) {
            bool decoded = decode_base64(body, current->der);
            body.clear();
            if (!decoded) {
                return Error(ErrorCode::key,
                             std::string(origin) + ": PEM block \"" + current->type + "\" is not valid base64");
            }
            current = nullptr;
            continue;
        }
        if (in_headers) {
            auto colon = line.find(':');
            if (colon != std::string_view::npos) {
                current->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                              std::string(trim(line.substr(colon + 1))));
                continue;
            }
            in_headers = false;
            if (line.empty()) continue;
        }
        for (char c : line) body.push_back(static_cast<std::uint8_t>(c));
    }
    if (current != nullptr) {
        return Error(ErrorCode::key, std::string(origin) + ": PEM block \"" + current->type + "\" has no END line");
    }
    return blocks;
}

core::Result<SecretBytes> read_secret_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error(ErrorCode::io, "cannot read " + path.string() + ": " + std::strerror(errno));
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
