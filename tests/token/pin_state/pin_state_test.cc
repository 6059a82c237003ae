// Session::login against PIN states SoftHSM2 cannot reach: a YubiKey-style retry counter
// (count-low at 2 tries left, final-try at 1, locked at 0) emulated by the test-only
// pin_state_shim module (tests/token/pin_state_shim), which forwards everything else to a
// real SoftHSM2 store made for each test.
//
// What is proven: the PIN flags reach TokenInfo live; a wrong PIN costs exactly one C_Login
// (never retried) and the error reports the flags the token shows afterwards; a locked PIN is
// refused before the PIN is even asked for; final-try and count-low draw a warning and still
// log in with one attempt; the default-PIN warning; a module that reports no flags but answers
// CKR_PIN_LOCKED; and that the real SoftHSM behind the shim does the cryptography.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "shim_state.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/core/bytes.h"
#include "tufkey/core/signature_scheme.h"
#include "tufkey/pkcs11/errors.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token.h"
#include "tufkey/pkcs11/token_signer.h"

namespace tufkey::testing {
namespace {

constexpr const char* k_label = "pin-test";
constexpr const char* k_pin = "pin-24680-shim";      // the token's user PIN
constexpr const char* k_wrong = "wrong-13579-shim";  // never the PIN

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A PinSource that counts how often it is asked.
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

class PinStateApi : public ::testing::Test {
protected:
    void SetUp() override { make_store(k_pin); }

    void TearDown() override {
        ::unsetenv("TUFKEY_SHIM_STATE");
        ::unsetenv("TUFKEY_SHIM_TARGET");
    }

    void make_store(const std::string& user_pin) {
        SoftHsmOptions options;
        options.labels = {k_label};
        options.user_pin = user_pin;
        m_store.reset();
        m_store = std::make_unique<SoftHsmStore>(options);
        m_state = m_store->dir() / "shim.state";
        ::setenv("TUFKEY_SHIM_STATE", m_state.c_str(), 1);
        ::setenv("TUFKEY_SHIM_TARGET", k_softhsm_module, 1);
    }

    void set_state(long tries, long logins = 0, bool report_flags = true) {
        write_shim_state(m_state, ShimState{tries, logins, report_flags});
    }
    [[nodiscard]] ShimState state() const { return read_shim_state(m_state); }

    // The token behind the shim, found by label.
    static pkcs11::Slot slot() {
        auto module = pkcs11::Module::open(pin_state_shim_path());
        if (!module) throw std::runtime_error(module.error().message);
        pkcs11::Uri uri;
        uri.token = k_label;
        auto s = pkcs11::select_token(*module, uri);
        if (!s) throw std::runtime_error(s.error().message);
        return *s;
    }

    static std::shared_ptr<pkcs11::Session> session(bool rw = false) {
        auto s = pkcs11::Session::open(slot(), rw);
        if (!s) throw std::runtime_error(s.error().message);
        return *s;
    }

    static void expect_one_line_token_error(const core::Error& e) {
        EXPECT_EQ(e.code, core::ErrorCode::token) << e.message;
        EXPECT_EQ(core::exit_code(e.code), 3);
        EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
        EXPECT_FALSE(contains(e.message, k_pin)) << e.message;
        EXPECT_FALSE(contains(e.message, k_wrong)) << e.message;
    }

    std::unique_ptr<SoftHsmStore> m_store;
    std::filesystem::path m_state;
};

TEST_F(PinStateApi, TheShimIsLoadedAndReportsFlagsFromItsCounterLikeYkcs11) {
    auto module = pkcs11::Module::open(pin_state_shim_path());
    ASSERT_TRUE(module.ok()) << module.error().message;
    EXPECT_EQ((*module)->info().description, "tufkey pin-state test shim");
    EXPECT_EQ((*module)->info().manufacturer, "SoftHSM");

    struct Row {
        long tries;
        bool count_low, final_try, locked;
    };
    for (const Row& row : {Row{3, false, false, false}, Row{2, true, false, false}, Row{1, false, true, false},
                           Row{0, false, false, true}}) {
        set_state(row.tries);
        auto info = slot().token_info();
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->flags.pin_count_low, row.count_low) << "tries " << row.tries;
        EXPECT_EQ(info->flags.pin_final_try, row.final_try) << "tries " << row.tries;
        EXPECT_EQ(info->flags.pin_locked, row.locked) << "tries " << row.tries;
        EXPECT_TRUE(info->flags.initialized);
        EXPECT_TRUE(info->flags.login_required);
    }
}

TEST_F(PinStateApi, WrongPinIsOneAttemptAndTheErrorReportsCountLow) {
    set_state(3);
    auto s = session();
    CountingPins wrong(k_wrong);
    auto login = s->login(wrong);
    ASSERT_FALSE(login.ok());
    expect_one_line_token_error(login.error());
    EXPECT_EQ(login.error().ck_rv, pkcs11::ckr::pin_incorrect);
    EXPECT_TRUE(contains(login.error().message, "wrong PIN for token 'pin-test'")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "not retried")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "few tries left")) << login.error().message;
    EXPECT_FALSE(s->logged_in());
    EXPECT_EQ(wrong.calls, 1);
    EXPECT_EQ(state().logins, 1);  // exactly one C_Login: no automatic retry
    EXPECT_EQ(state().tries, 2);
}

TEST_F(PinStateApi, WrongPinWithTwoTriesLeftReportsTheFinalTry) {
    set_state(2);
    auto s = session();
    CountingPins wrong(k_wrong);
    auto login = s->login(wrong);
    ASSERT_FALSE(login.ok());
    expect_one_line_token_error(login.error());
    EXPECT_TRUE(contains(login.error().message, "wrong PIN")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "one more wrong PIN locks it")) << login.error().message;
    EXPECT_EQ(wrong.calls, 1);
    EXPECT_EQ(state().logins, 1);
    EXPECT_EQ(state().tries, 1);
}

