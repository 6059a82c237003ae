// File envelopes: exact Notary bytes (Go HTML escaping), tuf canonical files, signature lists.
#include <gtest/gtest.h>

#include "test_keys.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::tuf {
namespace {

using testing::make_key;
using testing::make_targets;
using testing::TestKey;

// Written by notary 0.7 (reference/notary-live.md §7), byte for byte.
constexpr std::string_view kNotaryTimestamp =
    R"({"signed":{"_type":"Timestamp","expires":"2026-12-07T14:20:21.137233592Z","meta":{"snapshot":{"hashes":{"sha256":"WejqGZX2XMx/1mBWuMnLzFu5Yf6R099d8QwtROt23CE=","sha512":"Ufy5Y1fSQVOucmRu259naTCwo4bqHCIPBBqZMVLowAwGPAg46mOf26ovOMA6IK9Ulv849ZdwOJyQwVNdtqrYbQ=="},"length":886}},"version":9},"signatures":[{"keyid":"0ba4b95e8b335ec005ab3d20d729a8ac696fc9c148d6ec919a9a5f7fc36f7275","method":"eddsa","sig":"3IGLL7cJtR5RFxhhorcyO+mbC9eQmWIS8BJZ7IJ9ifrleRFXWhoSAq/IK9IiZ91/Eqq4SJR9wc2Uv21JHulZCQ=="}]})";
constexpr std::string_view kNotaryReleases =
    R"({"signed":{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2029-11-22T14:20:21.127917825Z","targets":{"rel1":{"hashes":{"sha256":"qZv7b8tcHRHoOc9yhzCSS+XmdVEhpmJwqncB4N2f+/I=","sha512":"/4GdAFKTKEs6mjZ3qRSE8jLdmFPHmzT1l4byc5SO1+CdVN8XZqj+Nbu/xnNL8aFm9KSjYGWTaXbgYdpe+Py/kg=="},"length":10}},"version":1},"signatures":[{"keyid":"ca66f5919ec20e5d46565fa475b5f0739fb59e334501317871405d9522b60926","method":"ecdsa","sig":"u4ScHArqTWiwTzYAzzFFFepQAOb1ENCca/TtxUk5GBGqjCbMh1tb3/zaeYhtppiy44q3cVsyICmSPrO2QMM/AA=="}]})";

TEST(NotaryEnvelope, RealNotaryFilesReserializeByteForByte) {
    for (std::string_view file : {kNotaryTimestamp, kNotaryReleases}) {
        auto envelope = parse_envelope(Dialect::notary, file, "file");
        ASSERT_TRUE(envelope.ok()) << envelope.error().message;
        EXPECT_EQ(*serialize_envelope(Dialect::notary, *envelope), file);
    }
    auto envelope = parse_envelope(Dialect::notary, kNotaryReleases, "targets/releases");
    auto targets = decode_targets(Dialect::notary, envelope->signed_part);
    ASSERT_TRUE(targets.ok()) << targets.error().message;
    EXPECT_EQ(targets->expires.to_string(), "2029-11-22T14:20:21.127917825Z");
    EXPECT_EQ(canonical_json(*encode_targets(Dialect::notary, *targets)), envelope->signing_bytes());
}

TEST(NotaryEnvelope, RealNotaryTimestampSignatureVerifies) {
    auto envelope = parse_envelope(Dialect::notary, kNotaryTimestamp, "timestamp");
    ASSERT_TRUE(envelope.ok());
    JsonObject keyval{{"private", Json(nullptr)}, {"public", Json("d/xjvjiMVz8/kK2vKOyYnaRCRVL/lp4IJN9aDIQrr5A=")}};
    auto key = Key::from_json(Dialect::notary, JsonObject{{"keytype", Json("ed25519")}, {"keyval", Json(keyval)}});
    ASSERT_TRUE(key.ok());
    KeyMap keys;
    keys.emplace(key->id(), *key);
    auto report = verify_signatures(Dialect::notary, RoleName::timestamp(), *envelope, keys, {key->id()}, 1);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->distinct_keys, 1u);
    auto timestamp = decode_timestamp(Dialect::notary, envelope->signed_part);
    ASSERT_TRUE(timestamp.ok()) << timestamp.error().message;
    EXPECT_EQ(timestamp->version.value(), 9);
    EXPECT_EQ(timestamp->meta.at("snapshot").hashes.at("sha512").size(), 64u);
}

