// RoleName, Version, KeyId and Expiry.
#include <gtest/gtest.h>

#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/key_id.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::tuf {
namespace {

using namespace std::chrono;

TEST(RoleName, TopLevelNamesParseInBothDialects) {
    for (Dialect d : {Dialect::notary, Dialect::tuf}) {
        auto r = RoleName::parse(d, "snapshot");
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->kind(), RoleKind::snapshot);
        EXPECT_FALSE(r->is_delegated());
    }
}

TEST(RoleName, NotaryDelegationNamesFollowNotaryRules) {
    EXPECT_TRUE(RoleName::parse(Dialect::notary, "targets/releases").ok());
    EXPECT_TRUE(RoleName::parse(Dialect::notary, "targets/a/b-c_1").ok());
    for (const char* bad : {"targets/", "targets//a", "targets/a/", "Targets/x", "foo/bar", "targets/a b", "targets/A",
                            "targets/a.b", "releases"}) {
        auto r = RoleName::parse(Dialect::notary, bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, core::ErrorCode::usage);
        }
    }
    EXPECT_FALSE(RoleName::parse(Dialect::notary, "targets/" + std::string(248, 'a')).ok());  // 256 chars
    EXPECT_TRUE(RoleName::parse(Dialect::notary, "targets/" + std::string(247, 'a')).ok());   // 255 chars
}

TEST(RoleName, TufDelegationNamesAreAnyNonEmptyStringButStoredSafely) {
    auto r = RoleName::parse(Dialect::tuf, "../etc/pass wd%");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->is_delegated());
    EXPECT_EQ(r->str(), "../etc/pass wd%");
    EXPECT_EQ(r->quoted(), "..%2Fetc%2Fpass%20wd%25");
    EXPECT_FALSE(RoleName::parse(Dialect::tuf, "").ok());
}

TEST(RoleName, DelegatedRefusesTopLevelNames) {
    EXPECT_FALSE(RoleName::delegated(Dialect::tuf, "root").ok());
    EXPECT_FALSE(RoleName::delegated(Dialect::notary, "targets").ok());
}

TEST(RoleName, TypeNamesPerDialect) {
    EXPECT_STREQ(type_name(Dialect::notary, RoleKind::root), "Root");
    EXPECT_STREQ(type_name(Dialect::tuf, RoleKind::timestamp), "timestamp");
    EXPECT_STREQ(type_name(Dialect::notary, RoleKind::delegated), "Targets");
}

TEST(Version, StartsAtOne) {
    EXPECT_FALSE(Version::create(0).ok());
    EXPECT_FALSE(Version::create(-3).ok());
    EXPECT_EQ(Version::create(1)->value(), 1);
    EXPECT_EQ(Version().value(), 1);
    EXPECT_EQ(Version().next().value(), 2);
}

TEST(Version, RollbackHelpers) {
    const Version v2 = *Version::create(2), v3 = *Version::create(3);
    EXPECT_TRUE(check_version_greater(RoleName::root(), v3, v2).ok());
    auto equal = check_version_greater(RoleName::root(), v2, v2);
    ASSERT_FALSE(equal.ok());
    EXPECT_EQ(equal.error().code, core::ErrorCode::trust);
    EXPECT_EQ(equal.error().message, "root: version 2 is not greater than the trusted version 2 (rollback)");
    EXPECT_EQ(equal.error().reason, core::TrustReason::rollback);
    EXPECT_TRUE(check_version_not_lower(RoleName::timestamp(), v2, v2).ok());
    EXPECT_FALSE(check_version_not_lower(RoleName::timestamp(), v2, v3).ok());
    EXPECT_TRUE(check_version_equal(RoleName::snapshot(), v3, v3).ok());
    EXPECT_FALSE(check_version_equal(RoleName::snapshot(), v2, v3).ok());
}

TEST(KeyId, OnlyLowercaseSha256Hex) {
    EXPECT_TRUE(KeyId::parse(std::string(64, 'a')).ok());
    EXPECT_FALSE(KeyId::parse(std::string(64, 'A')).ok());
    EXPECT_FALSE(KeyId::parse(std::string(63, 'a')).ok());
    EXPECT_FALSE(KeyId::parse(std::string(64, 'g')).ok());
}

