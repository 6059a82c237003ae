// The self-signed X.509 root certificate Notary needs, built above pkcs11/ by
// core::make_self_signed_certificate through a TokenSigner, checked by the openssl CLI.
#include <gtest/gtest.h>

#include <chrono>

#include "token_fixture.h"
#include "tufkey/core/certificate.h"

namespace tufkey::testing {
namespace {

using std::chrono::floor;
using std::chrono::seconds;

void check_certificate_from_token(const std::string& label) {
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    auto key = pkcs11::find_key(*session, *pkcs11::Uri::parse("pkcs11:object=" + label));
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    const auto now = floor<seconds>(std::chrono::system_clock::now());
    const std::string gun = "registry.example.com/team/app";
    auto pem = core::make_self_signed_certificate(**signer, gun, now, now + std::chrono::hours(24 * 3650));
    ASSERT_TRUE(pem.ok()) << pem.error().message;

    auto info = core::parse_certificate_pem(*pem);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->common_name, gun);
    EXPECT_EQ(info->public_key, *key->public_key);
    EXPECT_TRUE(core::verify_self_signed(*pem).ok());

    TempDir dir("tufkey-cert");
    write_text(dir / "c.pem", *pem);
    ProcessOptions po;
    po.timeout = seconds(30);
    const auto c = (dir / "c.pem").string();
    const auto verify = run_process({"openssl", "verify", "-check_ss_sig", "-CAfile", c, c}, po);
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find(": OK"), std::string::npos) << verify.out;
    const auto subject = run_process({"openssl", "x509", "-in", c, "-noout", "-subject"}, po);
    EXPECT_NE(subject.out.find("CN = " + gun), std::string::npos) << subject.out;
    // The same check fails for a certificate whose signature was damaged.
    std::string damaged = *pem;
    const auto end = damaged.find("-----END");
    ASSERT_NE(end, std::string::npos);
    damaged[end - 6] = damaged[end - 6] == 'A' ? 'B' : 'A';
    write_text(dir / "bad.pem", damaged);
    const auto bad = (dir / "bad.pem").string();
    EXPECT_NE(run_process({"openssl", "verify", "-check_ss_sig", "-CAfile", bad, bad}, po).exit_code, 0);
}

TEST(TokenCertificate, EcdsaRootCertificateSignedOnTheTokenVerifies) {
    SoftHsmStore store;
    {
        auto session = open_logged_in();
        ASSERT_TRUE(session);
        pkcs11::KeyGenRequest request;
        request.label = "root-p256";
        ASSERT_TRUE(pkcs11::generate_key_pair(*session, request).ok());
    }
    check_certificate_from_token("root-p256");
}

// RSA-3072 keygen takes seconds: the key is made once per build tree and the store copied.
TEST(TokenCertificate, RsaRootCertificateSignedOnTheTokenVerifies) {
    auto store = SoftHsmStore::copy_of_template("rsa3072-v1", SoftHsmOptions{}, [] {
        auto session = open_logged_in();
        ASSERT_TRUE(session);
        pkcs11::KeyGenRequest request;
        request.type = core::KeyType::rsa_3072;
        request.label = "root-rsa";
        request.id = {0x03};
        auto key = pkcs11::generate_key_pair(*session, request);
        ASSERT_TRUE(key.ok()) << key.error().message;
    });
    check_certificate_from_token("root-rsa");
}

}  // namespace
}  // namespace tufkey::testing
