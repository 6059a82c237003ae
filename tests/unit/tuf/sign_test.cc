// Signing: key IDs per dialect, re-signing keeps other keys' still-valid signatures.
#include <gtest/gtest.h>

#include "test_keys.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::tuf {
namespace {

using testing::make_key;
using testing::make_targets;
using testing::TestKey;

TEST(Sign, ResigningKeepsOtherValidSignaturesAfterTheNewOnes) {
    TestKey a = make_key(Dialect::notary), b = make_key(Dialect::notary);
    KeyMap known;
    known.emplace(a.key.id(), a.key);
    known.emplace(b.key.id(), b.key);
    Envelope envelope =
        testing::sign_with(Dialect::notary, *encode_targets(Dialect::notary, make_targets(Dialect::notary)), {&a});
    const SigningKey by_b[] = {SigningKey{b.key, *b.signer}};
    ASSERT_TRUE(sign_envelope(Dialect::notary, envelope, by_b, known).ok());
    ASSERT_EQ(envelope.signatures.size(), 2u);
    EXPECT_EQ(envelope.signatures[0].keyid, b.key.id().str());
    EXPECT_EQ(envelope.signatures[1].keyid, a.key.id().str());
}

TEST(Sign, SignaturesOfChangedContentOrUnknownKeysAreDropped) {
    TestKey a = make_key(Dialect::tuf), b = make_key(Dialect::tuf);
    KeyMap known;
    known.emplace(a.key.id(), a.key);
    known.emplace(b.key.id(), b.key);
    Envelope envelope =
        testing::sign_with(Dialect::tuf, *encode_targets(Dialect::tuf, make_targets(Dialect::tuf)), {&a});
    envelope.signed_part.as_object()["version"] = Json(2);
    const SigningKey by_b[] = {SigningKey{b.key, *b.signer}};
    ASSERT_TRUE(sign_envelope(Dialect::tuf, envelope, by_b, known).ok());
    ASSERT_EQ(envelope.signatures.size(), 1u);
    EXPECT_EQ(envelope.signatures[0].keyid, b.key.id().str());
    Envelope unchanged = testing::sign_with(Dialect::tuf, envelope.signed_part, {&a});
    ASSERT_TRUE(sign_envelope(Dialect::tuf, unchanged, by_b, KeyMap{}).ok());
    EXPECT_EQ(unchanged.signatures.size(), 1u);  // a's signature is dropped: a is not a known key
}

TEST(Sign, SignerMustHoldTheKeysPrivateHalf) {
    TestKey a = make_key(Dialect::notary), b = make_key(Dialect::notary);
    Envelope envelope = make_envelope(*encode_targets(Dialect::notary, make_targets(Dialect::notary)));
    const SigningKey mismatched[] = {SigningKey{a.key, *b.signer}};
    auto result = sign_envelope(Dialect::notary, envelope, mismatched, KeyMap{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, core::ErrorCode::usage);
    EXPECT_TRUE(envelope.signatures.empty());
}

TEST(Sign, KeyMustBeInTheEnvelopesDialect) {
    TestKey a = make_key(Dialect::tuf);
    Envelope envelope = make_envelope(*encode_targets(Dialect::notary, make_targets(Dialect::notary)));
    const SigningKey wrong[] = {SigningKey{a.key, *a.signer}};
    EXPECT_FALSE(sign_envelope(Dialect::notary, envelope, wrong, KeyMap{}).ok());
}

}  // namespace
}  // namespace tufkey::tuf