TEST(Expiry, RoundTripsNotaryOffsetsAndFractionsByteExactly) {
    for (const char* text : {"2116-07-03T17:56:36.027379879-05:00", "2116-07-03T23:08:08.447842546Z",
                             "2029-11-22T14:20:15.1Z", "2029-11-22T14:20:15.100Z", "2030-01-01T00:00:00Z",
                             "2030-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00"}) {
        auto e = Expiry::parse(text);
        ASSERT_TRUE(e.ok()) << text;
        EXPECT_EQ(e->to_string(), text);
    }
}

TEST(Expiry, OffsetIsAppliedToTheInstant) {
    auto with_offset = Expiry::parse("2116-07-03T17:56:36.027379879-05:00");
    auto utc = Expiry::parse("2116-07-03T22:56:36.027379879Z");
    ASSERT_TRUE(with_offset.ok() && utc.ok());
    EXPECT_EQ(*with_offset, *utc);
    EXPECT_EQ(with_offset->utc_offset_minutes(), -300);
    EXPECT_EQ(with_offset->nanoseconds(), 27379879u);
    EXPECT_LT(*Expiry::parse("2020-01-01T00:30:00+01:00"), *Expiry::parse("2020-01-01T00:00:00Z"));
}

TEST(Expiry, RefusesMalformedTimes) {
    for (const char* bad :
         {"2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z", "2020-01-01T00:00:60Z", "2020-01-01t00:00:00Z",
          "2020-01-01T00:00:00z", "2020-01-01T00:00:00", "2020-01-01T00:00:00.Z", "2020-01-01T00:00:00.1234567890Z",
          "2020-01-01 00:00:00Z", "2020-01-01T00:00:00+0100", "2020-01-01T00:00:00+24:00", "20-01-01T00:00:00Z"}) {
        auto e = Expiry::parse(bad);
        EXPECT_FALSE(e.ok()) << bad;
        if (!e.ok()) {
            EXPECT_EQ(e.error().code, core::ErrorCode::trust);
        }
    }
}

TEST(Expiry, NewExpiriesFormatAsGoRfc3339Nano) {
    const auto base = sys_days(year(2029) / 11 / 22) + hours(14) + minutes(20) + seconds(15);
    EXPECT_EQ(Expiry::at(base + nanoseconds(267566470)).to_string(), "2029-11-22T14:20:15.26756647Z");
    EXPECT_EQ(Expiry::at(base + nanoseconds(500000000)).to_string(), "2029-11-22T14:20:15.5Z");
    EXPECT_EQ(Expiry::at(base).to_string(), "2029-11-22T14:20:15Z");
    EXPECT_EQ(Expiry::at_seconds(base).to_string(), "2029-11-22T14:20:15Z");
}

TEST(Expiry, ExpiredAtAndAfterTheInstant) {
    const auto instant = sys_days(year(2030) / 1 / 1);
    const Expiry e = Expiry::at_seconds(instant);
    EXPECT_FALSE(e.is_expired_at(instant - nanoseconds(1)));
    EXPECT_TRUE(e.is_expired_at(instant));
    EXPECT_TRUE(e.is_expired_at(instant + seconds(1)));
    auto check = check_not_expired(RoleName::targets(), e, instant + hours(1));
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(check.error().code, core::ErrorCode::trust);
    EXPECT_EQ(check.error().message, "targets: expired at 2030-01-01T00:00:00Z");
    EXPECT_EQ(check.error().reason, core::TrustReason::expired);
    EXPECT_TRUE(check_not_expired(RoleName::targets(), e, instant - hours(1)).ok());
}

TEST(Expiry, FarFutureYearsBeyondNanosecondRange) {
    auto e = Expiry::parse("9999-01-01T00:00:00Z");
    ASSERT_TRUE(e.ok());
    EXPECT_FALSE(e->is_expired_at(std::chrono::system_clock::now()));
}

}  // namespace
}  // namespace tufkey::tuf
