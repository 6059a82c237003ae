// Every token failure is one clear line, ErrorCode::token (exit 3), the raw CK_RV where there is
// one, and comes back quickly: never a hang or a crash.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "token_fixture.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto k_bound = std::chrono::seconds(10);

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_one_line_token_error(const core::Error& e) {
    EXPECT_EQ(e.code, core::ErrorCode::token) << e.message;
    EXPECT_EQ(core::exit_code(e.code), 3);
    EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
}

class CountingPins final : public pkcs11::PinSource {
public:
    explicit CountingPins(std::string pin) : m_pin(std::move(pin)) {}
    core::Result<core::SecretBytes> pin_for(const pkcs11::TokenInfo&) override {
        ++calls;
        return core::SecretBytes::copy_of(m_pin);
    }
    int calls = 0;

private:
    std::string m_pin;
};

TEST(TokenFailures, MissingModulePathIsCheckedBeforeLoading) {
    const auto start = Clock::now();
    auto module = pkcs11::Module::open("/nonexistent/lib/libnothing-pkcs11.so");
    ASSERT_FALSE(module.ok());
    expect_one_line_token_error(module.error());
    EXPECT_TRUE(contains(module.error().message, "no PKCS#11 module at /nonexistent/lib/libnothing-pkcs11.so"));
    EXPECT_LT(Clock::now() - start, k_bound);
}

TEST(TokenFailures, ALibraryThatIsNotAModuleIsRefused) {
    const std::string libz = "/usr/lib/x86_64-linux-gnu/libz.so.1";
    ASSERT_TRUE(std::filesystem::exists(libz));
    auto module = pkcs11::Module::open(libz);
    ASSERT_FALSE(module.ok());
    expect_one_line_token_error(module.error());
    EXPECT_TRUE(contains(module.error().message, "is not a PKCS#11 module (it has no C_GetFunctionList)"));
}

TEST(TokenFailures, AFileThatIsNotALibraryIsRefused) {
    TempDir dir("tufkey-notlib");
    write_text(dir / "fake.so", "not an ELF file");
    auto module = pkcs11::Module::open((dir / "fake.so").string());
    ASSERT_FALSE(module.ok());
    expect_one_line_token_error(module.error());
    EXPECT_TRUE(contains(module.error().message, "is not a loadable PKCS#11 module"));
}

TEST(TokenFailures, Ykcs11WithoutAYubiKeySaysWhatIsMissing) {
    const std::string ykcs11 = "/usr/lib/x86_64-linux-gnu/libykcs11.so";
    ASSERT_TRUE(std::filesystem::exists(ykcs11));
    const auto start = Clock::now();
    auto module = pkcs11::Module::open(ykcs11);
    ASSERT_TRUE(module.ok()) << module.error().message;
    EXPECT_TRUE((*module)->is_yubico_piv());
    EXPECT_EQ(pkcs11::profile_for(**module), pkcs11::TemplateProfile::minimal);
    auto slot = pkcs11::select_token(*module, pkcs11::Uri{});
    ASSERT_FALSE(slot.ok());
    expect_one_line_token_error(slot.error());
    if (slot.error().ck_rv == pkcs11::ckr::device_error) {
        EXPECT_TRUE(contains(slot.error().message, "cannot reach PC/SC (is pcscd running?)")) << slot.error().message;
    } else {  // pcscd is running on this machine but no YubiKey is attached
        EXPECT_TRUE(contains(slot.error().message, "no token found")) << slot.error().message;
    }
    EXPECT_LT(Clock::now() - start, k_bound);
}

TEST(TokenFailures, UninitialisedTokenIsReportedNotOpened) {
    SoftHsmOptions options;
    options.labels.clear();
    SoftHsmStore store(options);
    const auto start = Clock::now();
    auto module = pkcs11::Module::open(k_softhsm_module);
    ASSERT_TRUE(module.ok()) << module.error().message;
    auto slot = pkcs11::select_token(*module, pkcs11::Uri{});
    ASSERT_FALSE(slot.ok());
    expect_one_line_token_error(slot.error());
    EXPECT_TRUE(contains(slot.error().message, "is not initialised")) << slot.error().message;
    EXPECT_EQ(slot.error().ck_rv, pkcs11::ckr::token_not_recognized);
    EXPECT_LT(Clock::now() - start, k_bound);
}

