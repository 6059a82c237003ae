// CrashWorld: where one crash-safety case runs. A SoftHSM2 store with the "ceremony" token, and
// a scratch directory whose run/ subdirectory is where every run of the command under test
// happens, so every path a home records (publish destinations, pull sources) is the same in
// every run. save_before() keeps a copy of run/ and of the token store, and restore_before()
// puts both back: SoftHSM2 writes its token files while tufkey uses a token, so a run killed at
// one of those writes may damage the token, which is SoftHSM's state, not the home's.
//
// tufkey always runs with a frozen clock (libfaketime, FAKETIME fixed when the world is made),
// so two runs of a command sign the same expiries and transcript times, and only the
// randomized ECDSA signatures (and the hashes that cover them) differ between them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "process.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/tuf/dialect.h"

namespace tufkey::testing::crash {

inline constexpr const char* kGun = "registry.example.com/team/crash";

class CrashWorld final {
public:
    CrashWorld();

    // tufkey --home HOME ARGS..., behind `wrapper` (e.g. strace) when given. Passphrases come
    // from TUFKEY_<ROLE>_PASSPHRASE ("passphrase-<ROLE>"), the PIN from the pin file.
    [[nodiscard]] ProcessResult tufkey(const std::filesystem::path& home, const std::vector<std::string>& args,
                                       const std::vector<std::string>& wrapper = {}) const;
    // The same in the run home.
    [[nodiscard]] ProcessResult tufkey(const std::vector<std::string>& args) const { return tufkey(home(), args); }

    // `init kGun` on the ceremony token (its root key is made on the first init of the world).
    [[nodiscard]] std::vector<std::string> init_args(tuf::Dialect dialect) const;
    // `sign kGun:TAG` with a digest derived from the tag.
    [[nodiscard]] static std::vector<std::string> sign_args(const std::string& tag);
    [[nodiscard]] static std::string digest_of(const std::string& tag);

    [[nodiscard]] std::filesystem::path scratch() const { return m_scratch.path(); }
    [[nodiscard]] std::filesystem::path run_dir() const { return m_scratch.path() / "run"; }
    [[nodiscard]] std::filesystem::path home() const { return run_dir() / "home"; }
    [[nodiscard]] const std::string& faketime() const { return m_faketime; }
    [[nodiscard]] const std::filesystem::path& pin_file() const { return m_pin_file; }

    void save_before() const;
    void restore_before() const;
    // Only the SoftHSM token store, as saved by save_before().
    void restore_token_store() const;

private:
    TempDir m_scratch{"tufkey-crash"};
    std::unique_ptr<SoftHsmStore> m_store;
    std::filesystem::path m_pin_file;
    std::string m_faketime;
};

// The passphrase the world's environment gives keys of `role`.
std::string passphrase_for_role(const std::string& role);

// Re-encrypts every key file of `home` with 2048 PBKDF2 iterations (Notary's own count, which
// keystore::encrypt_key_pem accepts for tests), so the hundreds of runs each case makes do not
// each spend seconds in key derivation. The product itself never writes fewer than 600,000.
void make_key_files_cheap(const std::filesystem::path& home);

}  // namespace tufkey::testing::crash
