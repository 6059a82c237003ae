// Shared fixture for the pkcs11/ token tests: a fresh SoftHSM store (or TestToken) per test, the module, a
// logged-in read-write session on the token "tufkey-test", and an openssl-CLI verifier.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "process.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "test_token.h"
#include "tufkey/core/signature_scheme.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token.h"
#include "tufkey/pkcs11/token_signer.h"

namespace tufkey::testing {

inline pkcs11::Uri token_uri(const std::string& label = "tufkey-test") {
    pkcs11::Uri uri;
    uri.token = label;
    return uri;
}

inline std::unique_ptr<pkcs11::PinSource> test_pins(const std::string& pin = k_test_user_pin) {
    return std::make_unique<pkcs11::FixedPinSource>(core::SecretBytes::copy_of(pin));
}

// Opens the SoftHSM module, selects `label`, opens a session and logs in. Fails the test on
// any error.
inline std::shared_ptr<pkcs11::Session> open_logged_in(const std::string& label = "tufkey-test", bool rw = true) {
    auto module = pkcs11::Module::open(k_softhsm_module);
    EXPECT_TRUE(module.ok()) << (module ? "" : module.error().message);
    if (!module) return nullptr;
    auto slot = pkcs11::select_token(*module, token_uri(label));
    EXPECT_TRUE(slot.ok()) << (slot ? "" : slot.error().message);
    if (!slot) return nullptr;
    auto session = pkcs11::Session::open(*slot, rw);
    EXPECT_TRUE(session.ok()) << (session ? "" : session.error().message);
    if (!session) return nullptr;
    auto pins = test_pins();
    auto login = (*session)->login(*pins);
    EXPECT_TRUE(login.ok()) << (login ? "" : login.error().message);
    return *session;
}

// open_logged_in on a TestToken (SoftHSM or TPM): its module, its label, the test user PIN.
inline std::shared_ptr<pkcs11::Session> open_logged_in(const TestToken& token, bool rw = true) {
    auto module = pkcs11::Module::open(token.module_path());
    EXPECT_TRUE(module.ok()) << (module ? "" : module.error().message);
    if (!module) return nullptr;
    auto slot = pkcs11::select_token(*module, token_uri(token.label()));
    EXPECT_TRUE(slot.ok()) << (slot ? "" : slot.error().message);
    if (!slot) return nullptr;
    auto session = pkcs11::Session::open(*slot, rw);
    EXPECT_TRUE(session.ok()) << (session ? "" : session.error().message);
    if (!session) return nullptr;
    auto pins = test_pins();
    auto login = (*session)->login(*pins);
    EXPECT_TRUE(login.ok()) << (login ? "" : login.error().message);
    return *session;
}

// Verifies `sig` over `msg` with `pub` using the openssl command line tool.
inline ProcessResult openssl_verify(const TempDir& dir, const core::PublicKey& pub, const core::SignatureScheme& scheme,
                                    const std::string& msg, const core::Bytes& sig) {
    write_text(dir / "pub.pem", pub.to_pem());
    write_text(dir / "msg.bin", msg);
    write_text(dir / "sig.bin", std::string(sig.begin(), sig.end()));
    const std::string pub_path = (dir / "pub.pem").string();
    const std::string hash = core::to_string(scheme.hash);
    std::vector<std::string> argv;
    if (scheme.encoding == core::SignatureEncoding::ed25519) {
        argv = {"openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                pub_path,
                "-rawin",
                "-in",
                (dir / "msg.bin").string(),
                "-sigfile",
                (dir / "sig.bin").string()};
    } else {
        argv = {"openssl", "dgst", "-" + hash, "-verify", pub_path, "-signature", (dir / "sig.bin").string()};
        if (scheme.encoding == core::SignatureEncoding::rsa_pss) {
            argv.insert(argv.end(), {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest", "-sigopt",
                                     "rsa_mgf1_md:" + hash});
        }
        argv.push_back((dir / "msg.bin").string());
    }
    ProcessOptions options;
    options.timeout = std::chrono::seconds(30);
    return run_process(argv, options);
}

}  // namespace tufkey::testing
