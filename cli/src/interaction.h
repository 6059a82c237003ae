// Interaction: the one object through which tufkey talks to the person and reads the process
// environment. main() creates it; commands reach it through GlobalOptions and hand its
// interfaces (core/interaction.h) to the passphrase source (keystore/) and the PIN source
// (pkcs11/). Nothing below cli/ calls getenv or touches the terminal: this file and
// interaction.cc are the only place that does.
//
// The terminal prompts on stderr and reads stdin, with echo off while reading a secret; it is
// interactive only when stdin is a TTY, so no prompt ever appears without a terminal.
#pragma once

#include <memory>
#include <string>

#include "tufkey/core/interaction.h"
#include "tufkey/core/progress.h"

namespace tufkey::cli {

class Interaction final {
public:
    Interaction();
    Interaction(const Interaction&) = delete;
    Interaction& operator=(const Interaction&) = delete;

    [[nodiscard]] core::Terminal& terminal() noexcept { return *m_terminal; }
    // Reads the process environment (secrets stay in SecretBytes).
    [[nodiscard]] core::EnvLookup environment() const;
    // A non-secret variable (a path, a URL), or "" when unset.
    [[nodiscard]] std::string variable(const std::string& name) const;
    // A progress line for long work on stderr, or nullptr when stderr is not a terminal or the
    // output is --json: progress is never seen by scripts (core/progress.h).
    [[nodiscard]] std::unique_ptr<core::Progress> progress(bool json) const;

private:
    std::unique_ptr<core::Terminal> m_terminal;
};

}  // namespace tufkey::cli
