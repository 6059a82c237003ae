// Verification rules, each with the attack or defect it stops.
#include <gtest/gtest.h>

#include "test_keys.h"
#include "tufkey/core/certificate.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::tuf {
namespace {

using testing::make_key;
using testing::make_root;
using testing::make_targets;
using testing::sign_with;
using testing::TestKey;

class VerifyTest : public ::testing::TestWithParam<Dialect> {
protected:
    Dialect dialect() const { return GetParam(); }
    Json targets_json() const { return *encode_targets(dialect(), make_targets(dialect())); }
};

std::string dialect_name(const ::testing::TestParamInfo<Dialect>& param_info) { return to_string(param_info.param); }

INSTANTIATE_TEST_SUITE_P(BothDialects, VerifyTest, ::testing::Values(Dialect::notary, Dialect::tuf), dialect_name);

TEST_P(VerifyTest, ValidSignatureMeetsThreshold) {
    for (auto alg : {core::KeyAlgorithm::ecdsa_p256, core::KeyAlgorithm::ecdsa_p384, core::KeyAlgorithm::ed25519,
                     core::KeyAlgorithm::rsa}) {
        TestKey k = make_key(dialect(), alg);
        const Root root = make_root(dialect(), {&k});
        auto report =
            verify_top_level(dialect(), root, RoleName::targets(), sign_with(dialect(), targets_json(), {&k}));
        ASSERT_TRUE(report.ok()) << core::to_string(alg) << ": " << report.error().message;
        EXPECT_EQ(report->valid_key_ids, std::vector<KeyId>{k.key.id()});
    }
}

TEST_P(VerifyTest, BadSignatureFailsThreshold) {
    TestKey k = make_key(dialect());
    Envelope envelope = sign_with(dialect(), targets_json(), {&k});
    core::Bytes sig = *decode_signature_value(dialect(), envelope.signatures[0]);
    sig[sig.size() / 2] ^= 0x01;
    envelope.signatures[0].sig = encode_signature_value(dialect(), sig);
    auto report = verify_top_level(dialect(), make_root(dialect(), {&k}), RoleName::targets(), envelope);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, core::ErrorCode::trust);
    EXPECT_EQ(report.error().message, "targets: valid signatures did not meet threshold (0 of 1 distinct keys)");
    EXPECT_EQ(report.error().reason, core::TrustReason::threshold);
}

TEST_P(VerifyTest, SignatureOverOtherContentFails) {
    TestKey k = make_key(dialect());
    Envelope envelope = sign_with(dialect(), targets_json(), {&k});
    envelope.signed_part.as_object()["version"] = Json(2);
    EXPECT_FALSE(verify_top_level(dialect(), make_root(dialect(), {&k}), RoleName::targets(), envelope).ok());
}

TEST_P(VerifyTest, WrongTypeIsRefusedEvenWhenSigned) {
    TestKey k = make_key(dialect());
    Envelope envelope = sign_with(dialect(), targets_json(), {&k});
    auto report = verify_top_level(dialect(), make_root(dialect(), {&k}), RoleName::snapshot(), envelope);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("snapshot: _type is"), std::string::npos) << report.error().message;
    EXPECT_EQ(report.error().reason, core::TrustReason::wrong_type);
}

TEST_P(VerifyTest, KeyIdNotMatchingItsKeyIsRefused) {
    TestKey k = make_key(dialect());
    TestKey other = make_key(dialect());
    Root root = make_root(dialect(), {&k});
    // List k's key under other's ID, and sign with that ID.
    root.keys.clear();
    root.keys.emplace(other.key.id(), k.key);
    root.targets.keyids = {other.key.id()};
    Envelope envelope = sign_with(dialect(), targets_json(), {&k});
    envelope.signatures[0].keyid = other.key.id().str();
    auto report = verify_top_level(dialect(), root, RoleName::targets(), envelope);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("does not match its key"), std::string::npos) << report.error().message;
    EXPECT_EQ(report.error().reason, core::TrustReason::unknown_key);
    EXPECT_FALSE(check_key_ids(RoleName::root(), root.keys).ok());
}

TEST_P(VerifyTest, DuplicateSignatureKeyIdsAreRefused) {
    TestKey k = make_key(dialect());
    Envelope envelope = sign_with(dialect(), targets_json(), {&k});
    envelope.signatures.push_back(envelope.signatures[0]);
    auto report = verify_top_level(dialect(), make_root(dialect(), {&k}), RoleName::targets(), envelope);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("appears more than once"), std::string::npos);
}

