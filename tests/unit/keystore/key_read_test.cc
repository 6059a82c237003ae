// Reading keys: round trips for every key type, other KDF parameters, legacy and plain forms
// made by the openssl command line, wrong passphrases and damaged files.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/pem.h"
#include "tufkey/keystore/key_file.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tt = tufkey::testing;
using tt::run_process;
using tt::TempDir;

core::Result<keystore::PrivateKeyBlock> block_of(const std::string& text, const std::string& origin = "test.key") {
    auto blocks = keystore::parse_key_pem(core::SecretBytes::copy_of(text), origin);
    if (!blocks) return blocks.error();
    if (blocks->empty()) return core::Error(core::ErrorCode::key, "no block");
    return keystore::PrivateKeyBlock::from_pem(std::move(blocks->front()), origin);
}

void expect_signs_and_verifies(core::SoftwareSigner& signer) {
    core::SignatureScheme scheme;
    switch (signer.public_key().algorithm()) {
        case core::KeyAlgorithm::ed25519:
            scheme = {core::HashAlgorithm::sha256, core::SignatureEncoding::ed25519};
            break;
        case core::KeyAlgorithm::rsa:
            scheme = {core::HashAlgorithm::sha256, core::SignatureEncoding::rsa_pss};
            break;
        default:
            scheme = {core::HashAlgorithm::sha256, core::SignatureEncoding::ecdsa_raw};
            break;
    }
    const auto message = core::to_bytes("tufkey keystore test message");
    auto sig = signer.sign(scheme, message);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(signer.public_key().verify(scheme, message, *sig).ok());
}

std::string openssl_out(const std::vector<std::string>& argv) {
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

class KeyRoundTrip : public ::testing::TestWithParam<std::pair<core::KeyAlgorithm, unsigned>> {};

TEST_P(KeyRoundTrip, EncryptThenDecryptGivesTheSameKeyThatSigns) {
    auto key = core::SoftwareSigner::generate(GetParam().first, GetParam().second);
    ASSERT_TRUE(key.ok());
    auto pem = keystore::encrypt_key_pem(**key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"targets/releases", "", ""}, 2048);
    ASSERT_TRUE(pem.ok());
    auto block = block_of(*pem);
    ASSERT_TRUE(block.ok()) << block.error().message;
    EXPECT_TRUE(block->encrypted());
    EXPECT_EQ(block->role(), "targets/releases");
    EXPECT_EQ(block->protection().iterations, 2048u);
    EXPECT_EQ(block->protection().prf, "hmacWithSHA1");
    EXPECT_FALSE(block->protection().prf_field);
    auto back = block->decrypt(core::SecretBytes::copy_of("correct horse"));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ((*back)->public_key(), (*key)->public_key());
    expect_signs_and_verifies(**back);
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, KeyRoundTrip,
                         ::testing::Values(std::pair{core::KeyAlgorithm::ecdsa_p256, 0u},
                                           std::pair{core::KeyAlgorithm::ecdsa_p384, 0u},
                                           std::pair{core::KeyAlgorithm::ed25519, 0u},
                                           std::pair{core::KeyAlgorithm::rsa, 3072u}));

TEST(KeyRead, WrongPassphraseIsReportedAsSuchNotAsDamage) {
    auto key = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
    ASSERT_TRUE(key.ok());
    auto pem = keystore::encrypt_key_pem(**key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"root", "", ""}, 2048);
    ASSERT_TRUE(pem.ok());
    auto block = block_of(*pem);
    ASSERT_TRUE(block.ok());
    auto tried = block->try_decrypt(core::SecretBytes::copy_of("battery staple"));
    ASSERT_TRUE(tried.ok());
    EXPECT_FALSE(tried->has_value());
    auto failed = block->decrypt(core::SecretBytes::copy_of("battery staple"));
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, core::ErrorCode::key);
    EXPECT_NE(failed.error().message.find("wrong passphrase"), std::string::npos);
}

