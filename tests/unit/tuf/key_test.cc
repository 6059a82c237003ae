// Key objects, key IDs per dialect, and the dialect → signature scheme mapping.
#include <gtest/gtest.h>

#include "test_keys.h"
#include "tufkey/core/certificate.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/scheme.h"

namespace tufkey::tuf {
namespace {

using testing::make_key;

Key notary_key_from(const std::string& keytype, const std::string& public_b64) {
    JsonObject keyval{{"private", Json(nullptr)}, {"public", Json(public_b64)}};
    auto key = Key::from_json(Dialect::notary, JsonObject{{"keytype", Json(keytype)}, {"keyval", Json(keyval)}});
    EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message);
    return *key;
}

// Keys and IDs from a root.json written by notary 0.7 (reference/notary-live.md §7).
TEST(NotaryKey, IdsOfRealNotaryKeysReproduce) {
    const Key ed = notary_key_from("ed25519", "d/xjvjiMVz8/kK2vKOyYnaRCRVL/lp4IJN9aDIQrr5A=");
    EXPECT_EQ(ed.id().str(), "0ba4b95e8b335ec005ab3d20d729a8ac696fc9c148d6ec919a9a5f7fc36f7275");
    const Key ec = notary_key_from("ecdsa",
                                   "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPk1Zke4zmjmNxQqEx9/a+XvJAMO+PY/"
                                   "WFuIkTAHYgjoVq1rHfZPauGdetJaClMfak/wqBJdWhZSV6J8doTTbwQ==");
    EXPECT_EQ(ec.id().str(), "914e282dfd2f75fa0b454f2289146463e9586b8536664b546504dfc3e3de9d82");
    EXPECT_EQ(ec.canonical_id(), ec.id());
    EXPECT_EQ(notary_canonical_key_id(*ec.public_key()), ec.id().str());
    EXPECT_EQ(notary_canonical_key_id(*ed.public_key()), ed.id().str());
}

TEST(NotaryKey, KeyObjectHasPrivateNullAndBase64Public) {
    auto k = make_key(Dialect::notary);
    const std::string canonical = canonical_json(k.key.to_json());
    EXPECT_EQ(canonical, "{\"keytype\":\"ecdsa\",\"keyval\":{\"private\":null,\"public\":\"" +
                             core::base64_encode(k.signer->public_key().spki_der()) + "\"}}");
    EXPECT_EQ(k.key.id(), KeyId::sha256_of(canonical));
}

TEST(NotaryKey, Ed25519PublicIsRawBytes) {
    auto k = make_key(Dialect::notary, core::KeyAlgorithm::ed25519);
    EXPECT_EQ(k.key.keytype(), "ed25519");
    EXPECT_EQ(*core::base64_decode(k.key.public_text()), k.signer->public_key().ed25519_raw());
}

TEST(NotaryKey, X509KeyHasCertificateIdAndCanonicalSpkiId) {
    auto k = make_key(Dialect::notary);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto pem =
        core::make_self_signed_certificate(*k.signer, "example.com/app", now, now + std::chrono::hours(24 * 3650));
    ASSERT_TRUE(pem.ok()) << pem.error().message;
    auto x509 = Key::notary_x509(*pem);
    ASSERT_TRUE(x509.ok()) << x509.error().message;
    EXPECT_EQ(x509->keytype(), "ecdsa-x509");
    EXPECT_EQ(core::to_string(*core::base64_decode(x509->public_text())), *pem);  // base64 of the PEM text
    EXPECT_NE(x509->id(), k.key.id());
    EXPECT_EQ(x509->canonical_id(), k.key.id());
    EXPECT_EQ(x509->canonical_id().str(), notary_canonical_key_id(k.signer->public_key()));
    auto decoded = Key::from_json(Dialect::notary, x509->to_json());
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->id(), x509->id());
    EXPECT_EQ(*decoded->certificate_pem(), *pem);
}

TEST(NotaryKey, RefusesPrivateMaterialAndMismatchedTypes) {
    auto k = make_key(Dialect::notary);
    Json json = k.key.to_json();
    json.as_object()["keyval"].as_object()["private"] = Json("c2VjcmV0");
    EXPECT_FALSE(Key::from_json(Dialect::notary, json).ok());
    json = k.key.to_json();
    json.as_object()["keytype"] = Json("rsa");  // an EC SPKI labelled rsa
    EXPECT_FALSE(Key::from_json(Dialect::notary, json).ok());
    json.as_object()["keytype"] = Json("sigstore-oidc");
    EXPECT_FALSE(Key::from_json(Dialect::notary, json).ok());
}