TEST(NotaryEnvelope, HtmlEscapingAppliesToTheFileNotToTheSigningBytes) {
    TestKey k = make_key(Dialect::notary);
    Targets targets = make_targets(Dialect::notary);
    const std::string odd = "weird<tag>&\"q'/\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80\xE2\x80\xA8\x7f\\end";
    targets.targets.emplace(odd, targets.targets.at("v1"));
    auto envelope = testing::sign_with(Dialect::notary, *encode_targets(Dialect::notary, targets), {&k});
    const std::string signing = envelope.signing_bytes();
    EXPECT_NE(signing.find("\"weird<tag>&\\\"q'/\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80\xE2\x80\xA8\x7f\\\\end\""),
              std::string::npos);
    auto file = serialize_envelope(Dialect::notary, envelope);
    ASSERT_TRUE(file.ok());
    EXPECT_NE(
        file->find("\"weird\\u003ctag\\u003e\\u0026\\\"q'/\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80\\u2028\x7f\\\\end\""),
        std::string::npos)
        << *file;
    EXPECT_EQ(file->rfind("{\"signed\":{", 0), 0u);
    EXPECT_NE(file->back(), '\n');
    EXPECT_NE(file->find("},\"signatures\":[{\"keyid\":\"" + k.key.id().str() + "\",\"method\":\"ecdsa\",\"sig\":\""),
              std::string::npos)
        << *file;
    auto back = parse_envelope(Dialect::notary, *file, "targets");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->signing_bytes(), signing);
    EXPECT_EQ(*serialize_envelope(Dialect::notary, *back), *file);
}

TEST(NotaryEnvelope, GoHtmlEscapeOnlyTouchesFiveCharacters) {
    EXPECT_EQ(go_html_escape("<>&\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xAA'/"),
              "\\u003c\\u003e\\u0026\\u2028\\u2029\xE2\x80\xAA'/");
}

TEST(NotaryEnvelope, MethodIsLowerCasedOnRead) {
    std::string file(kNotaryTimestamp);
    file.replace(file.find("\"eddsa\""), 7, "\"EdDSA\"");
    auto envelope = parse_envelope(Dialect::notary, file, "timestamp");
    ASSERT_TRUE(envelope.ok());
    EXPECT_EQ(envelope->signatures[0].method, "eddsa");
}

TEST(Envelope, DuplicateSignatureKeyIdsAreRefused) {
    std::string file(kNotaryTimestamp);
    const std::size_t open = file.find("[{") + 1;
    const std::string sig = file.substr(open, file.size() - 2 - open);
    file.insert(file.size() - 2, "," + sig);
    auto envelope = parse_envelope(Dialect::notary, file, "timestamp");
    ASSERT_FALSE(envelope.ok());
    EXPECT_EQ(envelope.error().code, core::ErrorCode::trust);
    EXPECT_NE(envelope.error().message.find("appears more than once"), std::string::npos);
}

TEST(TufEnvelope, FileIsCanonicalJsonWithHexSignatures) {
    TestKey k = make_key(Dialect::tuf);
    auto envelope = testing::sign_with(Dialect::tuf, *encode_targets(Dialect::tuf, make_targets(Dialect::tuf)), {&k});
    auto file = serialize_envelope(Dialect::tuf, envelope);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->rfind("{\"signatures\":[{\"keyid\":\"" + k.key.id().str() + "\",\"sig\":\"", 0), 0u) << *file;
    auto back = parse_envelope(Dialect::tuf, *file, "targets");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(canonical_json(*parse_json(*file)), *file);
    EXPECT_TRUE(decode_signature_value(Dialect::tuf, back->signatures[0]).ok());
    EXPECT_EQ(back->signatures[0].method, "");
}

TEST(TufEnvelope, UnknownSignatureAndEnvelopeMembersRoundTrip) {
    const std::string file =
        R"({"signatures":[{"keyid":"ab","sig":"","x-sig":1}],"signed":{"_type":"targets"},"x-top":"t"})";
    auto envelope = parse_envelope(Dialect::tuf, file, "targets");
    ASSERT_TRUE(envelope.ok()) << envelope.error().message;
    EXPECT_EQ(*serialize_envelope(Dialect::tuf, *envelope), file);
}

}  // namespace
}  // namespace tufkey::tuf