TEST(KeyRead, DamagedFilesAreKeyErrorsNamingTheFile) {
    auto key = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
    ASSERT_TRUE(key.ok());
    auto pem = keystore::encrypt_key_pem(**key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"root", "", ""}, 2048);
    ASSERT_TRUE(pem.ok());
    // Body truncated: the DER no longer parses.
    std::string truncated = *pem;
    truncated.erase(truncated.find("\n\n") + 2, 20);
    auto a = block_of(truncated, "/home/x/private/abc.key");
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, core::ErrorCode::key);
    EXPECT_NE(a.error().message.find("/home/x/private/abc.key"), std::string::npos);
    // No END line.
    std::string unterminated = pem->substr(0, pem->find("-----END"));
    auto b = block_of(unterminated, "/home/x/private/abc.key");
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.error().message.find("/home/x/private/abc.key"), std::string::npos);
    // Not base64.
    std::string garbage = *pem;
    garbage[garbage.find("\n\n") + 5] = '*';
    EXPECT_FALSE(block_of(garbage).ok());
    // A certificate is not a key.
    auto c = block_of("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, core::ErrorCode::key);
}

TEST(KeyRead, OpensslPbkdf2Sha256AndCustomIterationsAreRead) {
    TempDir dir;
    openssl_out({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                 (dir / "k.pem").string()});
    auto enc = openssl_out({"openssl", "pkcs8", "-topk8", "-in", (dir / "k.pem").string(), "-v2", "aes-256-cbc",
                            "-iter", "3000", "-passout", "pass:sha256 pass"});
    auto block = block_of(enc);
    ASSERT_TRUE(block.ok()) << block.error().message;
    EXPECT_EQ(block->protection().prf, "hmacWithSHA256");
    EXPECT_TRUE(block->protection().prf_field);
    EXPECT_EQ(block->protection().iterations, 3000u);
    auto key = block->decrypt(core::SecretBytes::copy_of("sha256 pass"));
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto pub = openssl_out({"openssl", "pkey", "-in", (dir / "k.pem").string(), "-pubout"});
    EXPECT_EQ((*key)->public_key().to_pem(), pub);
}

TEST(KeyRead, LegacyRfc1423EncryptedEcAndRsaBlocksAreRead) {
    TempDir dir;
    openssl_out({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                 (dir / "ec.pem").string()});
    openssl_out({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                 (dir / "rsa.pem").string()});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"ec",
         openssl_out({"openssl", "ec", "-in", (dir / "ec.pem").string(), "-aes256", "-passout", "pass:randompass"})},
        {"rsa", openssl_out({"openssl", "rsa", "-in", (dir / "rsa.pem").string(), "-traditional", "-aes256", "-passout",
                             "pass:randompass"})}};
    for (const auto& [name, text] : cases) {
        ASSERT_NE(text.find("Proc-Type: 4,ENCRYPTED"), std::string::npos) << name;
        // Notary 0.1 files carry a role header next to the RFC 1423 ones.
        std::string with_role = text;
        with_role.insert(with_role.find('\n') + 1, "role: root\n");
        auto block = block_of(with_role);
        ASSERT_TRUE(block.ok()) << block.error().message;
        EXPECT_EQ(block->protection().kind, keystore::KeyProtection::Kind::rfc1423);
        EXPECT_EQ(block->role(), "root");
        EXPECT_FALSE(block->decrypt(core::SecretBytes::copy_of("wrongpass")).ok());
        auto key = block->decrypt(core::SecretBytes::copy_of("randompass"));
        ASSERT_TRUE(key.ok()) << key.error().message;
        auto pub = openssl_out({"openssl", "pkey", "-in", (dir / (name + ".pem")).string(), "-pubout"});
        EXPECT_EQ((*key)->public_key().to_pem(), pub) << name;
    }
}

