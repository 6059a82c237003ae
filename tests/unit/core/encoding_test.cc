#include <gtest/gtest.h>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/core/pem.h"

namespace tufkey::core {
namespace {

TEST(Encoding, HexRoundTripAndRejects) {
    Bytes data{0x00, 0x7f, 0x80, 0xff};
    EXPECT_EQ(hex_encode(data), "007f80ff");
    EXPECT_EQ(*hex_decode("007F80ff"), data);
    EXPECT_FALSE(hex_decode("abc").ok());
    EXPECT_FALSE(hex_decode("zz").ok());
}

// RFC 4648 test vectors.
TEST(Encoding, Base64Rfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
        EXPECT_EQ(to_string(*base64_decode(encoded)), plain);
    }
}

TEST(Encoding, Base64RejectsMalformed) {
    EXPECT_FALSE(base64_decode("Zg=").ok());
    EXPECT_FALSE(base64_decode("Z===").ok());
    EXPECT_FALSE(base64_decode("Zm9v\n").ok());
    EXPECT_FALSE(base64_decode("Zm-_").ok());
    EXPECT_FALSE(base64_decode("Zg==Zm9v").ok());
}

// FIPS 180-2 "abc" vectors.
TEST(Digest, KnownAnswers) {
    EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex_encode(digest(HashAlgorithm::sha384, as_bytes("abc"))),
              "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    auto h = Hasher::create(HashAlgorithm::sha256);
    ASSERT_TRUE(h.ok());
    ASSERT_TRUE(h->update(as_bytes("a")).ok());
    ASSERT_TRUE(h->update(as_bytes("bc")).ok());
    auto digest_of_abc = h->finish();
    ASSERT_TRUE(digest_of_abc.ok());
    EXPECT_EQ(*digest_of_abc, sha256(as_bytes("abc")));
    EXPECT_FALSE(h->finish().ok()) << "a finished Hasher is spent";
}

TEST(Pem, ParsesNotaryStyleHeaders) {
    const char* text =
        "junk before\n"
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        "gun: example.com/app\n"
        "role: targets\n"
        "\n"
        "Zm9v\n"
        "YmFy\n"
        "-----END ENCRYPTED PRIVATE KEY-----\n"
        "-----BEGIN PUBLIC KEY-----\n"
        "Zg==\n"
        "-----END PUBLIC KEY-----\n";
    auto blocks = parse_pem(text);
    ASSERT_TRUE(blocks.ok()) << blocks.error().message;
    ASSERT_EQ(blocks->size(), 2u);
    EXPECT_EQ((*blocks)[0].type, "ENCRYPTED PRIVATE KEY");
    EXPECT_EQ((*blocks)[0].header("gun"), "example.com/app");
    EXPECT_EQ((*blocks)[0].header("role"), "targets");
    EXPECT_EQ(to_string((*blocks)[0].der), "foobar");
    EXPECT_EQ(to_string((*blocks)[1].der), "f");
    EXPECT_EQ(encode_pem((*blocks)[0]),
              "-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: example.com/app\nrole: targets\n\nZm9vYmFy\n"
              "-----END ENCRYPTED PRIVATE KEY-----\n");
}

TEST(Pem, RejectsUnterminatedBlock) {
    auto blocks = parse_pem("-----BEGIN PUBLIC KEY-----\nZg==\n");
    ASSERT_FALSE(blocks.ok());
    EXPECT_NE(blocks.error().message.find("no END line"), std::string::npos);
}

}  // namespace
}  // namespace tufkey::core
