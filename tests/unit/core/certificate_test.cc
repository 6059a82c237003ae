#include <gtest/gtest.h>

#include <chrono>

#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/certificate.h"
#include "tufkey/core/software_signer.h"

namespace tufkey::core {
namespace {

using namespace std::chrono;
using tufkey::testing::run_process;
using tufkey::testing::TempDir;

SystemTime now_seconds() { return time_point_cast<seconds>(system_clock::now()); }

// Notary's root certificate: checked by the openssl CLI, not by our own parser alone.
TEST(Certificate, NotaryRootCertificateVerifiesWithOpenssl) {
    for (auto alg : {KeyAlgorithm::ecdsa_p256, KeyAlgorithm::ecdsa_p384, KeyAlgorithm::rsa}) {
        auto signer = *SoftwareSigner::generate(alg, 2048);
        auto nb = now_seconds();
        auto na = nb + hours(24 * 3650);
        auto pem = make_self_signed_certificate(*signer, "registry.example.com/team/app", nb, na);
        ASSERT_TRUE(pem.ok()) << pem.error().message;
        TempDir dir;
        tufkey::testing::write_text(dir / "c.pem", *pem);
        auto verify = run_process({"openssl", "verify", "-CAfile", (dir / "c.pem").string(), (dir / "c.pem").string()});
        EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
        auto text = run_process({"openssl", "x509", "-in", (dir / "c.pem").string(), "-noout", "-text"});
        ASSERT_EQ(text.exit_code, 0);
        EXPECT_NE(text.out.find("Subject: CN = registry.example.com/team/app"), std::string::npos) << text.out;
        EXPECT_NE(text.out.find("CA:FALSE"), std::string::npos);
        EXPECT_NE(text.out.find("Code Signing"), std::string::npos);
        EXPECT_NE(text.out.find(alg == KeyAlgorithm::rsa ? "sha256WithRSAEncryption" : "ecdsa-with-SHA256"),
                  std::string::npos);

        auto info = parse_certificate_pem(*pem);
        ASSERT_TRUE(info.ok());
        EXPECT_EQ(info->common_name, "registry.example.com/team/app");
        EXPECT_EQ(info->public_key, signer->public_key());
        EXPECT_EQ(info->not_before, nb);
        EXPECT_EQ(info->not_after, na);
        EXPECT_FALSE(info->is_ca);
        EXPECT_FALSE(info->sha1_signature);
        EXPECT_TRUE(verify_self_signed(*pem).ok());
    }
}

TEST(Certificate, RefusesEd25519ForNotaryRoots) {
    auto signer = *SoftwareSigner::generate(KeyAlgorithm::ed25519);
    auto pem = make_self_signed_certificate(*signer, "x", now_seconds(), now_seconds() + hours(1));
    ASSERT_FALSE(pem.ok());
    EXPECT_NE(pem.error().message.find("Ed25519"), std::string::npos);
}

// A CA certificate made by the openssl CLI is recognised as CA (Notary refuses those as roots).
TEST(Certificate, DetectsCaCertificatesFromOpenssl) {
    TempDir dir;
    auto gen = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", (dir / "k.pem").string(), "-out", (dir / "c.pem").string(), "-subj",
                            "/CN=example.com\\/app", "-days", "3", "-addext", "basicConstraints=critical,CA:TRUE"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto info = parse_certificate_pem(tufkey::testing::read_text(dir / "c.pem"));
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->is_ca);
    EXPECT_EQ(info->common_name, "example.com/app");
}

TEST(Certificate, TamperedCertificateFailsVerification) {
    auto signer = *SoftwareSigner::generate(KeyAlgorithm::ecdsa_p256);
    auto pem = *make_self_signed_certificate(*signer, "a", now_seconds(), now_seconds() + hours(1));
    auto other = *SoftwareSigner::generate(KeyAlgorithm::ecdsa_p256);
    auto pem2 = *make_self_signed_certificate(*other, "a", now_seconds(), now_seconds() + hours(1));
    // Splice the first certificate's body with the second one's signature: base64 line 3 differs.
    EXPECT_TRUE(verify_self_signed(pem).ok());
    std::string spliced = pem.substr(0, pem.size() / 2) + pem2.substr(pem2.size() / 2);
    EXPECT_FALSE(verify_self_signed(spliced).ok());
}

}  // namespace
}  // namespace tufkey::core
