// Running the tufkey binary with a clean passphrase environment.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "process.h"

namespace tufkey::testing {

inline std::map<std::string, std::optional<std::string>> without_passphrases() {
    std::map<std::string, std::optional<std::string>> env;
    for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"}) {
        env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::nullopt;
        env[std::string("NOTARY_") + role + "_PASSPHRASE"] = std::nullopt;
    }
    env["DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"] = std::nullopt;
    env["DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"] = std::nullopt;
    env["TUFKEY_HOME"] = std::nullopt;
    return env;
}

inline ProcessResult tufkey_in(const std::filesystem::path& home, std::vector<std::string> args,
                               const std::map<std::string, std::string>& env = {}) {
    ProcessOptions options;
    options.env = without_passphrases();
    for (const auto& [k, v] : env) options.env[k] = v;
    args.insert(args.begin(), {tufkey_binary(), "--home", home.string()});
    return run_process(args, options);
}

inline int line_count(const std::string& text) {
    int n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

}  // namespace tufkey::testing
