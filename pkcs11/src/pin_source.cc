#include "tufkey/pkcs11/pin_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "tufkey/core/atomic_file.h"

namespace tufkey::pkcs11 {
namespace {

using core::Error;
using core::ErrorCode;
using core::SecretBytes;

constexpr std::size_t k_max_pin = 256;

void strip_line_end(SecretBytes& pin) {
    auto bytes = pin.reveal();
    std::size_t end = 0;
    while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r') ++end;
    pin.resize(end);
}

bool is_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Error no_pin(const TokenInfo& token) {
    return Error(ErrorCode::token,
                 fmt::format("no PIN for token {} and no terminal to ask on: pass --pin-file {}=FILE (or --pin-file "
                             "FILE) or set TUFKEY_PKCS11_PIN",
                             token.describe(), token.label));
}

}  // namespace

core::Result<SecretBytes> read_pin_file(const std::string& path) {
    // Never blocks on a FIFO; and like a key file, a PIN file others can read is refused.
    auto opened = core::open_regular_file(path);
    if (!opened) return Error(ErrorCode::io, "PIN file: " + opened.error().message);
    const int fd = *opened;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
        ::close(fd);
        return Error(ErrorCode::refused, fmt::format("PIN file {} is readable or writable by others; run 'chmod 600 "
                                                     "{}' and retry",
                                                     path, path));
    }
    SecretBytes pin(k_max_pin + 1);
    std::size_t got = 0;
    while (got < pin.size()) {
        const ssize_t n = ::read(fd, pin.reveal_mutable().data() + got, pin.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    pin.resize(got);
    strip_line_end(pin);
    if (pin.empty()) return Error(ErrorCode::usage, fmt::format("PIN file {} is empty", path));
    if (pin.size() > k_max_pin)
        return Error(ErrorCode::usage, fmt::format("PIN file {} holds more than one PIN", path));
    return pin;
}

bool is_well_known_default_pin(const SecretBytes& pin) {
    static constexpr std::array<std::string_view, 4> defaults{"123456", "12345678", "0000", "1234"};
    for (const auto d : defaults) {
        if (pin.equals(SecretBytes::copy_of(d))) return true;
    }
    return false;
}

core::Result<std::unique_ptr<CliPinSource>> CliPinSource::create(const std::vector<std::string>& pin_file_specs,
                                                                 core::Terminal& terminal, core::EnvLookup env) {
    std::map<std::string, std::string> by_label;
    std::optional<std::string> any;
    for (const auto& spec : pin_file_specs) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || is_file(spec)) {
            if (any) return Error(ErrorCode::usage, "--pin-file FILE (without LABEL=) given twice");
            any = spec;
            continue;
        }
        const std::string label = spec.substr(0, eq);
        if (!by_label.emplace(label, spec.substr(eq + 1)).second) {
            return Error(ErrorCode::usage, fmt::format("--pin-file given twice for token '{}'", label));
        }
    }
    return std::unique_ptr<CliPinSource>(
        new CliPinSource(std::move(by_label), std::move(any), terminal, std::move(env)));
}

core::Result<SecretBytes> CliPinSource::pin_for(const TokenInfo& token) {
    if (auto it = m_files_by_label.find(token.label); it != m_files_by_label.end()) return read_pin_file(it->second);
    if (m_file_for_any_token) return read_pin_file(*m_file_for_any_token);
    if (m_env) {
        if (auto pin = m_env("TUFKEY_PKCS11_PIN")) return std::move(*pin);
    }
    if (!m_terminal.interactive()) return no_pin(token);
    TUFKEY_TRY(SecretBytes pin, m_terminal.read_secret(fmt::format("PIN for token {}: ", token.describe())));
    if (pin.size() > k_max_pin) pin.resize(k_max_pin);
    if (pin.empty()) return Error(ErrorCode::token, fmt::format("no PIN entered for token {}", token.describe()));
    return pin;
}

}  // namespace tufkey::pkcs11
