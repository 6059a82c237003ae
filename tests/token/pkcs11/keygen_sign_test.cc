// Keys generated on a SoftHSM token: attributes read back, signatures verified in-process and by
// the openssl command line tool, always-authenticate keys, refusal to overwrite.
#include <gtest/gtest.h>

#include "token_fixture.h"
#include "tufkey/core/encoding.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::testing {
namespace {

using core::HashAlgorithm;
using core::KeyType;
using core::SignatureEncoding;
using core::SignatureScheme;

struct Case final {
    KeyType spec;
    core::KeyAlgorithm algorithm;
    std::vector<SignatureScheme> schemes;
};

std::vector<Case> cases() {
    return {
        {KeyType::ecdsa_p256,
         core::KeyAlgorithm::ecdsa_p256,
         {{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der},
          {HashAlgorithm::sha256, SignatureEncoding::ecdsa_raw}}},
        {KeyType::ecdsa_p384,
         core::KeyAlgorithm::ecdsa_p384,
         {{HashAlgorithm::sha384, SignatureEncoding::ecdsa_der},
          {HashAlgorithm::sha256, SignatureEncoding::ecdsa_raw}}},
        {KeyType::ed25519, core::KeyAlgorithm::ed25519, {{HashAlgorithm::sha256, SignatureEncoding::ed25519}}},
        {KeyType::rsa_3072,
         core::KeyAlgorithm::rsa,
         {{HashAlgorithm::sha256, SignatureEncoding::rsa_pss},
          {HashAlgorithm::sha256, SignatureEncoding::rsa_pkcs1v15}}},
    };
}

struct TokenCase final {
    TokenModule module;
    Case key;
};

void PrintTo(const TokenCase& c, std::ostream* os) { *os << to_string(c.module) << " " << core::to_string(c.key.spec); }

std::vector<TokenCase> token_cases(TokenModule module) {
    std::vector<TokenCase> out;
    for (const auto& c : cases()) {
        // The TPM has no EdDSA: TpmKeygen.Ed25519IsRefusedUpFrontNamingTheKeyTypesOffered.
        if (module == TokenModule::tpm && c.spec == KeyType::ed25519) continue;
        out.push_back({module, c});
    }
    return out;
}

class GenerateOnToken : public ::testing::TestWithParam<TokenCase> {};

TEST_P(GenerateOnToken, KeyStaysOnTokenAndSignaturesVerify) {
    const Case& c = GetParam().key;
    TUFKEY_REQUIRE_TOKEN(token, GetParam().module);
    TempDir work("tufkey-sig");
    auto session = open_logged_in(*token);
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.type = c.spec;
    request.label = "root";
    request.id = {0x01};
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->type, core::to_string(c.spec));
    EXPECT_EQ(key->label, "root");
    EXPECT_EQ(key->id, core::Bytes{0x01});
    ASSERT_TRUE(key->public_key.has_value());
    EXPECT_EQ(key->public_key->algorithm(), c.algorithm);
    if (c.spec == KeyType::rsa_3072) {
        EXPECT_EQ(key->public_key->bits(), 3072u);
    }
    ASSERT_TRUE(key->attributes.has_value());
    const auto& a = *key->attributes;
    EXPECT_TRUE(a.local);
    EXPECT_TRUE(a.never_extractable);
    EXPECT_TRUE(a.always_sensitive);
    EXPECT_TRUE(a.sensitive);
    EXPECT_FALSE(a.extractable);
    EXPECT_TRUE(a.sign);
    EXPECT_FALSE(a.always_authenticate);
    EXPECT_TRUE(a.generated_on_token());
    ASSERT_TRUE(key->generation.has_value());
    if (GetParam().module == TokenModule::softhsm) {
        // SoftHSM takes the strict template: sign only.
        EXPECT_EQ(key->generation->profile, pkcs11::TemplateProfile::strict);
        EXPECT_TRUE(key->generation->refused.empty());
        EXPECT_FALSE(a.decrypt);
        EXPECT_FALSE(a.unwrap);
        EXPECT_FALSE(a.derive);
    } else {
        // tpm2-pkcs11 refuses the strict template with CKR_GENERAL_ERROR (the TPM fixes the
        // usages); the next profile leaves the usages to the token and is accepted.
        EXPECT_EQ(key->generation->profile, pkcs11::TemplateProfile::token_usages);
        ASSERT_EQ(key->generation->refused.size(), 1u);
        EXPECT_EQ(key->generation->refused[0].first, pkcs11::TemplateProfile::strict);
        EXPECT_EQ(key->generation->refused[0].second, "CKR_GENERAL_ERROR");
    }
    const auto& read = key->generation->attributes;
    auto value_of = [&](const std::string& name) {
        for (const auto& [n, v] : read)
            if (n == name) return v;
        return std::string("missing");
    };
    EXPECT_EQ(value_of("CKA_LOCAL"), "true");
    EXPECT_EQ(value_of("CKA_SENSITIVE"), "true");
    EXPECT_EQ(value_of("CKA_EXTRACTABLE"), "false");
    EXPECT_EQ(value_of("CKA_NEVER_EXTRACTABLE"), "true");
    EXPECT_EQ(value_of("CKA_SIGN"), "true");
    EXPECT_EQ(key->uri.to_string().find("pin"), std::string::npos);

    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    const std::string message = "tufkey signs this on the token";
    for (const auto& scheme : c.schemes) {
        auto sig = (*signer)->sign(scheme, core::as_bytes(message));
        ASSERT_TRUE(sig.ok()) << sig.error().message;
        EXPECT_TRUE(key->public_key->verify(scheme, core::as_bytes(message), *sig).ok());
        EXPECT_FALSE(key->public_key->verify(scheme, core::as_bytes(message + "!"), *sig).ok());
        if (scheme.encoding == SignatureEncoding::ecdsa_raw) {
            EXPECT_EQ(sig->size(), 2 * key->public_key->ec_field_size());
            continue;  // the openssl CLI reads DER only
        }
        const auto cli = openssl_verify(work, *key->public_key, scheme, message, *sig);
        EXPECT_EQ(cli.exit_code, 0) << cli.out << cli.err;
        const auto tampered = openssl_verify(work, *key->public_key, scheme, message + "!", *sig);
        EXPECT_NE(tampered.exit_code, 0);
    }
}

