// Shared by the ceremony CLI suites (init, verify, sign, offline): a private trust home, a
// SoftHSM2 store with the token(s) a test names, and the built tufkey run as a separate
// process with the fixture PIN file and role passphrases from the environment (never argv).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/tuf/dialect.h"

namespace tufkey::testing {

inline constexpr const char* kCeremonyGun = "registry.example.com/team/app";

class CeremonyCli {
public:
    explicit CeremonyCli(std::vector<std::string> labels = {"ceremony"})
        : m_store(std::make_unique<SoftHsmStore>(SoftHsmOptions{std::move(labels)})),
          m_pin_file(m_store->write_pin_file()) {}

    // tufkey --home HOME ARGS..., optionally behind a wrapper (e.g. {"strace", ...}).
    ProcessResult run(const std::vector<std::string>& args, std::map<std::string, std::optional<std::string>> env = {},
                      const std::vector<std::string>& wrapper = {}) const {
        return run_in(home(), args, std::move(env), wrapper);
    }
    // The same in another trust home (e.g. one the notary client made).
    ProcessResult run_in(const std::filesystem::path& home_dir, const std::vector<std::string>& args,
                         std::map<std::string, std::optional<std::string>> env = {},
                         const std::vector<std::string>& wrapper = {}) const {
        std::vector<std::string> argv = wrapper;
        argv.push_back(tufkey_binary());
        argv.push_back("--home");
        argv.push_back(home_dir.string());
        argv.insert(argv.end(), args.begin(), args.end());
        ProcessOptions po;
        po.env["SOFTHSM2_CONF"] = m_store->conf_path().string();
        po.env["TUFKEY_PKCS11_MODULE"] = std::string(k_softhsm_module);
        po.env["TUFKEY_PKCS11_PIN"] = std::nullopt;
        po.env["TUFKEY_HOME"] = std::nullopt;
        for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"}) {
            po.env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::string("passphrase-") + role;
            po.env[std::string("NOTARY_") + role + "_PASSPHRASE"] = std::nullopt;
        }
        po.env["DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"] = std::nullopt;
        po.env["DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"] = std::nullopt;
        for (auto& [k, v] : env) po.env[k] = v;
        po.timeout = std::chrono::seconds(120);
        return run_process(argv, po);
    }

    // The init arguments for `dialect` with one root key per token label in `tokens`.
    std::vector<std::string> init_args(tuf::Dialect dialect,
                                       const std::vector<std::string>& tokens = {"ceremony"}) const {
        std::vector<std::string> args{"init", kCeremonyGun, "--pin-file",           m_pin_file.string(),
                                      "-y",   "--dialect",  tuf::to_string(dialect)};
        for (const auto& t : tokens) {
            args.push_back("--root-key");
            args.push_back("pkcs11:token=" + t + ";object=root");
        }
        return args;
    }

    [[nodiscard]] std::filesystem::path home() const { return m_home.path() / "home"; }
    [[nodiscard]] std::filesystem::path metadata(const std::string& role) const {
        return home() / "tuf" / kCeremonyGun / "metadata" / (role + ".json");
    }
    [[nodiscard]] std::filesystem::path state(const std::string& name) const {
        return home() / "tufkey" / kCeremonyGun / name;
    }
    [[nodiscard]] const std::filesystem::path& pin_file() const { return m_pin_file; }
    [[nodiscard]] const SoftHsmStore& store() const { return *m_store; }
    [[nodiscard]] const TempDir& scratch() const { return m_home; }

private:
    TempDir m_home{"tufkey-ceremony-cli"};
    std::unique_ptr<SoftHsmStore> m_store;
    std::filesystem::path m_pin_file;
};

}  // namespace tufkey::testing
