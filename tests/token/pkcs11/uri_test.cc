// RFC 7512 URIs: parsing, percent-encoding, formatting, refusals.
#include <gtest/gtest.h>

#include "tufkey/pkcs11/uri.h"

namespace tufkey::pkcs11 {
namespace {

TEST(Pkcs11Uri, ParsesTokenObjectIdTypeAndQuery) {
    auto uri = Uri::parse(
        "pkcs11:token=ceremony%20root;manufacturer=SoftHSM%20project;serial=abc;model=SoftHSM%20v2;"
        "object=root;id=%01%ff;type=private;slot-id=7?module-path=/usr/lib/softhsm/libsofthsm2.so");
    ASSERT_TRUE(uri.ok()) << uri.error().message;
    EXPECT_EQ(uri->token, "ceremony root");
    EXPECT_EQ(uri->manufacturer, "SoftHSM project");
    EXPECT_EQ(uri->serial, "abc");
    EXPECT_EQ(uri->model, "SoftHSM v2");
    EXPECT_EQ(uri->object, "root");
    EXPECT_EQ(uri->id, (core::Bytes{0x01, 0xff}));
    EXPECT_EQ(uri->type, "private");
    EXPECT_EQ(uri->slot_id, 7u);
    EXPECT_EQ(uri->module_path, "/usr/lib/softhsm/libsofthsm2.so");
    EXPECT_TRUE(uri->names_object());
}

TEST(Pkcs11Uri, FormatsCanonicallyAndRoundTrips) {
    Uri uri;
    uri.token = "a;b=c d";
    uri.object = "root key";
    uri.id = core::Bytes{0x00, 0x41};
    uri.module_path = "/usr/lib/x.so";
    const std::string text = uri.to_string();
    EXPECT_EQ(text, "pkcs11:token=a%3Bb%3Dc%20d;object=root%20key;id=%00%41?module-path=/usr/lib/x.so");
    auto back = Uri::parse(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, uri);
}

TEST(Pkcs11Uri, KeepsUnknownAttributes) {
    auto uri = Uri::parse("pkcs11:token=t;x-vendor=1?x-q=2");
    ASSERT_TRUE(uri.ok());
    ASSERT_EQ(uri->other_path.size(), 1u);
    EXPECT_EQ(uri->other_path[0].first, "x-vendor");
    EXPECT_EQ(uri->to_string(), "pkcs11:token=t;x-vendor=1?x-q=2");
}

TEST(Pkcs11Uri, RefusesAPinWithoutRepeatingIt) {
    for (const char* text : {"pkcs11:token=t?pin-value=s3cr3t-pin", "pkcs11:token=t?pin-source=file:/tmp/s3cr3t-pin",
                             "pkcs11:pin-value=s3cr3t-pin;token=t"}) {
        auto uri = Uri::parse(text);
        ASSERT_FALSE(uri.ok()) << text;
        EXPECT_NE(uri.error().message.find("--pin-file"), std::string::npos);
        EXPECT_EQ(uri.error().message.find("s3cr3t"), std::string::npos);
    }
}

TEST(Pkcs11Uri, RefusesMalformedInput) {
    for (const char* text : {"pkcs12:token=t", "pkcs11:token=a;token=b", "pkcs11:id=%1", "pkcs11:id=%zz",
                             "pkcs11:type=secret", "pkcs11:slot-id=x", "pkcs11:token"}) {
        auto uri = Uri::parse(text);
        EXPECT_FALSE(uri.ok()) << text;
        if (!uri) {
            EXPECT_EQ(uri.error().code, core::ErrorCode::usage);
        }
    }
}

}  // namespace
}  // namespace tufkey::pkcs11
