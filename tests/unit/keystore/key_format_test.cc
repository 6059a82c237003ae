// The bytes tufkey writes, checked with the openssl command line (an independent reader).
#include <gtest/gtest.h>

#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <sstream>

#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/encoding.h"
#include "tufkey/core/openssl_handles.h"
#include "tufkey/core/pem.h"
#include "tufkey/keystore/key_file.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tt = tufkey::testing;
using tt::run_process;
using tt::TempDir;

struct Asn1Line {
    int offset = 0;
    int depth = 0;
    int length = 0;
    std::string type;   // "SEQUENCE", "OBJECT", "INTEGER", "OCTET STRING"
    std::string value;  // text after ':' for OBJECT and INTEGER
};

// Parses `openssl asn1parse` output: "   43:d=5  hl=2 l=   2 prim: INTEGER           :0800"
std::vector<Asn1Line> asn1parse(const std::filesystem::path& der_file) {
    auto r = run_process({"openssl", "asn1parse", "-inform", "DER", "-in", der_file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<Asn1Line> lines;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        Asn1Line l;
        if (std::sscanf(line.c_str(), " %d:d=%d hl=%*d l=%d", &l.offset, &l.depth, &l.length) != 3) continue;
        auto kind = line.find("prim:") != std::string::npos ? line.find("prim:") : line.find("cons:");
        std::string rest = line.substr(kind + 5);
        auto colon = rest.find(':');
        std::string type = rest.substr(0, std::min(colon, rest.find('[')));
        while (!type.empty() && type.front() == ' ') type.erase(0, 1);
        while (!type.empty() && type.back() == ' ') type.pop_back();
        l.type = type;
        if (colon != std::string::npos) l.value = rest.substr(colon + 1);
        lines.push_back(l);
    }
    return lines;
}

std::unique_ptr<core::SoftwareSigner> make_key(core::KeyAlgorithm alg, unsigned bits = 3072) {
    auto key = core::SoftwareSigner::generate(alg, bits);
    EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message);
    return std::move(key).value();
}

core::Bytes body_of(const std::string& pem) {
    auto blocks = core::parse_pem(pem);
    EXPECT_TRUE(blocks.ok());
    EXPECT_EQ(blocks->size(), 1u);
    return blocks->front().der;
}

std::filesystem::path write_der(const TempDir& dir, const std::string& name, const core::Bytes& der) {
    auto path = dir / name;
    tt::write_text(path, core::to_string(der));
    return path;
}

TEST(KeyFileFormat, HeadersAreSortedThenBlankLineThen64ColumnBase64) {
    auto key = make_key(core::KeyAlgorithm::ecdsa_p256);
    auto pem = keystore::encrypt_key_pem(*key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"targets", "example.com/app", ""});
    ASSERT_TRUE(pem.ok()) << pem.error().message;
    const std::string expected_head = "-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: example.com/app\nrole: targets\n\n";
    ASSERT_EQ(pem->substr(0, expected_head.size()), expected_head);
    std::istringstream in(pem->substr(expected_head.size()));
    std::string line;
    std::vector<std::string> body;
    while (std::getline(in, line)) body.push_back(line);
    ASSERT_GE(body.size(), 3u);
    EXPECT_EQ(body.back(), "-----END ENCRYPTED PRIVATE KEY-----");
    for (std::size_t i = 0; i + 2 < body.size(); ++i) EXPECT_EQ(body[i].size(), 64u) << "line " << i;
    EXPECT_LE(body[body.size() - 2].size(), 64u);
}

TEST(KeyFileFormat, RootKeyHasOnlyRoleHeader) {
    auto key = make_key(core::KeyAlgorithm::ecdsa_p256);
    auto pem = keystore::encrypt_key_pem(*key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"root", "", ""});
    ASSERT_TRUE(pem.ok());
    EXPECT_TRUE(pem->starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: root\n\n"));
}

TEST(KeyFileFormat, Pbes2Pbkdf2Sha1WithoutPrfField600kIterationsAes256Cbc) {
    TempDir dir;
    auto key = make_key(core::KeyAlgorithm::ecdsa_p256);
    auto pem = keystore::encrypt_key_pem(*key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"targets", "example.com/app", ""});
    ASSERT_TRUE(pem.ok());
    auto lines = asn1parse(write_der(dir, "key.der", body_of(*pem)));
    ASSERT_GE(lines.size(), 13u);
    EXPECT_EQ(lines[0].type, "SEQUENCE");
    EXPECT_EQ(lines[2].type, "OBJECT");
    EXPECT_EQ(lines[2].value, "PBES2");
    EXPECT_EQ(lines[5].value, "PBKDF2");
    // PBKDF2-params: exactly salt and iteration count (no keyLength, no PRF => HMAC-SHA1).
    std::vector<Asn1Line> params;
    for (std::size_t i = 7; i < lines.size() && lines[i].depth == 5; ++i) params.push_back(lines[i]);
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].type, "OCTET STRING");
    EXPECT_EQ(params[0].length, 16);
    EXPECT_EQ(params[1].type, "INTEGER");
    EXPECT_GE(std::stoul(params[1].value, nullptr, 16), 600000ul);
    for (const auto& l : lines) EXPECT_EQ(l.value.find("hmacWith"), std::string::npos) << l.value;
    const auto& cipher = lines[7 + params.size() + 1];
    EXPECT_EQ(cipher.value, "aes-256-cbc");
    const auto& iv = lines[7 + params.size() + 2];
    EXPECT_EQ(iv.type, "OCTET STRING");
    EXPECT_EQ(iv.length, 16);
}

