// The same token behaviour on every module tufkey is proven on (SoftHSM2 and a software TPM 2.0
// through tpm2-pkcs11; tests/support/test_token.h): PIN handling, a wrong PIN reported once and
// never retried, two sessions on one token, the token's store taken away while in use, key
// generation read back and checked whatever template the token accepted, and keys tufkey
// generated used by libp11 and pkcs11-tool. Plus what only the TPM shows: no Ed25519, refused
// up front with the key types it offers.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "token_fixture.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::testing {
namespace {

using core::HashAlgorithm;
using core::SignatureEncoding;
using Clock = std::chrono::steady_clock;

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

std::shared_ptr<pkcs11::Session> open_session(const TestToken& token, bool rw) {
    auto module = pkcs11::Module::open(token.module_path());
    EXPECT_TRUE(module.ok()) << (module ? "" : module.error().message);
    if (!module) return nullptr;
    auto slot = pkcs11::select_token(*module, token_uri(token.label()));
    EXPECT_TRUE(slot.ok()) << (slot ? "" : slot.error().message);
    if (!slot) return nullptr;
    auto session = pkcs11::Session::open(*slot, rw);
    EXPECT_TRUE(session.ok()) << (session ? "" : session.error().message);
    return session ? *session : nullptr;
}

pkcs11::KeyObject generate(pkcs11::Session& session, core::KeyType type, const std::string& label, core::Bytes id) {
    pkcs11::KeyGenRequest request;
    request.type = type;
    request.label = label;
    request.id = std::move(id);
    auto key = pkcs11::generate_key_pair(session, request);
    EXPECT_TRUE(key.ok()) << key.error().message;
    return key ? *key : pkcs11::KeyObject{};
}

ProcessOptions with_token(const TestToken& token) {
    ProcessOptions po;
    po.env = token.env();
    po.timeout = std::chrono::seconds(60);
    return po;
}

class AcrossTokens : public ::testing::TestWithParam<TokenModule> {};

TEST_P(AcrossTokens, PinComesFromThePinSourceOnceAndNeverShowsInErrors) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    auto session = open_session(*token, false);
    ASSERT_TRUE(session);
    EXPECT_TRUE(session->token().flags.login_required);
    CountingPins pins(k_test_user_pin);
    auto login = session->login(pins);
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(pins.calls, 1);
    EXPECT_TRUE(session->logged_in());
}

TEST_P(AcrossTokens, WrongPinIsReportedOnceAndNeverRetried) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    {
        auto session = open_session(*token, false);
        ASSERT_TRUE(session);
        CountingPins wrong("13572468");
        auto login = session->login(wrong);
        ASSERT_FALSE(login.ok());
        expect_one_line_token_error(login.error());
        EXPECT_EQ(wrong.calls, 1);  // asked once, tried once
        EXPECT_EQ(login.error().ck_rv, pkcs11::ckr::pin_incorrect);
        EXPECT_TRUE(contains(login.error().message, "wrong PIN")) << login.error().message;
        EXPECT_FALSE(contains(login.error().message, "13572468"));
        EXPECT_FALSE(session->logged_in());
    }
    // The right PIN still works afterwards: one wrong try did not lock the token.
    auto session = open_session(*token, false);
    ASSERT_TRUE(session);
    CountingPins right(k_test_user_pin);
    auto login = session->login(right);
    EXPECT_TRUE(login.ok()) << login.error().message;
}