TEST_P(VerifyTest, InvalidAndEmptyExtraSignaturesDoNotBreakAMetThreshold) {
    TestKey a = make_key(dialect()), b = make_key(dialect());
    Envelope envelope = sign_with(dialect(), targets_json(), {&a});
    envelope.signatures.push_back(Signature{b.key.id().str(), "ecdsa", "", {}});                 // empty placeholder
    envelope.signatures.push_back(Signature{std::string(64, 'f'), "ecdsa", "!!not-valid", {}});  // unknown, malformed
    envelope.signatures.push_back(Signature{"not-a-key-id", "", "00", {}});
    auto report = verify_top_level(dialect(), make_root(dialect(), {&a, &b}), RoleName::targets(), envelope);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->distinct_keys, 1u);
}

TEST_P(VerifyTest, ThresholdOfTwoNeedsTwoDistinctKeys) {
    TestKey a = make_key(dialect()), b = make_key(dialect());
    const Root root = make_root(dialect(), {&a, &b}, 2);
    EXPECT_TRUE(
        verify_top_level(dialect(), root, RoleName::root(), sign_with(dialect(), targets_json(), {&a, &b})).ok() ==
        false);  // a targets document is not a root
    Json root_json = *encode_root(dialect(), root);
    EXPECT_TRUE(verify_top_level(dialect(), root, RoleName::root(), sign_with(dialect(), root_json, {&a, &b})).ok());
    auto one = verify_top_level(dialect(), root, RoleName::root(), sign_with(dialect(), root_json, {&a}));
    ASSERT_FALSE(one.ok());
    EXPECT_EQ(one.error().message, "root: valid signatures did not meet threshold (1 of 2 distinct keys)");
    EXPECT_EQ(one.error().reason, core::TrustReason::threshold);
}

TEST(VerifyNotary, OneKeyListedUnderTwoIdsCountsOnce) {
    // The same ECDSA key as a bare "ecdsa" key and as an "ecdsa-x509" certificate: two key IDs.
    TestKey bare = make_key(Dialect::notary);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto pem = core::make_self_signed_certificate(*bare.signer, "example.com/app", now, now + std::chrono::hours(24));
    ASSERT_TRUE(pem.ok());
    Key cert_key = *Key::notary_x509(*pem);
    TestKey cert{nullptr, cert_key};
    ASSERT_NE(cert_key.id(), bare.key.id());
    Root root = make_root(Dialect::notary, {&bare}, 2);
    root.keys.emplace(cert_key.id(), cert_key);
    root.root.keyids.push_back(cert_key.id());
    const Json root_json = *encode_root(Dialect::notary, root);
    Envelope envelope = make_envelope(root_json);
    const SigningKey signing[] = {SigningKey{bare.key, *bare.signer}, SigningKey{cert_key, *bare.signer}};
    ASSERT_TRUE(sign_envelope(Dialect::notary, envelope, signing, root.keys).ok());
    ASSERT_EQ(envelope.signatures.size(), 2u);
    auto report = verify_top_level(Dialect::notary, root, RoleName::root(), envelope);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().message, "root: valid signatures did not meet threshold (1 of 2 distinct keys)");
    EXPECT_EQ(report.error().reason, core::TrustReason::threshold);
}

TEST(VerifyNotary, EcdsaSignaturesAreRawRS) {
    TestKey k = make_key(Dialect::notary);
    Envelope envelope =
        sign_with(Dialect::notary, *encode_targets(Dialect::notary, make_targets(Dialect::notary)), {&k});
    EXPECT_EQ(envelope.signatures[0].method, "ecdsa");
    EXPECT_EQ(decode_signature_value(Dialect::notary, envelope.signatures[0])->size(), 64u);
}

TEST(VerifyTuf, EcdsaSignaturesAreDer) {
    TestKey k = make_key(Dialect::tuf);
    Envelope envelope = sign_with(Dialect::tuf, *encode_targets(Dialect::tuf, make_targets(Dialect::tuf)), {&k});
    EXPECT_EQ(decode_signature_value(Dialect::tuf, envelope.signatures[0])->at(0), 0x30);
}

