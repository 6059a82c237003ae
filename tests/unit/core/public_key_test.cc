#include <gtest/gtest.h>

#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/encoding.h"
#include "tufkey/core/software_signer.h"

namespace tufkey::core {
namespace {

using tufkey::testing::run_process;
using tufkey::testing::TempDir;

// A public key made by the openssl CLI (an independent implementation) parses to the same SPKI.
TEST(PublicKey, ReadsKeysMadeByOpensslCli) {
    TempDir dir;
    struct Case {
        const char* genpkey_args;
        KeyAlgorithm alg;
        unsigned bits;
    };
    const Case cases[] = {{"EC -pkeyopt ec_paramgen_curve:P-256", KeyAlgorithm::ecdsa_p256, 256},
                          {"EC -pkeyopt ec_paramgen_curve:P-384", KeyAlgorithm::ecdsa_p384, 384},
                          {"ED25519", KeyAlgorithm::ed25519, 256},
                          {"RSA -pkeyopt rsa_keygen_bits:2048", KeyAlgorithm::rsa, 2048}};
    for (const auto& c : cases) {
        auto key = (dir / "k.pem").string(), pub = (dir / "p.pem").string();
        auto gen = run_process({"sh", "-c",
                                std::string("openssl genpkey -algorithm ") + c.genpkey_args + " -out " + key +
                                    " && openssl pkey -in " + key + " -pubout -out " + pub});
        ASSERT_EQ(gen.exit_code, 0) << gen.err;
        auto parsed = PublicKey::from_pem(tufkey::testing::read_text(pub));
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        EXPECT_EQ(parsed->algorithm(), c.alg);
        EXPECT_EQ(parsed->bits(), c.bits);
        EXPECT_EQ(parsed->to_pem(), tufkey::testing::read_text(pub));
    }
}

TEST(PublicKey, RejectsShortRsaAndGarbage) {
    TempDir dir;
    auto key = (dir / "k.pem").string();
    auto gen = run_process(
        {"sh", "-c",
         "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2>/dev/null | openssl pkey -pubout"});
    ASSERT_EQ(gen.exit_code, 0);
    auto parsed = PublicKey::from_pem(gen.out);
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().message.find("2048"), std::string::npos);
    EXPECT_FALSE(PublicKey::from_spki_der(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).ok());
    EXPECT_FALSE(PublicKey::from_ed25519_raw(Bytes(31, 1)).ok());
}

TEST(PublicKey, RawFormsRoundTrip) {
    auto ed = *SoftwareSigner::generate(KeyAlgorithm::ed25519);
    auto raw = ed->public_key().ed25519_raw();
    ASSERT_EQ(raw.size(), 32u);
    EXPECT_EQ(*PublicKey::from_ed25519_raw(raw), ed->public_key());

    auto ec = *SoftwareSigner::generate(KeyAlgorithm::ecdsa_p384);
    auto point = ec->public_key().ec_point();
    ASSERT_EQ(point.size(), 97u);
    EXPECT_EQ(point[0], 0x04);
    EXPECT_EQ(*PublicKey::from_ec_point(KeyAlgorithm::ecdsa_p384, point), ec->public_key());
    EXPECT_FALSE(PublicKey::from_ec_point(KeyAlgorithm::ecdsa_p256, point).ok());
}

TEST(PublicKey, DistinctKeysCompareUnequal) {
    auto a = *SoftwareSigner::generate(KeyAlgorithm::ecdsa_p256);
    auto b = *SoftwareSigner::generate(KeyAlgorithm::ecdsa_p256);
    EXPECT_NE(a->public_key(), b->public_key());
    EXPECT_EQ(a->public_key(), *PublicKey::from_spki_der(a->public_key().spki_der()));
}

}  // namespace
}  // namespace tufkey::core