TEST(KeyFileFormat, OpensslDecryptsEcdsaAndRsaFilesToTheSameKey) {
    TempDir dir;
    for (auto alg : {core::KeyAlgorithm::ecdsa_p256, core::KeyAlgorithm::ecdsa_p384, core::KeyAlgorithm::rsa}) {
        auto key = make_key(alg, 2048);
        auto pem = keystore::encrypt_key_pem(*key, core::SecretBytes::copy_of("correct horse"),
                                             keystore::KeyHeaders{"targets/releases", "", ""});
        ASSERT_TRUE(pem.ok());
        auto der = write_der(dir, "k.der", body_of(*pem));
        auto plain = run_process({"openssl", "pkcs8", "-inform", "DER", "-in", der.string(), "-passin",
                                  "pass:correct horse", "-out", (dir / "plain.pem").string()});
        ASSERT_EQ(plain.exit_code, 0) << plain.err;
        auto pub = run_process({"openssl", "pkey", "-in", (dir / "plain.pem").string(), "-pubout"});
        ASSERT_EQ(pub.exit_code, 0) << pub.err;
        EXPECT_EQ(pub.out, key->public_key().to_pem()) << core::to_string(alg);
        auto wrong = run_process({"openssl", "pkcs8", "-inform", "DER", "-in", der.string(), "-passin", "pass:wrong"});
        EXPECT_NE(wrong.exit_code, 0);
    }
}

TEST(KeyFileFormat, Ed25519UsesNotaryOidAndPublicSeedPublicBlob) {
    auto key = make_key(core::KeyAlgorithm::ed25519);
    auto pem = keystore::encrypt_key_pem(*key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"targets/releases", "", ""});
    ASSERT_TRUE(pem.ok());
    auto der = body_of(*pem);
    const unsigned char* p = der.data();
    core::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_TRUE(sig);
    core::Pkcs8InfoPtr p8(PKCS8_decrypt(sig.get(), "correct horse", 13));
    ASSERT_TRUE(p8);
    const ASN1_OBJECT* oid = nullptr;
    const unsigned char* blob = nullptr;
    int blob_len = 0;
    const X509_ALGOR* alg = nullptr;
    ASSERT_EQ(PKCS8_pkey_get0(&oid, &blob, &blob_len, &alg, p8.get()), 1);
    char oid_text[64];
    OBJ_obj2txt(oid_text, sizeof oid_text, oid, 1);
    EXPECT_STREQ(oid_text, "1.3.6.1.4.1.11591.15.1");
    ASSERT_EQ(blob_len, 96);
    const auto pub = key->public_key().ed25519_raw();
    EXPECT_EQ(core::Bytes(blob, blob + 32), pub);
    EXPECT_EQ(core::Bytes(blob + 64, blob + 96), pub);
    auto seed = core::SecretBytes(32);
    std::size_t seed_len = 32;
    ASSERT_EQ(EVP_PKEY_get_raw_private_key(key->evp_pkey(), seed.reveal_mutable().data(), &seed_len), 1);
    EXPECT_TRUE(std::equal(blob + 32, blob + 64, seed.reveal().begin()));
}

TEST(KeyFileFormat, ExportRearmourAddsSortedPathHeaderWithoutChangingTheBody) {
    auto key = make_key(core::KeyAlgorithm::ecdsa_p256);
    auto pem = keystore::encrypt_key_pem(*key, core::SecretBytes::copy_of("correct horse"),
                                         keystore::KeyHeaders{"targets", "example.com/app", ""});
    ASSERT_TRUE(pem.ok());
    auto blocks = keystore::parse_key_pem(core::SecretBytes::copy_of(*pem), "test");
    ASSERT_TRUE(blocks.ok());
    auto block = keystore::PrivateKeyBlock::from_pem(std::move(blocks->front()), "test");
    ASSERT_TRUE(block.ok());
    auto exported = block->rearmour(keystore::KeyHeaders{"targets", "example.com/app", "abc"});
    EXPECT_TRUE(exported.starts_with(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: example.com/app\npath: abc\nrole: targets\n\n"));
    EXPECT_EQ(body_of(exported), body_of(*pem));
}

}  // namespace
