// TestToken: one hermetic PKCS#11 token for a test, on either module tufkey is proven on:
// SoftHSM2 (SoftHsmStore) or a software TPM 2.0 through tpm2-pkcs11 (TpmToken).
//
// Tests parameterised over tokens take a TokenModule parameter and instantiate twice, with the
// instantiation names the CTest labels key on (cmake/TufkeyTesting.cmake, TOKEN_MODULES):
//
//     INSTANTIATE_TEST_SUITE_P(SoftHsm, MySuite, ::testing::Values(TokenModule::softhsm));
//     INSTANTIATE_TEST_SUITE_P(Tpm, MySuite, ::testing::Values(TokenModule::tpm));
//
// so "SoftHsm/..." tests carry the label token-softhsm and "Tpm/..." tests token-tpm.
// Features differ per token: offers() says which key types the token can make (the TPM has no
// Ed25519 and no RSA-4096); a test asks it instead of hard-coding module names.
//
// A TPM that cannot start fails the test (TUFKEY_REQUIRE_TOKEN), unless TUFKEY_SKIP_TPM=1 is
// set, which skips it and says so: a missing TPM is a broken setup, not a reason to pass.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "softhsm_store.h"
#include "tpm_token.h"
#include "tufkey/core/key_type.h"

namespace tufkey::testing {

enum class TokenModule { softhsm, tpm };

// "SoftHsm", "Tpm" (the instantiation names above).
std::string to_string(TokenModule module);
// For GoogleTest: test names stay stable ("# GetParam() = Tpm" instead of raw bytes).
inline void PrintTo(TokenModule module, std::ostream* os) { *os << to_string(module); }

class TestToken {
public:
    virtual ~TestToken() = default;
    [[nodiscard]] virtual TokenModule kind() const noexcept = 0;
    [[nodiscard]] virtual std::string module_path() const = 0;
    [[nodiscard]] virtual std::string label() const = 0;
    // Variables that select this token, for child processes (tufkey, pkcs11-tool, libp11).
    [[nodiscard]] virtual std::map<std::string, std::optional<std::string>> env() const = 0;
    // Where the token's objects live: SoftHSM's token directory, the TPM token's sqlite store.
    [[nodiscard]] virtual std::filesystem::path store_dir() const = 0;
    // The key types this token can generate and sign with.
    [[nodiscard]] virtual bool offers(core::KeyType type) const noexcept = 0;
    // A 0600 file holding `pin` (default: the test user PIN).
    [[nodiscard]] std::filesystem::path write_pin_file(const std::string& pin = k_test_user_pin,
                                                       const std::string& name = "user.pin") const;

protected:
    [[nodiscard]] virtual std::filesystem::path scratch_dir() const = 0;
};

// A new token labelled `label`. SoftHSM: `more_softhsm_labels` are further tokens in the same
// store (one SOFTHSM2_CONF selects one store per process, so tokens used together share it);
// the TPM has one token and ignores them. Throws std::runtime_error when a TPM cannot start.
std::unique_ptr<TestToken> make_test_token(TokenModule module, const std::string& label = "tufkey-test",
                                           const std::vector<std::string>& more_softhsm_labels = {});

// Whether TUFKEY_SKIP_TPM asks to skip tests that need a TPM which cannot start.
inline bool tpm_skip_allowed() {
    const char* skip = std::getenv("TUFKEY_SKIP_TPM");
    return skip != nullptr && std::string(skip) == "1";
}

// In a TEST body: `var` = make_test_token(module, label...); a TPM that cannot start fails
// the test with the fixture's logs, or skips it under TUFKEY_SKIP_TPM=1.
#define TUFKEY_REQUIRE_TOKEN(var, ...)                                                                \
    std::unique_ptr<::tufkey::testing::TestToken> var;                                                \
    try {                                                                                             \
        var = ::tufkey::testing::make_test_token(__VA_ARGS__);                                        \
    } catch (const std::exception& e) {                                                               \
        if (::tufkey::testing::tpm_skip_allowed()) GTEST_SKIP() << "TUFKEY_SKIP_TPM=1: " << e.what(); \
        FAIL() << e.what() << " (set TUFKEY_SKIP_TPM=1 to skip the TPM tests on purpose)";            \
    }                                                                                                 \
    do {                                                                                              \
    } while (0)

}  // namespace tufkey::testing