TEST_P(AcrossTokens, TwoSessionsOnOneTokenBothSign) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    auto first = open_logged_in(*token);
    ASSERT_TRUE(first);
    const auto key = generate(*first, core::KeyType::ecdsa_p256, "root", {0x01});
    ASSERT_TRUE(key.public_key);
    // A second session of the same application shares the login (PKCS#11 logs in per token).
    auto slot = pkcs11::select_token(first->slot().module(), token_uri(token->label()));
    ASSERT_TRUE(slot.ok()) << slot.error().message;
    auto second = pkcs11::Session::open(*slot, false);
    ASSERT_TRUE(second.ok()) << second.error().message;
    auto found = pkcs11::find_key(**second, *pkcs11::Uri::parse("pkcs11:object=root;id=%01"));
    ASSERT_TRUE(found.ok()) << found.error().message;
    auto signer_one = pkcs11::TokenSigner::create(first, key);
    auto signer_two = pkcs11::TokenSigner::create(*second, *found);
    ASSERT_TRUE(signer_one.ok() && signer_two.ok());
    const core::SignatureScheme scheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
    for (int i = 0; i < 3; ++i) {  // interleaved
        auto a = (*signer_one)->sign(scheme, core::as_bytes("one"));
        auto b = (*signer_two)->sign(scheme, core::as_bytes("two"));
        ASSERT_TRUE(a.ok()) << a.error().message;
        ASSERT_TRUE(b.ok()) << b.error().message;
        EXPECT_TRUE(key.public_key->verify(scheme, core::as_bytes("one"), *a).ok());
        EXPECT_TRUE(key.public_key->verify(scheme, core::as_bytes("two"), *b).ok());
    }
}

TEST_P(AcrossTokens, StoreRemovedWhileInUseIsOneClearErrorNotACrash) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    auto session = open_logged_in(*token);
    ASSERT_TRUE(session);
    const auto key = generate(*session, core::KeyType::ecdsa_p256, "root", {0x01});
    auto signer = pkcs11::TokenSigner::create(session, key);
    ASSERT_TRUE(signer.ok());
    std::filesystem::remove_all(token->store_dir());
    const auto start = Clock::now();
    // Generating writes to the store: every module must now refuse, in one line.
    pkcs11::KeyGenRequest request;
    request.label = "second";
    request.id = {0x02};
    auto second = pkcs11::generate_key_pair(*session, request);
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(20));
    if (second.ok()) {
        // tpm2-pkcs11 keeps its sqlite file open; a key made into the removed file is gone with
        // it. What matters: the next process sees no token, clearly (below).
        EXPECT_EQ(GetParam(), TokenModule::tpm);
    } else {
        expect_one_line_token_error(second.error());
    }
    session.reset();
    signer->reset();
    auto module = pkcs11::Module::open(token->module_path());
    if (!module) {
        expect_one_line_token_error(module.error());
        return;
    }
    auto slot = pkcs11::select_token(*module, token_uri(token->label()));
    ASSERT_FALSE(slot.ok());
    expect_one_line_token_error(slot.error());
    EXPECT_TRUE(contains(slot.error().message, "no token")) << slot.error().message;
}

TEST_P(AcrossTokens, Libp11SignsWithAKeyTufkeyGenerated) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    std::optional<core::PublicKey> pub;
    {
        auto session = open_logged_in(*token);
        ASSERT_TRUE(session);
        pub = generate(*session, core::KeyType::ecdsa_p256, "tufkey-p256", {0x21}).public_key;
        ASSERT_TRUE(pub);
    }
    TempDir dir("tufkey-libp11");
    write_text(dir / "msg", "signed by libp11 with a tufkey key");
    const auto run = run_process({TUFKEY_LIBP11_SIGN, token->module_path(), token->label(), "tufkey-p256",
                                  token->write_pin_file().string(), (dir / "msg").string(), (dir / "sig").string()},
                                 with_token(*token));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(pub->verify({HashAlgorithm::sha256, SignatureEncoding::ecdsa_der},
                            core::as_bytes(read_text(dir / "msg")), core::to_bytes(read_text(dir / "sig")))
                    .ok());
}

