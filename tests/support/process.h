// run_process: start a program (no shell), feed stdin, capture stdout and stderr, with a
// time limit. Used by CLI and interop tests to drive tufkey, notary, openssl, node, python.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tufkey::testing {

struct ProcessResult final {
    int exit_code = -1;  // -1 when killed by a signal or by the time limit
    int signal = 0;      // the terminating signal, if any
    bool timed_out = false;
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{0};
};

struct ProcessOptions final {
    std::string stdin_data;
    // Variables to set (or, with std::nullopt, to remove) on top of the inherited environment.
    std::map<std::string, std::optional<std::string>> env;
    bool clear_env = false;  // start from an empty environment (PATH is still kept)
    std::string cwd;
    std::chrono::milliseconds timeout{60000};
};

// argv[0] is looked up on PATH. Never throws for a failing program; throws only when the
// process cannot be started at all.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The tufkey binary under test (TUFKEY_CLI_PATH at build time, or $TUFKEY_BIN).
std::string tufkey_binary();

}  // namespace tufkey::testing
