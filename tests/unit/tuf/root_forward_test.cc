// Trusted roots only move forward: the rule every pin (pull --root, bundle import --root,
// client init) goes through, with the attacks it stops, in both dialects.
#include <gtest/gtest.h>

#include "test_keys.h"
#include "tufkey/tuf/root_forward.h"

namespace tufkey::tuf {
namespace {

using testing::make_key;
using testing::make_root;
using testing::sign_with;
using testing::TestKey;

class RootForwardTest : public ::testing::TestWithParam<Dialect> {
protected:
    Dialect dialect() const { return GetParam(); }
    // Root `version` held by `holders`, signed by `signers`, as file bytes.
    std::string root_file(std::int64_t version, const std::vector<TestKey*>& holders,
                          const std::vector<TestKey*>& signers) const {
        Root root = make_root(dialect(), holders);
        root.version = *Version::create(version);
        auto bytes = serialize_envelope(dialect(), sign_with(dialect(), *encode_root(dialect(), root), signers));
        EXPECT_TRUE(bytes.ok());
        return *bytes;
    }
    static constexpr std::string_view kWhat = "the trusted root";
    static constexpr std::string_view kStartOver = "use a new home (--home DIR)";
};

std::string dialect_name(const ::testing::TestParamInfo<Dialect>& info) { return to_string(info.param); }
INSTANTIATE_TEST_SUITE_P(BothDialects, RootForwardTest, ::testing::Values(Dialect::notary, Dialect::tuf), dialect_name);

TEST_P(RootForwardTest, AnOlderPinIsARollbackNamingBothVersionsAndTheWayToStartOver) {
    TestKey a = make_key(dialect()), b = make_key(dialect());
    const std::string v1 = root_file(1, {&a}, {&a});
    const std::string v2 = root_file(2, {&b}, {&a, &b});
    auto pin = compare_root_pin(dialect(), v2, v1, kWhat, kStartOver);
    ASSERT_FALSE(pin.ok());
    EXPECT_EQ(pin.error().code, core::ErrorCode::refused);
    EXPECT_NE(pin.error().message.find("version 1"), std::string::npos) << pin.error().message;
    EXPECT_NE(pin.error().message.find("version 2"), std::string::npos) << pin.error().message;
    EXPECT_NE(pin.error().message.find("--home DIR"), std::string::npos) << pin.error().message;
}

TEST_P(RootForwardTest, ASameVersionForkSignedByARetiredKeyIsRefused) {
    TestKey a = make_key(dialect()), b = make_key(dialect()), attacker = make_key(dialect());
    const std::string trusted = root_file(2, {&b}, {&a, &b});
    const std::string fork = root_file(2, {&attacker}, {&a, &attacker});
    auto pin = compare_root_pin(dialect(), trusted, fork, kWhat, kStartOver);
    ASSERT_FALSE(pin.ok());
    EXPECT_EQ(pin.error().code, core::ErrorCode::refused);
    EXPECT_NE(pin.error().message.find("fork"), std::string::npos) << pin.error().message;
}

TEST_P(RootForwardTest, TheSameRootIsAcceptedAsIs) {
    TestKey a = make_key(dialect());
    const std::string v1 = root_file(1, {&a}, {&a});
    auto pin = compare_root_pin(dialect(), v1, v1, kWhat, kStartOver);
    ASSERT_TRUE(pin.ok()) << pin.error().message;
    EXPECT_TRUE(pin->same());
    EXPECT_TRUE(check_pin_reached(dialect(), *pin, {}, kWhat, kStartOver).ok());
}

TEST_P(RootForwardTest, ANewerPinMustBeReachedByTheChainFromTheTrustedRoot) {
    TestKey a = make_key(dialect()), b = make_key(dialect()), other = make_key(dialect());
    const std::string v1 = root_file(1, {&a}, {&a});
    const std::string v2 = root_file(2, {&b}, {&a, &b});
    auto pin = compare_root_pin(dialect(), v1, v2, kWhat, kStartOver);
    ASSERT_TRUE(pin.ok()) << pin.error().message;
    EXPECT_TRUE(check_pin_reached(dialect(), *pin, {{1, v1}, {2, v2}}, kWhat, kStartOver).ok());
    // The chain the source served ends below the pin, or holds another version 2.
    auto short_chain = check_pin_reached(dialect(), *pin, {{1, v1}}, kWhat, kStartOver);
    ASSERT_FALSE(short_chain.ok());
    EXPECT_EQ(short_chain.error().code, core::ErrorCode::refused);
    const std::string other_v2 = root_file(2, {&other}, {&a, &other});
    EXPECT_FALSE(check_pin_reached(dialect(), *pin, {{1, v1}, {2, other_v2}}, kWhat, kStartOver).ok());
}

TEST_P(RootForwardTest, ASuccessorNeedsTheOldAndTheNewThreshold) {
    TestKey a = make_key(dialect()), b = make_key(dialect());
    const std::string v1 = root_file(1, {&a}, {&a});
    const auto now = std::chrono::system_clock::now();
    auto good = check_root_successor(dialect(), v1, root_file(2, {&b}, {&a, &b}), now, kWhat, kStartOver);
    ASSERT_TRUE(good.ok()) << good.error().message;
    EXPECT_TRUE(*good);
    auto same = check_root_successor(dialect(), v1, v1, now, kWhat, kStartOver);
    ASSERT_TRUE(same.ok());
    EXPECT_FALSE(*same);
    auto only_new = check_root_successor(dialect(), v1, root_file(2, {&b}, {&b}), now, kWhat, kStartOver);
    ASSERT_FALSE(only_new.ok());
    EXPECT_EQ(only_new.error().code, core::ErrorCode::refused);
    auto skipped = check_root_successor(dialect(), v1, root_file(3, {&b}, {&a, &b}), now, kWhat, kStartOver);
    ASSERT_FALSE(skipped.ok());
    EXPECT_NE(skipped.error().message.find("refresh"), std::string::npos) << skipped.error().message;
}

}  // namespace
}  // namespace tufkey::tuf