TEST_P(AcrossTokens, Pkcs11ToolSignsWithAKeyTufkeyGenerated) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    std::optional<core::PublicKey> pub;
    {
        auto session = open_logged_in(*token);
        ASSERT_TRUE(session);
        pub = generate(*session, core::KeyType::ecdsa_p384, "tufkey-p384", {0x22}).public_key;
        ASSERT_TRUE(pub);
    }
    TempDir dir("tufkey-p11tool");
    const std::string message = "signed by pkcs11-tool";
    const auto digest = core::digest(HashAlgorithm::sha384, core::as_bytes(message));
    write_text(dir / "digest", std::string(digest.begin(), digest.end()));
    // The PIN goes through a file descriptor-free route: pkcs11-tool reads it from --pin, which
    // a test may use (a test PIN, never a real one).
    const auto run = run_process(
        {"pkcs11-tool", "--module", token->module_path(), "--token-label", token->label(), "--login", "--pin",
         k_test_user_pin, "--sign", "--mechanism", "ECDSA", "--label", "tufkey-p384", "--signature-format", "openssl",
         "--input-file", (dir / "digest").string(), "--output-file", (dir / "sig").string()},
        with_token(*token));
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_TRUE(pub->verify({HashAlgorithm::sha384, SignatureEncoding::ecdsa_der}, core::as_bytes(message),
                            core::to_bytes(read_text(dir / "sig")))
                    .ok());
}

std::string module_name(const ::testing::TestParamInfo<TokenModule>& info) { return to_string(info.param); }

INSTANTIATE_TEST_SUITE_P(SoftHsm, AcrossTokens, ::testing::Values(TokenModule::softhsm), module_name);
INSTANTIATE_TEST_SUITE_P(Tpm, AcrossTokens, ::testing::Values(TokenModule::tpm), module_name);

// What only the TPM shows.
class TpmOnly : public ::testing::TestWithParam<TokenModule> {};

TEST_P(TpmOnly, Ed25519IsRefusedUpFrontNamingTheKeyTypesOffered) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    auto session = open_logged_in(*token);
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.type = core::KeyType::ed25519;
    request.label = "root";
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_FALSE(key.ok());
    expect_one_line_token_error(key.error());
    EXPECT_TRUE(contains(key.error().message, "does not support CKM_EC_EDWARDS_KEY_PAIR_GEN")) << key.error().message;
    EXPECT_TRUE(contains(key.error().message, "it offers key types: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072"))
        << key.error().message;
    EXPECT_FALSE(contains(key.error().message, "rsa-4096")) << key.error().message;
    auto keys = pkcs11::list_keys(*session);
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(keys->empty());  // nothing was tried on the token
}

TEST_P(TpmOnly, StrictTemplateAloneIsRefusedAndLeavesNothingBehind) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    auto session = open_logged_in(*token);
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.label = "root";
    request.id = {0x01};
    request.profile = pkcs11::TemplateProfile::strict;  // no fallback
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_FALSE(key.ok());
    expect_one_line_token_error(key.error());
    EXPECT_TRUE(contains(key.error().message, "refused every key template tufkey tries (strict: CKR_GENERAL_ERROR)"))
        << key.error().message;
    auto keys = pkcs11::list_keys(*session);
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(keys->empty());
    // With the fallback the same request succeeds, and the key is checked.
    request.profile.reset();
    auto fallback = pkcs11::generate_key_pair(*session, request);
    ASSERT_TRUE(fallback.ok()) << fallback.error().message;
    EXPECT_EQ(fallback->generation->profile, pkcs11::TemplateProfile::token_usages);
    EXPECT_TRUE(fallback->attributes->generated_on_token());
}

TEST_P(TpmOnly, AlwaysAuthenticateSurvivesTheFallback) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam());
    auto session = open_logged_in(*token);
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.label = "root";
    request.id = {0x01};
    request.always_authenticate = true;
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->generation->profile, pkcs11::TemplateProfile::token_usages);
    EXPECT_TRUE(key->attributes->always_authenticate);
    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok());
    const core::SignatureScheme scheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
    auto sig = (*signer)->sign(scheme, core::as_bytes("m"));
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(key->public_key->verify(scheme, core::as_bytes("m"), *sig).ok());
}

INSTANTIATE_TEST_SUITE_P(Tpm, TpmOnly, ::testing::Values(TokenModule::tpm), module_name);

}  // namespace
}  // namespace tufkey::testing
