// SoftHsmStore: a hermetic SoftHSM2 token store for one test.
//
// The store lives in its own TempDir, is made by softhsm-fixtures/make-token-store, and is
// selected by setting SOFTHSM2_CONF in this process (restored by the destructor) and in env()
// for child processes. SoftHSM reads SOFTHSM2_CONF at C_Initialize, so a test must let go of
// every pkcs11::Module before the next store is made (the Module finalises with its last user).
//
// Expensive contents (RSA-3072 keys take seconds) are built once per build tree by
// copy_of_template(): the first caller builds the template under the build directory (under a
// file lock, so parallel ctest runs agree), every caller gets a private copy with the
// copy's tokendir rewritten.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace tufkey::testing {

inline constexpr const char* k_softhsm_module = "/usr/lib/softhsm/libsofthsm2.so";
// The fixture PINs (softhsm-fixtures/README.md). Test-only values.
inline constexpr const char* k_test_user_pin = "24681357";
inline constexpr const char* k_test_so_pin = "87654321";

struct SoftHsmOptions final {
    std::vector<std::string> labels{"tufkey-test"};  // empty: only the free, uninitialised slot
    std::string mechanisms = "ALL";                  // slots.mechanisms
    std::string user_pin = k_test_user_pin;
};

class SoftHsmStore final {
public:
    explicit SoftHsmStore(const SoftHsmOptions& options = {});
    // A private copy of the template store `name`, which `build` fills (once per build tree)
    // while SOFTHSM2_CONF points at it. Bump `name` when `build` changes.
    static std::unique_ptr<SoftHsmStore> copy_of_template(const std::string& name, const SoftHsmOptions& options,
                                                          const std::function<void()>& build);
    ~SoftHsmStore();
    SoftHsmStore(const SoftHsmStore&) = delete;
    SoftHsmStore& operator=(const SoftHsmStore&) = delete;

    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return m_dir.path(); }
    [[nodiscard]] std::filesystem::path conf_path() const { return m_dir.path() / "softhsm2.conf"; }
    // {"SOFTHSM2_CONF": conf_path()} for run_process.
    [[nodiscard]] std::map<std::string, std::optional<std::string>> env() const;
    // Rewrites slots.mechanisms (takes effect at the module's next C_Initialize).
    void set_mechanisms(const std::string& mechanisms) const;
    // A 0600 file holding `pin` (default: the fixture user PIN) inside the store directory.
    [[nodiscard]] std::filesystem::path write_pin_file(const std::string& pin = k_test_user_pin,
                                                       const std::string& name = "user.pin") const;

private:
    struct CopyTag {};
    SoftHsmStore(CopyTag, const std::filesystem::path& from);
    void activate();

    TempDir m_dir;
    std::optional<std::string> m_previous_conf;
};

}  // namespace tufkey::testing