TEST_P(VerifyTest, RootUpdateNeedsOldAndNewRootKeys) {
    TestKey old_key = make_key(dialect()), new_key = make_key(dialect());
    const Root trusted = make_root(dialect(), {&old_key});
    Root next = make_root(dialect(), {&new_key});
    next.version = trusted.version.next();
    const Json next_json = *encode_root(dialect(), next);
    auto only_new = verify_root_update(dialect(), trusted, sign_with(dialect(), next_json, {&new_key}));
    ASSERT_FALSE(only_new.ok());
    EXPECT_NE(only_new.error().message.find("root (trusted root keys)"), std::string::npos);
    EXPECT_EQ(only_new.error().reason, core::TrustReason::threshold);
    auto only_old = verify_root_update(dialect(), trusted, sign_with(dialect(), next_json, {&old_key}));
    ASSERT_FALSE(only_old.ok());
    EXPECT_NE(only_old.error().message.find("root (new root keys)"), std::string::npos);
    EXPECT_EQ(only_old.error().reason, core::TrustReason::threshold);
    auto both = verify_root_update(dialect(), trusted, sign_with(dialect(), next_json, {&old_key, &new_key}));
    ASSERT_TRUE(both.ok()) << both.error().message;
    EXPECT_TRUE(check_version_greater(RoleName::root(), both->version, trusted.version).ok());
}

TEST_P(VerifyTest, DelegatedRoleVerifiesAgainstItsParent) {
    TestKey k = make_key(dialect());
    const RoleName name = *RoleName::delegated(dialect(), "targets/releases");
    Delegations delegations;
    delegations.keys.emplace(k.key.id(), k.key);
    delegations.roles.push_back(DelegatedRole{name, {k.key.id()}, 1, PathPatterns{{""}}, false, {}});
    ASSERT_TRUE(check_delegations(dialect(), RoleName::targets(), delegations).ok());
    Envelope envelope = sign_with(dialect(), targets_json(), {&k});
    EXPECT_TRUE(verify_delegated(dialect(), delegations, name, envelope).ok());
    const RoleName stranger = *RoleName::delegated(dialect(), "targets/other");
    auto report = verify_delegated(dialect(), delegations, stranger, envelope);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().message, "targets/other: is not delegated by its parent");
    EXPECT_EQ(report.error().reason, core::TrustReason::delegation);
}

TEST(VerifyTuf, DelegatedThresholdOfTwoMetByOneKeyUnderTwoIdsIsRefused) {
    // One key listed twice (a second object with an extra member has its own TUF key ID) must
    // not count as two signers of a role whose delegation asks for two.
    TestKey a = make_key(Dialect::tuf), b = make_key(Dialect::tuf);
    Key copy = a.key;
    copy.set_extra(JsonObject{{"x-tufkey-test", "the same key under a second ID"}});
    ASSERT_NE(copy.id(), a.key.id());
    const RoleName name = *RoleName::delegated(Dialect::tuf, "team");
    Delegations delegations;
    for (const Key* k : {&a.key, &copy, &b.key}) delegations.keys.emplace(k->id(), *k);
    delegations.roles.push_back(
        DelegatedRole{name, {a.key.id(), copy.id(), b.key.id()}, 2, PathPatterns{{"*"}}, false, {}});
    ASSERT_TRUE(check_delegations(Dialect::tuf, RoleName::targets(), delegations).ok());
    const Json signed_part = *encode_targets(Dialect::tuf, testing::make_targets(Dialect::tuf));
    Envelope twice = make_envelope(signed_part);
    const SigningKey one_key[] = {SigningKey{a.key, *a.signer}, SigningKey{copy, *a.signer}};
    ASSERT_TRUE(sign_envelope(Dialect::tuf, twice, one_key, delegations.keys).ok());
    ASSERT_EQ(twice.signatures.size(), 2u);
    auto refused = verify_delegated(Dialect::tuf, delegations, name, twice);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().reason, core::TrustReason::threshold);
    EXPECT_EQ(refused.error().message, "team: valid signatures did not meet threshold (1 of 2 distinct keys)");
    // Two distinct keys do meet it.
    EXPECT_TRUE(verify_delegated(Dialect::tuf, delegations, name, sign_with(Dialect::tuf, signed_part, {&a, &b})).ok());
}

TEST(VerifyNotary, DelegationsMustBeDirectChildren) {
    Delegations delegations;
    delegations.roles.push_back(
        DelegatedRole{*RoleName::delegated(Dialect::notary, "targets/a/b"), {}, 1, PathPatterns{}, false, {}});
    EXPECT_FALSE(check_delegations(Dialect::notary, RoleName::targets(), delegations).ok());
    EXPECT_TRUE(
        check_delegations(Dialect::notary, *RoleName::delegated(Dialect::notary, "targets/a"), delegations).ok());
}

}  // namespace
}  // namespace tufkey::tuf
