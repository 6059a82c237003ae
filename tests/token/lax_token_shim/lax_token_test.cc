// A token that makes a key other than the one asked for (here: not sensitive) gets it deleted
// and refused, naming the attribute: through the pkcs11/ API and through `tufkey token generate`
// and `tufkey init`. The token is SoftHSM2 behind lax_token_shim (see lax_token_shim.cc).
#include <gtest/gtest.h>

#include "process.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token.h"

namespace tufkey::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(LaxToken, AKeyThatIsNotSensitiveIsDeletedAndRefusedNamingTheAttribute) {
    SoftHsmStore store;
    auto module = pkcs11::Module::open(TUFKEY_LAX_TOKEN_SHIM);
    ASSERT_TRUE(module.ok()) << module.error().message;
    pkcs11::Uri uri;
    uri.token = "tufkey-test";
    auto slot = pkcs11::select_token(*module, uri);
    ASSERT_TRUE(slot.ok()) << slot.error().message;
    auto session = pkcs11::Session::open(*slot, true);
    ASSERT_TRUE(session.ok());
    pkcs11::FixedPinSource pins(core::SecretBytes::copy_of(k_test_user_pin));
    ASSERT_TRUE((*session)->login(pins).ok());
    pkcs11::KeyGenRequest request;
    request.label = "root";
    request.id = {0x01};
    auto key = pkcs11::generate_key_pair(**session, request);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code, core::ErrorCode::token);
    EXPECT_EQ(core::exit_code(key.error().code), 3);
    EXPECT_EQ(key.error().message.find('\n'), std::string::npos);
    EXPECT_TRUE(contains(key.error().message, "with the strict template, but CKA_SENSITIVE is false"))
        << key.error().message;
    EXPECT_TRUE(contains(key.error().message, "tufkey deleted it")) << key.error().message;
    auto keys = pkcs11::list_keys(**session);
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(keys->empty()) << "the refused key pair must be gone from the token";
}

TEST(LaxToken, InitRefusesTheKeyAndLeavesNoRepository) {
    SoftHsmStore store;
    TempDir home("tufkey-lax-home");
    ProcessOptions options;
    options.env = store.env();
    options.env["TUFKEY_HOME"] = std::nullopt;
    options.env["TUFKEY_TARGETS_PASSPHRASE"] = "targets-passphrase";
    options.env["TUFKEY_SNAPSHOT_PASSPHRASE"] = "snapshot-passphrase";
    options.env["TUFKEY_TIMESTAMP_PASSPHRASE"] = "timestamp-passphrase";
    options.timeout = std::chrono::seconds(60);
    const auto pin = store.write_pin_file();
    const auto r = run_process(
        {tufkey_binary(), "--home", home.path().string(), "--module", TUFKEY_LAX_TOKEN_SHIM, "init", "example.com/app",
         "--root-key", "pkcs11:token=tufkey-test;object=root", "--pin-file", pin.string(), "-y"},
        options);
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "CKA_SENSITIVE is false")) << r.err;
    EXPECT_FALSE(std::filesystem::exists(home.path() / "tuf" / "example.com/app"));
    const auto keys = run_process({tufkey_binary(), "--home", home.path().string(), "--module", TUFKEY_LAX_TOKEN_SHIM,
                                   "token", "keys", "--token", "tufkey-test", "--pin-file", pin.string(), "--json"},
                                  options);
    EXPECT_EQ(keys.exit_code, 0) << keys.err;
    EXPECT_EQ(keys.out.find("\"root\""), std::string::npos) << keys.out;
}

}  // namespace
}  // namespace tufkey::testing
