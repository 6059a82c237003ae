// Reading keys: round trips for every key type, other KDF parameters, legacy and plain forms
// made by the openssl command line, wrong passphrases and damaged files.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>

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

namespace {

// `pbe` (owned, freed here) as the algorithm of an "ENCRYPTED PRIVATE KEY" block over junk
// ciphertext: nothing is derived to make it.
std::string encrypted_block_with(X509_ALGOR* pbe) {
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

// PBES2 with scrypt asking for N, r, p. OpenSSL's own constructor checks the parameters, so a
// valid set is made and its values are then replaced, as a hostile writer would.
std::string scrypt_block_asking_for(std::uint64_t n, std::uint64_t r, std::uint64_t p) {
    X509_ALGOR* pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 16, nullptr, 16384, 8, 1);
    EXPECT_NE(pbe, nullptr);
    PBE2PARAM* pbe2 = static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), pbe->parameter));
    SCRYPT_PARAMS* params =
        static_cast<SCRYPT_PARAMS*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter));
    ASN1_INTEGER_set_uint64(params->costParameter, n);
    ASN1_INTEGER_set_uint64(params->blockSize, r);
    ASN1_INTEGER_set_uint64(params->parallelizationParameter, p);
    ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), params, &pbe2->keyfunc->parameter);
    ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBE2PARAM), pbe2, &pbe->parameter);
    SCRYPT_PARAMS_free(params);
    PBE2PARAM_free(pbe2);
    return encrypted_block_with(pbe);
}

TEST(KeyRead, ScryptParametersBeyondTheBoundsAreRefusedBeforeAnyDerivation) {
    struct Case {
        std::uint64_t n, r, p;
    };
    // 2^31 N (terabytes), a huge r, p = 10^6 (a million 16 MiB passes: hours), N not a power of
    // two, a zero, and a combination within each bound but over 32 MiB.
    for (const Case c : {Case{std::uint64_t{1} << 31, 8, 1}, Case{16384, 1u << 20, 1}, Case{16384, 8, 1000000},
                         Case{16385, 8, 1}, Case{16384, 0, 1}, Case{std::uint64_t{1} << 20, 32, 1}}) {
        const std::string what = std::to_string(c.n) + "/" + std::to_string(c.r) + "/" + std::to_string(c.p);
        const auto start = std::chrono::steady_clock::now();
        auto hostile = block_of(scrypt_block_asking_for(c.n, c.r, c.p));
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << what;
        ASSERT_FALSE(hostile.ok()) << what;
        EXPECT_EQ(hostile.error().code, core::ErrorCode::key) << what;
        EXPECT_NE(hostile.error().message.find("scrypt N=" + std::to_string(c.n) + " r=" + std::to_string(c.r) +
                                               " p=" + std::to_string(c.p)),
                  std::string::npos)
            << hostile.error().message;
        EXPECT_NE(hostile.error().message.find("restore it from a backup"), std::string::npos);
    }
    // OpenSSL's default (N=16384, r=8, p=1) and the largest shapes within 32 MiB are accepted.
    for (const Case c : {Case{16384, 8, 1}, Case{16384, 8, 16}, Case{std::uint64_t{1} << 17, 1, 1}}) {
        auto fine = block_of(scrypt_block_asking_for(c.n, c.r, c.p));
        EXPECT_TRUE(fine.ok()) << c.n << "/" << c.r << "/" << c.p << ": " << fine.error().message;
        if (fine.ok()) {
            EXPECT_EQ(fine->protection().kdf, "scrypt");
            EXPECT_EQ(fine->protection().iterations, c.n);
        }
    }
}

TEST(KeyRead, AnOpensslScryptKeyFileIsReadAndDecrypted) {
    TempDir dir;
    const auto plain = dir / "plain.pem";
    const auto scrypt = dir / "scrypt.pem";
    openssl_out(
        {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain.string()});
    openssl_out({"openssl", "pkcs8", "-topk8", "-scrypt", "-in", plain.string(), "-out", scrypt.string(), "-passout",
                 "pass:scrypt-passphrase"});
    auto text = keystore::read_secret_file(scrypt);
    ASSERT_TRUE(text.ok()) << text.error().message;
    auto blocks = keystore::parse_key_pem(*text, "scrypt.pem");
    ASSERT_TRUE(blocks.ok() && blocks->size() == 1u);
    auto block = keystore::PrivateKeyBlock::from_pem(std::move(blocks->front()), "scrypt.pem");
    ASSERT_TRUE(block.ok()) << block.error().message;
    EXPECT_EQ(block->protection().kdf, "scrypt");
    auto signer = block->decrypt(core::SecretBytes::copy_of("scrypt-passphrase"));
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    expect_signs_and_verifies(**signer);
}

TEST(KeyRead, APbes1KeyFileAskingForHugeIterationsIsRefused) {
    auto hostile =
        block_of(encrypted_block_with(PKCS5_pbe_set(NID_pbe_WithSHA1And3_Key_TripleDES_CBC, 2147483647, nullptr, 8)));
    ASSERT_FALSE(hostile.ok());
    EXPECT_EQ(hostile.error().code, core::ErrorCode::key);
    EXPECT_NE(hostile.error().message.find("2147483647"), std::string::npos) << hostile.error().message;
    EXPECT_TRUE(
        block_of(encrypted_block_with(PKCS5_pbe_set(NID_pbe_WithSHA1And3_Key_TripleDES_CBC, 2048, nullptr, 8))).ok());
}

}  // namespace