TEST(TokenFailures, UnknownTokenLabelListsTheTokensPresent) {
    SoftHsmOptions options;
    options.labels = {"alpha", "beta"};
    SoftHsmStore store(options);
    auto module = pkcs11::Module::open(k_softhsm_module);
    ASSERT_TRUE(module.ok());
    auto slot = pkcs11::select_token(*module, token_uri("gamma"));
    ASSERT_FALSE(slot.ok());
    expect_one_line_token_error(slot.error());
    EXPECT_TRUE(contains(slot.error().message, "'alpha'")) << slot.error().message;
    EXPECT_TRUE(contains(slot.error().message, "'beta'"));
    auto several = pkcs11::select_token(*module, pkcs11::Uri{});
    ASSERT_FALSE(several.ok());
    EXPECT_TRUE(contains(several.error().message, "several tokens")) << several.error().message;
    EXPECT_TRUE(pkcs11::select_token(*module, token_uri("beta")).ok());
}

TEST(TokenFailures, WrongPinIsReportedOnceWithTheTokenFlagsAndNeverRetried) {
    SoftHsmStore store;
    auto module = pkcs11::Module::open(k_softhsm_module);
    ASSERT_TRUE(module.ok());
    auto slot = pkcs11::select_token(*module, token_uri());
    ASSERT_TRUE(slot.ok());
    auto session = pkcs11::Session::open(*slot, false);
    ASSERT_TRUE(session.ok());
    CountingPins wrong("wrong-pin-98765");
    auto login = (*session)->login(wrong);
    ASSERT_FALSE(login.ok());
    expect_one_line_token_error(login.error());
    EXPECT_EQ(wrong.calls, 1);
    EXPECT_EQ(login.error().ck_rv, pkcs11::ckr::pin_incorrect);
    EXPECT_TRUE(contains(login.error().message, "wrong PIN for token 'tufkey-test'")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "few tries left")) << login.error().message;  // SoftHSM's count-low
    EXPECT_FALSE(contains(login.error().message, "wrong-pin-98765"));
    EXPECT_FALSE((*session)->logged_in());

    // The next login, with the right PIN, warns that tries are running low.
    CountingPins right(k_test_user_pin);
    auto again = (*session)->login(right);
    ASSERT_TRUE(again.ok()) << again.error().message;
    ASSERT_FALSE(again->warnings.empty());
    EXPECT_TRUE(contains(again->warnings.front(), "wrong PIN was entered"));
}

TEST(TokenFailures, WellKnownDefaultPinDrawsAWarning) {
    SoftHsmOptions options;
    options.user_pin = "123456";
    SoftHsmStore store(options);
    auto module = pkcs11::Module::open(k_softhsm_module);
    ASSERT_TRUE(module.ok());
    auto slot = pkcs11::select_token(*module, token_uri());
    ASSERT_TRUE(slot.ok());
    auto session = pkcs11::Session::open(*slot, false);
    ASSERT_TRUE(session.ok());
    CountingPins pins("123456");
    auto login = (*session)->login(pins);
    ASSERT_TRUE(login.ok()) << login.error().message;
    ASSERT_EQ(login->warnings.size(), 1u);
    EXPECT_TRUE(contains(login->warnings.front(), "well-known default PIN"));
    EXPECT_FALSE(contains(login->warnings.front(), "123456"));
}

TEST(TokenFailures, KeyNotFoundListsTheKeysThere) {
    SoftHsmStore store;
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.label = "root";
    request.id = {0x01};
    ASSERT_TRUE(pkcs11::generate_key_pair(*session, request).ok());
    auto missing = pkcs11::find_key(*session, *pkcs11::Uri::parse("pkcs11:token=tufkey-test;object=nope"));
    ASSERT_FALSE(missing.ok());
    expect_one_line_token_error(missing.error());
    EXPECT_TRUE(contains(missing.error().message, "no key matches")) << missing.error().message;
    EXPECT_TRUE(contains(missing.error().message, "'root' (id 01, ecdsa-p256)")) << missing.error().message;
}

TEST(TokenFailures, UnsupportedMechanismNamesItAndTheKeyTypesOffered) {
    SoftHsmOptions options;
    options.mechanisms = "-CKM_EDDSA,-CKM_EC_EDWARDS_KEY_PAIR_GEN";
    SoftHsmStore store(options);
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.type = core::KeyType::ed25519;
    request.label = "root";
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_FALSE(key.ok());
    expect_one_line_token_error(key.error());
    EXPECT_TRUE(contains(key.error().message, "does not support CKM_EC_EDWARDS_KEY_PAIR_GEN")) << key.error().message;
    EXPECT_TRUE(contains(key.error().message, "ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096"))
        << key.error().message;
    EXPECT_FALSE(contains(key.error().message, "ed25519;"));
    EXPECT_EQ(key.error().ck_rv, pkcs11::ckr::mechanism_invalid);
}

