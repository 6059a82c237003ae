#include <gtest/gtest.h>

#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/ecdsa_signature.h"
#include "tufkey/core/software_signer.h"

namespace tufkey::core {
namespace {

using tufkey::testing::run_process;
using tufkey::testing::TempDir;

const Bytes kMessage = to_bytes("{\"_type\":\"targets\",\"version\":1}");

struct SchemeCase {
    KeyAlgorithm alg;
    SignatureScheme scheme;
    std::vector<std::string> openssl_verify;  // args after `openssl`, {pub}, {sig}, {msg} substituted
};

std::vector<SchemeCase> scheme_cases() {
    const std::vector<std::string> dgst256 = {"dgst", "-sha256", "-verify", "{pub}", "-signature", "{sig}", "{msg}"};
    const std::vector<std::string> dgst384 = {"dgst", "-sha384", "-verify", "{pub}", "-signature", "{sig}", "{msg}"};
    return {
        {KeyAlgorithm::ecdsa_p256, {HashAlgorithm::sha256, SignatureEncoding::ecdsa_der}, dgst256},
        {KeyAlgorithm::ecdsa_p384, {HashAlgorithm::sha384, SignatureEncoding::ecdsa_der}, dgst384},
        {KeyAlgorithm::ed25519,
         {HashAlgorithm::sha256, SignatureEncoding::ed25519},
         {"pkeyutl", "-verify", "-pubin", "-inkey", "{pub}", "-rawin", "-in", "{msg}", "-sigfile", "{sig}"}},
        {KeyAlgorithm::rsa,
         {HashAlgorithm::sha256, SignatureEncoding::rsa_pss},
         {"dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sigopt",
          "rsa_mgf1_md:sha256", "-verify", "{pub}", "-signature", "{sig}", "{msg}"}},
        {KeyAlgorithm::rsa, {HashAlgorithm::sha256, SignatureEncoding::rsa_pkcs1v15}, dgst256},
    };
}

int openssl_verify(const SchemeCase& c, const PublicKey& pub, const Bytes& sig, const Bytes& msg) {
    TempDir dir;
    tufkey::testing::write_text(dir / "pub.pem", pub.to_pem());
    tufkey::testing::write_text(dir / "sig", to_string(sig));
    tufkey::testing::write_text(dir / "msg", to_string(msg));
    std::vector<std::string> argv = {"openssl"};
    for (auto a : c.openssl_verify) {
        if (a == "{pub}")
            a = (dir / "pub.pem").string();
        else if (a == "{sig}")
            a = (dir / "sig").string();
        else if (a == "{msg}")
            a = (dir / "msg").string();
        argv.push_back(a);
    }
    return run_process(argv).exit_code;
}

// Every scheme signs with our code and verifies with the openssl CLI, and not after tampering.
TEST(SoftwareSigner, SignaturesVerifyWithOpensslCli) {
    for (const auto& c : scheme_cases()) {
        auto signer = *SoftwareSigner::generate(c.alg, 2048);
        auto sig = signer->sign(c.scheme, kMessage);
        ASSERT_TRUE(sig.ok()) << sig.error().message;
        EXPECT_TRUE(signer->public_key().verify(c.scheme, kMessage, *sig).ok());
        EXPECT_EQ(openssl_verify(c, signer->public_key(), *sig, kMessage), 0) << to_string(c.alg);
        Bytes tampered = kMessage;
        tampered.back() ^= 1;
        EXPECT_NE(openssl_verify(c, signer->public_key(), *sig, tampered), 0);
        EXPECT_EQ(signer->public_key().verify(c.scheme, tampered, *sig).error().code, ErrorCode::trust);
    }
}

// Notary's "ecdsa": SHA-256 with raw r||s of exactly twice the field size, whatever the curve.
TEST(SoftwareSigner, EcdsaRawIsFixedLengthAndConvertsToDer) {
    for (auto [alg, field] : {std::pair{KeyAlgorithm::ecdsa_p256, 32u}, std::pair{KeyAlgorithm::ecdsa_p384, 48u}}) {
        auto signer = *SoftwareSigner::generate(alg);
        SignatureScheme raw{HashAlgorithm::sha256, SignatureEncoding::ecdsa_raw};
        for (int i = 0; i < 20; ++i) {
            auto sig = *signer->sign(raw, kMessage);
            ASSERT_EQ(sig.size(), 2 * field);
            EXPECT_TRUE(signer->public_key().verify(raw, kMessage, sig).ok());
            auto der = *ecdsa_raw_to_der(sig);
            SignatureScheme der_scheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
            EXPECT_TRUE(signer->public_key().verify(der_scheme, kMessage, der).ok());
            EXPECT_EQ(*ecdsa_der_to_raw(der, field), sig);
        }
        Bytes truncated(2 * field - 2, 1);
        EXPECT_FALSE(signer->public_key().verify(raw, kMessage, truncated).ok());
    }
}

TEST(SoftwareSigner, RefusesSchemesThatDoNotFitTheKey) {
    auto ed = *SoftwareSigner::generate(KeyAlgorithm::ed25519);
    auto r = ed->sign({HashAlgorithm::sha256, SignatureEncoding::ecdsa_der}, kMessage);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::usage);
}

TEST(SoftwareSigner, Pkcs8RoundTripKeepsTheKey) {
    for (auto alg : {KeyAlgorithm::ecdsa_p256, KeyAlgorithm::ed25519}) {
        auto signer = *SoftwareSigner::generate(alg);
        auto der = *signer->to_pkcs8_der();
        auto again = SoftwareSigner::from_pkcs8_der(der);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ((*again)->public_key(), signer->public_key());
    }
    EXPECT_FALSE(SoftwareSigner::from_pkcs8_der(SecretBytes::copy_of(std::string_view("nope"))).ok());
}

}  // namespace
}  // namespace tufkey::core
