// The process's terminal: prompts on stderr, input from stdin with echo off for secrets.
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "tufkey/keystore/passphrase.h"

namespace tufkey::keystore {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

void write_stderr(std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Reads stdin up to a newline into `out`. False on end of input before any newline.
bool read_line(SecretBytes& out) {
    for (;;) {
        unsigned char c = 0;
        ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        if (c == '\n') return true;
        if (c != '\r') out.push_back(c);
    }
}

class StdinTerminal final : public Terminal {
public:
    [[nodiscard]] bool interactive() const override { return ::isatty(STDIN_FILENO) == 1; }

    Result<SecretBytes> read_secret(std::string_view prompt) override {
        write_stderr(prompt);
        termios saved{};
        const bool have_tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
        if (have_tty) {
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            quiet.c_lflag |= ECHONL;
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        SecretBytes line;
        const bool ok = read_line(line);
        if (have_tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        if (!ok) {
            write_stderr("\n");
            return Error(ErrorCode::io, "no input at the passphrase prompt");
        }
        return line;
    }

    Result<bool> confirm(std::string_view question) override {
        if (!interactive()) return Error(ErrorCode::usage, "confirmation needed: run at a terminal or pass -y");
        write_stderr(question);
        write_stderr(" [y/N] ");
        SecretBytes line;
        if (!read_line(line)) return false;
        const std::string_view answer = line.reveal_as_chars();
        return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
    }

    void tell(std::string_view line) override {
        write_stderr(line);
        write_stderr("\n");
    }
};

}  // namespace

std::unique_ptr<Terminal> make_stdin_terminal() { return std::make_unique<StdinTerminal>(); }

}  // namespace tufkey::keystore