TEST(TokenFailures, SigningWithAMechanismTheTokenLacksNamesIt) {
    SoftHsmStore store;
    {
        auto session = open_logged_in();
        ASSERT_TRUE(session);
        pkcs11::KeyGenRequest request;
        request.type = core::KeyType::ed25519;
        request.label = "ed";
        ASSERT_TRUE(pkcs11::generate_key_pair(*session, request).ok());
    }  // the module is finalised here, so the next open re-reads the configuration
    store.set_mechanisms("-CKM_EDDSA");
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    auto key = pkcs11::find_key(*session, *pkcs11::Uri::parse("pkcs11:object=ed"));
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok());
    auto sig = (*signer)->sign({core::HashAlgorithm::sha256, core::SignatureEncoding::ed25519}, core::as_bytes("m"));
    ASSERT_FALSE(sig.ok());
    expect_one_line_token_error(sig.error());
    EXPECT_TRUE(contains(sig.error().message, "does not support CKM_EDDSA")) << sig.error().message;
}

TEST(TokenFailures, GeneratingWithoutLoginSaysTheUserIsNotLoggedIn) {
    SoftHsmStore store;
    auto module = pkcs11::Module::open(k_softhsm_module);
    ASSERT_TRUE(module.ok());
    auto slot = pkcs11::select_token(*module, token_uri());
    ASSERT_TRUE(slot.ok());
    auto session = pkcs11::Session::open(*slot, true);
    ASSERT_TRUE(session.ok());
    pkcs11::KeyGenRequest request;
    request.label = "root";
    auto key = pkcs11::generate_key_pair(**session, request);
    ASSERT_FALSE(key.ok());
    expect_one_line_token_error(key.error());
    EXPECT_EQ(key.error().ck_rv, pkcs11::ckr::user_not_logged_in);
    EXPECT_TRUE(contains(key.error().message, "needs a user login")) << key.error().message;
}

TEST(TokenFailures, TokenRemovedBetweenStepsIsReportedNotCrashed) {
    SoftHsmStore store;
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.label = "root";
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok());
    // SoftHSM's token is a directory: taking it away is the closest thing to pulling the device.
    std::filesystem::remove_all(store.dir() / "tokens");
    const auto start = Clock::now();
    auto sig = (*signer)->sign({core::HashAlgorithm::sha256, core::SignatureEncoding::ecdsa_der}, core::as_bytes("m"));
    ASSERT_FALSE(sig.ok());
    expect_one_line_token_error(sig.error());
    EXPECT_TRUE(contains(sig.error().message, "was the token removed")) << sig.error().message;
    EXPECT_LT(Clock::now() - start, k_bound);
}

TEST(ModuleDiscovery, PicksTheOneModuleWithATokenAndAsksWhenThereAreSeveral) {
    SoftHsmStore store;
    TempDir dir("tufkey-modules");
    const auto twin = dir / "libsofthsm2-twin.so";
    std::filesystem::create_symlink(k_softhsm_module, twin);
    const std::string ykcs11 = "/usr/lib/x86_64-linux-gnu/libykcs11.so";
    auto one = pkcs11::resolve_module_path("", {"/nonexistent/libnothing.so", ykcs11, k_softhsm_module});
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(*one, k_softhsm_module);
    auto several = pkcs11::resolve_module_path("", {k_softhsm_module, twin.string()});
    ASSERT_FALSE(several.ok());
    expect_one_line_token_error(several.error());
    EXPECT_TRUE(contains(several.error().message, "several PKCS#11 modules have a token")) << several.error().message;
    EXPECT_TRUE(contains(several.error().message, twin.string()));
    EXPECT_TRUE(contains(several.error().message, "--module"));
    auto none = pkcs11::resolve_module_path("", {"/nonexistent/libnothing.so", ykcs11});
    ASSERT_FALSE(none.ok());
    expect_one_line_token_error(none.error());
    EXPECT_TRUE(contains(none.error().message, "/nonexistent/libnothing.so: not installed")) << none.error().message;
    auto configured = pkcs11::resolve_module_path("/opt/vendor/lib.so", {k_softhsm_module});
    ASSERT_TRUE(configured.ok());
    EXPECT_EQ(*configured, "/opt/vendor/lib.so");
}

TEST(TokenFailures, CkrNamesComeFromTheTable) {
    EXPECT_EQ(pkcs11::ck_rv_name(0xA0), "CKR_PIN_INCORRECT");
    EXPECT_EQ(pkcs11::ck_rv_name(0x30), "CKR_DEVICE_ERROR");
    EXPECT_EQ(pkcs11::ck_rv_name(0x101), "CKR_USER_NOT_LOGGED_IN");
    EXPECT_EQ(pkcs11::ck_rv_name(0x80000005), "CKR_VENDOR_DEFINED+0x5");
}

}  // namespace
}  // namespace tufkey::testing