std::string case_name(const ::testing::TestParamInfo<TokenCase>& param_info) {
    std::string name = core::to_string(param_info.param.key.spec);
    for (char& ch : name)
        if (ch == '-') ch = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(SoftHsm, GenerateOnToken, ::testing::ValuesIn(token_cases(TokenModule::softhsm)), case_name);
INSTANTIATE_TEST_SUITE_P(Tpm, GenerateOnToken, ::testing::ValuesIn(token_cases(TokenModule::tpm)), case_name);

TEST(TokenKeys, GeneratedKeyIsFoundAgainByUriInANewSession) {
    SoftHsmStore store;
    std::optional<core::PublicKey> generated;
    {
        auto session = open_logged_in();
        ASSERT_TRUE(session);
        pkcs11::KeyGenRequest request;
        request.label = "root";
        request.id = {0xab, 0xcd};
        auto key = pkcs11::generate_key_pair(*session, request);
        ASSERT_TRUE(key.ok()) << key.error().message;
        generated = key->public_key;
    }
    auto session = open_logged_in("tufkey-test", false);
    ASSERT_TRUE(session);
    auto uri = pkcs11::Uri::parse("pkcs11:token=tufkey-test;id=%AB%CD");
    ASSERT_TRUE(uri.ok());
    auto found = pkcs11::find_key(*session, *uri);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(found->label, "root");
    ASSERT_TRUE(found->public_key.has_value());
    EXPECT_EQ(*found->public_key, *generated);
    auto all = pkcs11::list_keys(*session);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 1u);
}

TEST(TokenKeys, RefusesToOverwriteAnExistingLabelOrId) {
    SoftHsmStore store;
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.label = "root";
    request.id = {0x01};
    ASSERT_TRUE(pkcs11::generate_key_pair(*session, request).ok());
    auto same_label = pkcs11::generate_key_pair(*session, request);
    ASSERT_FALSE(same_label.ok());
    EXPECT_EQ(same_label.error().code, core::ErrorCode::refused);
    EXPECT_NE(same_label.error().message.find("labelled 'root'"), std::string::npos);
    request.label = "other";
    auto same_id = pkcs11::generate_key_pair(*session, request);
    ASSERT_FALSE(same_id.ok());
    EXPECT_NE(same_id.error().message.find("id 01"), std::string::npos);
    auto keys = pkcs11::list_keys(*session);
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->size(), 1u);
}

TEST(TokenKeys, AlwaysAuthenticateKeyGetsAContextSpecificLoginPerSignature) {
    SoftHsmStore store;
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    pkcs11::KeyGenRequest request;
    request.label = "root-9c";
    request.id = {0x02};
    request.always_authenticate = true;
    auto key = pkcs11::generate_key_pair(*session, request);
    ASSERT_TRUE(key.ok()) << key.error().message;
    ASSERT_TRUE(key->attributes && key->attributes->always_authenticate);
    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok());
    const SignatureScheme scheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
    for (int i = 0; i < 3; ++i) {
        auto sig = (*signer)->sign(scheme, core::as_bytes("message"));
        ASSERT_TRUE(sig.ok()) << sig.error().message;
        EXPECT_TRUE(key->public_key->verify(scheme, core::as_bytes("message"), *sig).ok());
    }
    // SoftHSM enforces the attribute: without the context-specific login the signature fails.
    pkcs11::KeyObject pretend = *key;
    pretend.attributes->always_authenticate = false;
    auto naive = pkcs11::TokenSigner::create(session, pretend);
    ASSERT_TRUE(naive.ok());
    auto refused = (*naive)->sign(scheme, core::as_bytes("message"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().ck_rv, pkcs11::ckr::user_not_logged_in);
    EXPECT_NE(refused.error().message.find("needs a user login"), std::string::npos);
    // ...and the failed operation does not block the next signature.
    EXPECT_TRUE((*signer)->sign(scheme, core::as_bytes("again")).ok());
}

TEST(TokenKeys, ImportedKeyIsNotReportedAsGeneratedOnToken) {
    SoftHsmStore store;
    TempDir work("tufkey-import");
    const auto key_pem = (work / "k.pem").string();
    ProcessOptions po;
    po.timeout = std::chrono::seconds(30);
    ASSERT_EQ(
        run_process({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key_pem},
                    po)
            .exit_code,
        0);
    po.env = store.env();
    const auto imported = run_process({"softhsm2-util", "--import", key_pem, "--token", "tufkey-test", "--label",
                                       "imported", "--id", "0a", "--pin", k_test_user_pin},
                                      po);
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    auto key = pkcs11::find_key(*session, *pkcs11::Uri::parse("pkcs11:object=imported"));
    ASSERT_TRUE(key.ok()) << key.error().message;
    ASSERT_TRUE(key->attributes.has_value());
    EXPECT_FALSE(key->attributes->local);
    EXPECT_FALSE(key->attributes->generated_on_token());
}

}  // namespace
}  // namespace tufkey::testing
