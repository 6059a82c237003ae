#include "tufkey/pkcs11/pin_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <fmt/core.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Error(ErrorCode::io, fmt::format("cannot read PIN file {}: {}", path, std::strerror(errno)));
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

core::Result<SecretBytes> prompt_pin(const TokenInfo& token) {
    if (::isatty(STDIN_FILENO) != 1) return no_pin(token);
    std::fprintf(stderr, "PIN for token %s: ", token.describe().c_str());
    std::fflush(stderr);
    termios saved{};
    const bool have_termios = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (have_termios) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    SecretBytes pin;
    for (;;) {
        unsigned char c = 0;
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n' || c == '\r') break;
        if (pin.size() < k_max_pin) pin.push_back(c);
        c = 0;
    }
    if (have_termios) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
    if (pin.empty()) return Error(ErrorCode::token, fmt::format("no PIN entered for token {}", token.describe()));
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
                                                                 bool allow_prompt) {
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
    return std::unique_ptr<CliPinSource>(new CliPinSource(std::move(by_label), std::move(any), allow_prompt));
}

core::Result<SecretBytes> CliPinSource::pin_for(const TokenInfo& token) {
    if (auto it = m_files_by_label.find(token.label); it != m_files_by_label.end()) return read_pin_file(it->second);
    if (m_file_for_any_token) return read_pin_file(*m_file_for_any_token);
    if (const char* env = std::getenv("TUFKEY_PKCS11_PIN"); env != nullptr && *env != '\0') {
        return SecretBytes::copy_of(std::string_view(env));
    }
    if (!m_allow_prompt) return no_pin(token);
    return prompt_pin(token);
}

}  // namespace tufkey::pkcs11