TEST(TufKey, KeyFormsPerAlgorithm) {
    auto ec = make_key(Dialect::tuf);
    EXPECT_EQ(ec.key.keytype(), "ecdsa");
    EXPECT_EQ(ec.key.scheme(), "ecdsa-sha2-nistp256");
    EXPECT_EQ(ec.key.public_text().rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    auto p384 = make_key(Dialect::tuf, core::KeyAlgorithm::ecdsa_p384);
    EXPECT_EQ(p384.key.scheme(), "ecdsa-sha2-nistp384");
    auto ed = make_key(Dialect::tuf, core::KeyAlgorithm::ed25519);
    EXPECT_EQ(ed.key.scheme(), "ed25519");
    EXPECT_EQ(ed.key.public_text(), core::hex_encode(ed.signer->public_key().ed25519_raw()));
    const std::string canonical = canonical_json(ed.key.to_json());
    EXPECT_EQ(canonical, "{\"keytype\":\"ed25519\",\"keyval\":{\"public\":\"" + ed.key.public_text() +
                             "\"},\"scheme\":\"ed25519\"}");
    EXPECT_EQ(ed.key.id(), KeyId::sha256_of(canonical));
}

TEST(TufKey, KeyIdCoversUnknownFields) {
    auto k = make_key(Dialect::tuf);
    const KeyId plain = k.key.id();
    Key owned = k.key;
    owned.set_extra(JsonObject{{"x-tuf-on-ci-keyowner", Json("@alice")}});
    EXPECT_NE(owned.id(), plain);
    EXPECT_EQ(owned.id(), KeyId::sha256_of(canonical_json(owned.to_json())));
    auto decoded = Key::from_json(Dialect::tuf, owned.to_json());
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->extra().at("x-tuf-on-ci-keyowner"), Json("@alice"));
    EXPECT_EQ(decoded->id(), owned.id());
}

TEST(TufKey, LegacyEcdsaKeytypeWithHexPoint) {
    auto k = make_key(Dialect::tuf);
    const std::string point = core::hex_encode(k.signer->public_key().ec_point());
    Json json = JsonObject{{"keytype", Json("ecdsa-sha2-nistp256")},
                           {"scheme", Json("ecdsa-sha2-nistp256")},
                           {"keyval", Json(JsonObject{{"public", Json(point)}})}};
    auto key = Key::from_json(Dialect::tuf, json);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_TRUE(*key->public_key() == k.signer->public_key());
    EXPECT_EQ(key->to_json(), json);
}

TEST(TufKey, UnsupportedKeyTypesAreKeptVerbatimButCannotSign) {
    Json json = JsonObject{{"keytype", Json("sigstore-oidc")},
                           {"scheme", Json("Fulcio")},
                           {"keyval", Json(JsonObject{{"identity", Json("a@b")}, {"issuer", Json("https://x")}})}};
    auto key = Key::from_json(Dialect::tuf, json);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_FALSE(key->public_key().has_value());
    EXPECT_EQ(key->to_json(), json);
    EXPECT_FALSE(signing_scheme(*key).ok());
}

TEST(Scheme, NotaryEcdsaIsRawSha256WhateverTheCurve) {
    auto k = make_key(Dialect::notary, core::KeyAlgorithm::ecdsa_p384);
    auto scheme = signing_scheme(k.key);
    ASSERT_TRUE(scheme.ok());
    EXPECT_EQ(scheme->hash, core::HashAlgorithm::sha256);
    EXPECT_EQ(scheme->encoding, core::SignatureEncoding::ecdsa_raw);
    EXPECT_EQ(signature_method(k.key), "ecdsa");
    EXPECT_EQ(signature_method(make_key(Dialect::notary, core::KeyAlgorithm::ed25519).key), "eddsa");
}

TEST(Scheme, TufSchemeDecidesHashAndDer) {
    auto k = make_key(Dialect::tuf, core::KeyAlgorithm::ecdsa_p384);
    auto scheme = signing_scheme(k.key);
    ASSERT_TRUE(scheme.ok());
    EXPECT_EQ(scheme->hash, core::HashAlgorithm::sha384);
    EXPECT_EQ(scheme->encoding, core::SignatureEncoding::ecdsa_der);
    EXPECT_EQ(signature_method(k.key), "");
}

TEST(Scheme, NotaryMethodMustFitKeyAndIsCaseInsensitive) {
    auto k = make_key(Dialect::notary);
    EXPECT_TRUE(verification_scheme(k.key, "ECDSA").ok());
    EXPECT_FALSE(verification_scheme(k.key, "eddsa").ok());
    EXPECT_FALSE(verification_scheme(k.key, "rsapss").ok());
    EXPECT_FALSE(verification_scheme(k.key, "hmac").ok());
}

}  // namespace
}  // namespace tufkey::tuf