TEST(KeyRead, PlainPkcs8Sec1Pkcs1AndRfc8410AreRead) {
    TempDir dir;
    openssl_out({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
                 (dir / "ec.pem").string()});
    openssl_out({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                 (dir / "rsa.pem").string()});
    openssl_out({"openssl", "genpkey", "-algorithm", "ED25519", "-out", (dir / "ed.pem").string()});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"ec.pem", tt::read_text(dir / "ec.pem")},
        {"ec.pem", openssl_out({"openssl", "ec", "-in", (dir / "ec.pem").string()})},
        {"rsa.pem", tt::read_text(dir / "rsa.pem")},
        {"rsa.pem", openssl_out({"openssl", "rsa", "-in", (dir / "rsa.pem").string(), "-traditional"})},
        {"ed.pem", tt::read_text(dir / "ed.pem")}};
    for (const auto& [source, text] : cases) {
        auto block = block_of(text);
        ASSERT_TRUE(block.ok()) << block.error().message;
        EXPECT_FALSE(block->encrypted());
        auto key = block->load_plain();
        ASSERT_TRUE(key.ok()) << key.error().message << "\n" << text.substr(0, 40);
        auto pub = openssl_out({"openssl", "pkey", "-in", (dir / source).string(), "-pubout"});
        EXPECT_EQ((*key)->public_key().to_pem(), pub) << text.substr(0, 40);
        expect_signs_and_verifies(**key);
    }
}

TEST(KeyRead, PlainNotaryEd25519Pkcs8IsRead) {
    auto key = core::SoftwareSigner::generate(core::KeyAlgorithm::ed25519);
    ASSERT_TRUE(key.ok());
    auto der = keystore::notary_pkcs8_der(**key);
    ASSERT_TRUE(der.ok());
    auto back = keystore::parse_private_key_der(*der, "notary-ed25519");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ((*back)->public_key(), (*key)->public_key());
    // A blob whose public halves do not match its seed is refused.
    auto tampered = der->clone();
    tampered.reveal_mutable()[20] ^= 0x01;
    EXPECT_FALSE(keystore::parse_private_key_der(tampered, "tampered").ok());
}

}  // namespace

namespace {

// An "ENCRYPTED PRIVATE KEY" block whose PBES2 parameters ask for `iterations` PBKDF2 rounds,
// over junk ciphertext: only its header is read before the work factor is checked, and making it
// costs no key derivation.
std::string encrypted_block_asking_for(int iterations) {
    X509_ALGOR* pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), iterations, nullptr, 16, nullptr, NID_hmacWithSHA256);
    X509_SIG* sig = X509_SIG_new();
    X509_ALGOR* sig_alg = nullptr;
    ASN1_OCTET_STRING* digest = nullptr;
    X509_SIG_getm(sig, &sig_alg, &digest);
    X509_ALGOR_copy(sig_alg, pbe);
    const unsigned char junk[64] = {1, 2, 3};
    ASN1_OCTET_STRING_set(digest, junk, sizeof junk);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PKCS8(bio, sig);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    X509_SIG_free(sig);
    X509_ALGOR_free(pbe);
    return pem;
}

TEST(KeyRead, AKeyFileAskingForAHugeKdfWorkFactorIsRefusedBeforeAnyDerivation) {
    auto hostile = block_of(encrypted_block_asking_for(2147483647));
    ASSERT_FALSE(hostile.ok());
    EXPECT_EQ(hostile.error().code, core::ErrorCode::key);
    EXPECT_NE(hostile.error().message.find("2147483647 PBKDF2 iterations"), std::string::npos)
        << hostile.error().message;
    // At the bound and below, the header is accepted (the passphrase decides later).
    EXPECT_TRUE(block_of(encrypted_block_asking_for(static_cast<int>(keystore::kMaxKdfIterations))).ok());
    EXPECT_TRUE(block_of(encrypted_block_asking_for(2048)).ok());
}

}  // namespace