TEST_F(PinStateApi, WrongPinOnTheFinalTryLocksItAndSaysHowToUnblock) {
    set_state(1);
    auto s = session();
    CountingPins wrong(k_wrong);
    auto login = s->login(wrong);
    ASSERT_FALSE(login.ok());
    expect_one_line_token_error(login.error());
    EXPECT_EQ(login.error().ck_rv, pkcs11::ckr::pin_incorrect);
    EXPECT_TRUE(contains(login.error().message, "the PIN is now locked")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "SO PIN or PUK")) << login.error().message;
    EXPECT_EQ(state().logins, 1);
    EXPECT_EQ(state().tries, 0);
}

TEST_F(PinStateApi, ALockedPinIsRefusedBeforeThePinIsAskedOrSent) {
    set_state(0, /*logins=*/7);
    auto s = session();
    CountingPins right(k_pin);  // even the right PIN must not be tried
    auto login = s->login(right);
    ASSERT_FALSE(login.ok());
    expect_one_line_token_error(login.error());
    EXPECT_EQ(login.error().ck_rv, pkcs11::ckr::pin_locked);
    EXPECT_TRUE(contains(login.error().message, "is locked")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "unblock it with the SO PIN or PUK")) << login.error().message;
    EXPECT_EQ(right.calls, 0);
    EXPECT_EQ(state().logins, 7);  // no C_Login at all
    EXPECT_EQ(state().tries, 0);
    EXPECT_FALSE(s->logged_in());
}

TEST_F(PinStateApi, FinalTryWarnsAndTheRightPinLogsInWithOneAttempt) {
    set_state(1);
    auto s = session();
    CountingPins right(k_pin);
    auto login = s->login(right);
    ASSERT_TRUE(login.ok()) << login.error().message;
    ASSERT_EQ(login->warnings.size(), 1u);
    EXPECT_TRUE(contains(login->warnings.front(), "one more wrong PIN locks it")) << login->warnings.front();
    EXPECT_TRUE(contains(login->warnings.front(), "'pin-test'")) << login->warnings.front();
    EXPECT_TRUE(s->logged_in());
    EXPECT_EQ(right.calls, 1);
    EXPECT_EQ(state().logins, 1);
    EXPECT_EQ(state().tries, 3);  // the right PIN resets the counter
}

TEST_F(PinStateApi, CountLowWarnsAndTheRightPinLogsIn) {
    set_state(2);
    auto s = session();
    CountingPins right(k_pin);
    auto login = s->login(right);
    ASSERT_TRUE(login.ok()) << login.error().message;
    ASSERT_EQ(login->warnings.size(), 1u);
    EXPECT_TRUE(contains(login->warnings.front(), "few tries are left")) << login->warnings.front();
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateApi, FullTriesAndAPrivatePinGiveNoWarning) {
    set_state(3);
    auto s = session();
    CountingPins right(k_pin);
    auto login = s->login(right);
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_TRUE(login->warnings.empty()) << login->warnings.front();
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateApi, AModuleThatReportsNoFlagsButAnswersPinLockedIsStillAClearError) {
    set_state(0, 0, /*report_flags=*/false);
    auto s = session();
    ASSERT_FALSE(s->token().flags.pin_locked);
    CountingPins right(k_pin);
    auto login = s->login(right);
    ASSERT_FALSE(login.ok());
    expect_one_line_token_error(login.error());
    EXPECT_EQ(login.error().ck_rv, pkcs11::ckr::pin_locked);
    EXPECT_TRUE(contains(login.error().message, "is locked")) << login.error().message;
    EXPECT_TRUE(contains(login.error().message, "SO PIN or PUK")) << login.error().message;
    EXPECT_EQ(state().logins, 1);  // nothing said "locked" before, so it was tried once
}

TEST_F(PinStateApi, TheDefaultPinDrawsAWarningThroughTheShim) {
    make_store("123456");
    set_state(3);
    auto s = session();
    CountingPins pins("123456");
    auto login = s->login(pins);
    ASSERT_TRUE(login.ok()) << login.error().message;
    ASSERT_EQ(login->warnings.size(), 1u);
    EXPECT_TRUE(contains(login->warnings.front(), "well-known default PIN")) << login->warnings.front();
    EXPECT_FALSE(contains(login->warnings.front(), "123456")) << login->warnings.front();
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateApi, SoftHsmBehindTheShimGeneratesAndSigns) {
    set_state(3);
    auto s = session(/*rw=*/true);
    CountingPins right(k_pin);
    ASSERT_TRUE(s->login(right).ok());
    pkcs11::KeyGenRequest request;
    request.label = "shim-key";
    request.id = {0x01};
    auto key = pkcs11::generate_key_pair(*s, request);
    ASSERT_TRUE(key.ok()) << key.error().message;
    ASSERT_TRUE(key->attributes && key->attributes->generated_on_token());
    auto signer = pkcs11::TokenSigner::create(s, *key);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    const core::SignatureScheme scheme{core::HashAlgorithm::sha256, core::SignatureEncoding::ecdsa_der};
    auto sig = (*signer)->sign(scheme, core::as_bytes("through the shim"));
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(key->public_key->verify(scheme, core::as_bytes("through the shim"), *sig).ok());
    EXPECT_FALSE(key->public_key->verify(scheme, core::as_bytes("through the shim!"), *sig).ok());
    EXPECT_EQ(state().logins, 1);
}

}  // namespace
}  // namespace tufkey::testing
