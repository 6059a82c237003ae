// The notary and tuf codecs: signed JSON ⇄ model.
#include <gtest/gtest.h>

#include "test_keys.h"
#include "tufkey/core/encoding.h"

namespace tufkey::tuf {
namespace {

using testing::make_key;
using testing::make_root;
using testing::make_targets;
using testing::TestKey;

Json parse(std::string_view text) {
    auto json = parse_json(text);
    EXPECT_TRUE(json.ok()) << (json.ok() ? "" : json.error().message);
    return json.ok() ? *json : Json();
}

TEST(NotaryCodec, RootRoundTripsWithCapitalisedTypeAndConsistentSnapshotFalse) {
    TestKey k = make_key(Dialect::notary);
    auto json = encode_root(Dialect::notary, make_root(Dialect::notary, {&k}));
    ASSERT_TRUE(json.ok());
    EXPECT_EQ(*json->find("_type"), Json("Root"));
    EXPECT_EQ(*json->find("consistent_snapshot"), Json(false));
    EXPECT_EQ(json->find("spec_version"), nullptr);
    auto root = decode_root(Dialect::notary, *json);
    ASSERT_TRUE(root.ok()) << root.error().message;
    EXPECT_EQ(root->keys.begin()->first, k.key.id());
    EXPECT_EQ(root->targets.keyids, std::vector<KeyId>{k.key.id()});
    EXPECT_EQ(*encode_root(Dialect::notary, *root), *json);
}

TEST(NotaryCodec, DelegationsBlockIsAlwaysPresentEvenEmpty) {
    auto json = encode_targets(Dialect::notary, make_targets(Dialect::notary));
    ASSERT_TRUE(json.ok());
    EXPECT_NE(canonical_json(*json).find("\"delegations\":{\"keys\":{},\"roles\":[]}"), std::string::npos);
    auto tuf_json = encode_targets(Dialect::tuf, make_targets(Dialect::tuf));
    ASSERT_TRUE(tuf_json.ok());
    EXPECT_EQ(tuf_json->find("delegations"), nullptr);
}

TEST(NotaryCodec, DelegationPathsOmittedWhenEmptyAndHashesBase64) {
    TestKey k = make_key(Dialect::notary);
    Targets targets = make_targets(Dialect::notary);
    Delegations delegations;
    delegations.keys.emplace(k.key.id(), k.key);
    DelegatedRole none{
        *RoleName::delegated(Dialect::notary, "targets/none"), {k.key.id()}, 1, PathPatterns{}, false, {}};
    DelegatedRole all{
        *RoleName::delegated(Dialect::notary, "targets/releases"), {k.key.id()}, 1, PathPatterns{{""}}, false, {}};
    delegations.roles = {none, all};
    targets.delegations = delegations;
    auto json = encode_targets(Dialect::notary, targets);
    ASSERT_TRUE(json.ok());
    const std::string text = canonical_json(*json);
    EXPECT_NE(text.find("{\"keyids\":[\"" + k.key.id().str() + "\"],\"name\":\"targets/none\",\"threshold\":1}"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\"name\":\"targets/releases\",\"paths\":[\"\"],\"threshold\":1}"), std::string::npos);
    EXPECT_NE(text.find("\"sha256\":\"" + core::base64_encode(core::Bytes(32, 0xab)) + "\""), std::string::npos);
    auto back = decode_targets(Dialect::notary, *json);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*encode_targets(Dialect::notary, *back), *json);
}

TEST(NotaryCodec, RefusesControlCharactersInTargetNames) {
    Targets targets = make_targets(Dialect::notary);
    targets.targets.emplace("bad\nname", TargetFile{1, {{"sha256", core::Bytes(32)}}, std::nullopt, {}});
    auto encoded = encode_targets(Dialect::notary, targets);
    ASSERT_FALSE(encoded.ok());
    EXPECT_EQ(encoded.error().code, core::ErrorCode::usage);
    auto tuf_encoded = encode_targets(Dialect::tuf, [] {
        Targets t = make_targets(Dialect::tuf);
        t.targets.emplace("bad\nname", TargetFile{1, {{"sha256", core::Bytes(32)}}, std::nullopt, {}});
        return t;
    }());
    ASSERT_TRUE(tuf_encoded.ok());
    auto decoded = decode_targets(
        Dialect::notary,
        parse(
            R"({"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2030-01-01T00:00:00Z",)"
            R"("targets":{"a\u0001b":{"hashes":{"sha256":"qZv7b8tcHRHoOc9yhzCSS+XmdVEhpmJwqncB4N2f+/I="},"length":1}},"version":1})"));
    EXPECT_FALSE(decoded.ok());
}

TEST(NotaryCodec, SnapshotMetaHasNoVersionAndNeedsRootAndTargetsSha256) {
    const std::string meta_entry =
        R"({"hashes":{"sha256":"qZv7b8tcHRHoOc9yhzCSS+XmdVEhpmJwqncB4N2f+/I="},"length":10})";
    const std::string good = R"({"_type":"Snapshot","expires":"2030-01-01T00:00:00Z","meta":{"root":)" + meta_entry +
                             R"(,"targets":)" + meta_entry + R"(},"version":3})";
    auto snapshot = decode_snapshot(Dialect::notary, parse(good));
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
    EXPECT_FALSE(snapshot->meta.at("root").version.has_value());
    EXPECT_EQ(*snapshot->meta.at("root").length, 10u);
    EXPECT_EQ(canonical_json(*encode_snapshot(Dialect::notary, *snapshot)), good);
    const std::string no_targets =
        R"({"_type":"Snapshot","expires":"2030-01-01T00:00:00Z","meta":{"root":)" + meta_entry + R"(},"version":3})";
    EXPECT_FALSE(decode_snapshot(Dialect::notary, parse(no_targets)).ok());
}

TEST(Codec, WrongTypeIsRefusedExactly) {
    TestKey k = make_key(Dialect::tuf);
    Json json = *encode_root(Dialect::tuf, make_root(Dialect::tuf, {&k}));
    json.as_object()["_type"] = Json("Root");  // the notary spelling in a tuf document
    auto root = decode_root(Dialect::tuf, json);
    ASSERT_FALSE(root.ok());
    EXPECT_EQ(root.error().code, core::ErrorCode::trust);
    EXPECT_EQ(root.error().message, "root: _type is \"Root\", expected \"root\"");
    EXPECT_EQ(root.error().reason, core::TrustReason::wrong_type);
    auto as_targets = decode_targets(Dialect::tuf, *encode_root(Dialect::tuf, make_root(Dialect::tuf, {&k})));
    EXPECT_FALSE(as_targets.ok());
}

TEST(Codec, RootRolesMustListPresentKeysAndThresholdAtLeastOne) {
    TestKey k = make_key(Dialect::tuf);
    Root root = make_root(Dialect::tuf, {&k});
    root.snapshot.keyids.push_back(*KeyId::parse(std::string(64, 'e')));
    EXPECT_FALSE(decode_root(Dialect::tuf, *encode_root(Dialect::tuf, root)).ok());
    Json json = *encode_root(Dialect::tuf, make_root(Dialect::tuf, {&k}));
    json.as_object()["roles"].as_object()["timestamp"].as_object()["threshold"] = Json(0);
    EXPECT_FALSE(decode_root(Dialect::tuf, json).ok());
    json = *encode_root(Dialect::tuf, make_root(Dialect::tuf, {&k}));
    json.as_object()["version"] = Json(0);
    EXPECT_FALSE(decode_root(Dialect::tuf, json).ok());
}

TEST(TufCodec, SpecVersionAcceptsOneDotZeroAndWritesCurrent) {
    TestKey k = make_key(Dialect::tuf);
    Json json = *encode_root(Dialect::tuf, make_root(Dialect::tuf, {&k}));
    EXPECT_EQ(*json.find("spec_version"), Json("1.0.31"));
    for (const char* accepted : {"1.0", "1.0.0", "1.0.34"}) {
        json.as_object()["spec_version"] = Json(accepted);
        auto root = decode_root(Dialect::tuf, json);
        ASSERT_TRUE(root.ok()) << accepted;
        EXPECT_EQ(*encode_root(Dialect::tuf, *root)->find("spec_version"), Json(accepted));
    }
    for (const char* refused : {"2.0.0", "1.1", "1.0.", "1.0.x", "1"}) {
        json.as_object()["spec_version"] = Json(refused);
        EXPECT_FALSE(decode_root(Dialect::tuf, json).ok()) << refused;
    }
}

// A tuf targets document with unknown members at every level.
constexpr const char* kTufTargetsWithUnknowns =
    R"({"_type":"targets","delegations":{"keys":{},"roles":[)"
    R"({"keyids":[],"name":"bins/0","path_hash_prefixes":["0","1"],"terminating":true,"threshold":1,"x-role":1},)"
    R"({"keyids":[],"name":"a/*","paths":["a/*.tgz"],"terminating":false,"threshold":2}],"x-deleg":[true]},)"
    R"("expires":"2030-01-01T00:00:00Z","spec_version":"1.0.31",)"
    R"("targets":{"a/b.tgz":{"custom":{"z":1},"hashes":{"sha256":"abcd"},"length":4,"x-file":"f"}},)"
    R"("version":7,"x-signed":{"nested":null}})";

TEST(TufCodec, UnknownFieldsRoundTrip) {
    const Json json = parse(kTufTargetsWithUnknowns);
    auto targets = decode_targets(Dialect::tuf, json);
    ASSERT_TRUE(targets.ok()) << targets.error().message;
    EXPECT_EQ(targets->extra.at("x-signed"), parse(R"({"nested":null})"));
    EXPECT_EQ(targets->delegations->roles[0].extra.at("x-role"), Json(1));
    EXPECT_TRUE(std::holds_alternative<PathHashPrefixes>(targets->delegations->roles[0].paths));
    EXPECT_TRUE(targets->delegations->roles[0].terminating);
    EXPECT_EQ(targets->targets.at("a/b.tgz").hashes.at("sha256"), (core::Bytes{0xab, 0xcd}));
    auto encoded = encode_targets(Dialect::tuf, *targets);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(canonical_json(*encoded), canonical_json(json));
}

TEST(TufCodec, DelegatedRoleNeedsExactlyOneOfPathsAndHashPrefixes) {
    std::string text = kTufTargetsWithUnknowns;
    const std::string from = R"("path_hash_prefixes":["0","1"],)";
    text.replace(text.find(from), from.size(), R"("path_hash_prefixes":["0"],"paths":["x"],)");
    EXPECT_FALSE(decode_targets(Dialect::tuf, parse(text)).ok());
}

TEST(TufCodec, MetaEntriesCarryVersionAndHexHashes) {
    const std::string text =
        R"({"_type":"timestamp","expires":"2030-01-01T00:00:00Z","meta":{"snapshot.json":)"
        R"({"hashes":{"sha256":"00ff"},"length":2,"version":5}},"spec_version":"1.0","version":5})";
    auto timestamp = decode_timestamp(Dialect::tuf, parse(text));
    ASSERT_TRUE(timestamp.ok()) << timestamp.error().message;
    EXPECT_EQ(timestamp->meta.at("snapshot.json").version->value(), 5);
    EXPECT_EQ(canonical_json(*encode_timestamp(Dialect::tuf, *timestamp)), text);
    std::string upper = text;
    upper.replace(upper.find("00ff"), 4, "00FF");
    EXPECT_FALSE(decode_timestamp(Dialect::tuf, parse(upper)).ok());
    std::string other = text;
    other.replace(other.find("snapshot.json"), 13, "targets.json");
    EXPECT_FALSE(decode_timestamp(Dialect::tuf, parse(other)).ok());
}

TEST(Codec, NewExpiryPrecisionPerDialect) {
    const auto t = std::chrono::sys_days(std::chrono::year(2030) / 1 / 2) + std::chrono::nanoseconds(1500000000);
    EXPECT_EQ(new_expiry(Dialect::notary, t).to_string(), "2030-01-02T00:00:01.5Z");
    EXPECT_EQ(new_expiry(Dialect::tuf, t).to_string(), "2030-01-02T00:00:01Z");
}

}  // namespace
}  // namespace tufkey::tuf
