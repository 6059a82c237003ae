// TufkeyWorld: one test's world for black-box tests that need several trust homes: a SoftHSM
// store with the given token labels, a work directory, and the built tufkey run as a separate
// process with the fixture PIN file and role passphrases from the environment (never argv).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "process.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"

namespace tufkey::testing {

inline std::string sha256_hex(const std::string& text) { return core::hex_encode(core::sha256(core::as_bytes(text))); }

// Every regular file under `dir` (relative path -> bytes), the home's lock file left out.
inline std::map<std::string, std::string> file_tree(const std::filesystem::path& dir) {
    std::map<std::string, std::string> files;
    if (!std::filesystem::exists(dir)) return files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().filename() != "tufkey.lock")
            files[std::filesystem::relative(e.path(), dir).string()] = read_text(e.path());
    }
    return files;
}

// The digest `notary list` prints for `tag` (its output: NAME DIGEST SIZE ROLE per line), "" if absent.
inline std::string notary_tag_digest(const std::string& list, const std::string& tag) {
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string name, digest;
        fields >> name >> digest;
        if (name == tag) return digest;
    }
    return {};
}

class TufkeyWorld final {
public:
    explicit TufkeyWorld(std::vector<std::string> labels, const std::string& prefix = "tufkey-world")
        : m_store(SoftHsmOptions{.labels = std::move(labels)}), m_work(prefix) {
        m_pin = m_store.write_pin_file();
    }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return m_work.path() / name; }
    [[nodiscard]] const std::filesystem::path& pin_file() const noexcept { return m_pin; }
    [[nodiscard]] const SoftHsmStore& store() const noexcept { return m_store; }

    ProcessResult tufkey(const std::filesystem::path& home, std::vector<std::string> args,
                         std::map<std::string, std::optional<std::string>> env = {}) const {
        ProcessOptions options;
        options.env = m_store.env();
        options.env["TUFKEY_HOME"] = std::nullopt;
        options.env["TUFKEY_PKCS11_MODULE"] = k_softhsm_module;
        options.env["TUFKEY_TARGETS_PASSPHRASE"] = "targets-passphrase";
        options.env["TUFKEY_SNAPSHOT_PASSPHRASE"] = "snapshot-passphrase";
        options.env["TUFKEY_TIMESTAMP_PASSPHRASE"] = "timestamp-passphrase";
        for (auto& [k, v] : env) options.env[k] = v;
        options.timeout = std::chrono::seconds(120);
        args.insert(args.begin(), {tufkey_binary(), "--home", home.string()});
        return run_process(args, options);
    }
    ProcessResult ok(const std::filesystem::path& home, std::vector<std::string> args) const {
        ProcessResult r = tufkey(home, args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        EXPECT_EQ(r.exit_code, 0) << "tufkey " << line << "\n" << r.out << r.err;
        return r;
    }
    // init GUN with one root key per token label given (threshold `threshold`).
    void init(const std::filesystem::path& home, const std::string& gun, const std::vector<std::string>& tokens,
              const std::string& dialect = "notary", int threshold = 1) const {
        std::vector<std::string> args{"init",      gun,     "--pin-file",       m_pin.string(),           "-y",
                                      "--dialect", dialect, "--root-threshold", std::to_string(threshold)};
        for (const auto& t : tokens) args.insert(args.end(), {"--root-key", "pkcs11:token=" + t + ";object=root"});
        ok(home, args);
    }
    void sign(const std::filesystem::path& home, const std::string& target, const std::string& content) const {
        ok(home,
           {"sign", target, "--digest", "sha256:" + sha256_hex(content), "--size", std::to_string(content.size())});
    }

private:
    SoftHsmStore m_store;
    TempDir m_work;
    std::filesystem::path m_pin;
};

}  // namespace tufkey::testing
