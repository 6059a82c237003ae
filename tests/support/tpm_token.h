// TpmToken: a software TPM 2.0 with one tpm2-pkcs11 token, for tests that run on a second real
// PKCS#11 stack besides SoftHSM2.
//
// tests/fixtures/tpm/start-tpm.sh starts, inside this object's TempDir: swtpm (on two free TCP
// ports of 127.0.0.1, so suites run side by side), tpm2-abrmd on a private D-Bus session bus,
// and a token made by tpm2_ptool whose store is a sqlite file in <dir>/store. The token's user
// PIN is k_test_user_pin, its SO PIN k_test_so_pin (softhsm_store.h), like every test token.
//
// Selection: tpm2-pkcs11 reads TPM2_PKCS11_STORE and TPM2_PKCS11_TCTI at C_Initialize; the
// constructor sets them (and DBUS_SESSION_BUS_ADDRESS) in this process, the destructor restores
// them; env() gives them to child processes. As with SoftHsmStore, let go of every
// pkcs11::Module before the TpmToken goes.
//
// Lifetime: one TPM per TpmToken. CTest runs every test in a process of its own, so a suite
// that starts one per test (or in SetUpTestSuite) starts and stops it per test run. The
// destructor runs stop-tpm.sh; if the test process dies first, the fixture's watchdog stops
// the processes within a second.
//
// Starting needs the Debian packages scripts/setup installs (swtpm, tpm2-abrmd, tpm2-pkcs11,
// tpm2-tools); when it fails the constructor throws std::runtime_error with the logs.
// TUFKEY_REQUIRE_TPM (test_token.h) turns that into a test failure, or a skip when
// TUFKEY_SKIP_TPM=1 says so.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "temp_dir.h"

namespace tufkey::testing {

inline constexpr const char* k_tpm_module = "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";

class TpmToken final {
public:
    explicit TpmToken(const std::string& label = "tufkey-test");
    ~TpmToken();
    TpmToken(const TpmToken&) = delete;
    TpmToken& operator=(const TpmToken&) = delete;

    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return m_dir.path(); }
    [[nodiscard]] std::filesystem::path store_dir() const { return m_dir.path() / "store"; }
    [[nodiscard]] const std::string& label() const noexcept { return m_label; }
    [[nodiscard]] int port() const noexcept { return m_port; }
    // The variables that select this token, for ProcessOptions::env.
    [[nodiscard]] std::map<std::string, std::optional<std::string>> env() const { return m_env; }
    // Stops swtpm, tpm2-abrmd and the bus now (idempotent).
    void stop();

private:
    TempDir m_dir;
    std::string m_label;
    int m_port = 0;
    std::map<std::string, std::optional<std::string>> m_env;
    std::map<std::string, std::optional<std::string>> m_previous;
    bool m_running = false;
};

}  // namespace tufkey::testing
