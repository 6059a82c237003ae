// tuf::TrustedSet on its own: the order of updates and what it keeps after a failed check.
#include <gtest/gtest.h>

#include "client_fixture.h"
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::testing {
namespace {

using tuf::Dialect;
using tuf::RoleName;
using tuf::TrustedSet;

TrustedSet trusted(const TestRepository& repo, std::chrono::hours later = std::chrono::hours(0)) {
    return TrustedSet::create(Dialect::tuf, repo.initial_root(), std::chrono::system_clock::now() + later).value();
}

TEST(TrustedSet, UpdatesMustComeInWorkflowOrder) {
    TestRepository repo;
    TrustedSet set = trusted(repo);
    auto early = set.update_snapshot(*repo.file("metadata/1.snapshot.json"), false);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, core::ErrorCode::internal);
    ASSERT_TRUE(set.update_timestamp(*repo.file("metadata/timestamp.json")));
    ASSERT_TRUE(succeeded(set.update_snapshot(*repo.file("metadata/1.snapshot.json"), false)));
    EXPECT_FALSE(set.update_timestamp(*repo.file("metadata/timestamp.json")));
    EXPECT_FALSE(set.update_root(repo.initial_root()));
    ASSERT_TRUE(
        succeeded(set.update_targets(*repo.file("metadata/1.targets.json"), RoleName::targets(), RoleName::root())));
    EXPECT_FALSE(set.update_snapshot(*repo.file("metadata/1.snapshot.json"), false));
    EXPECT_NE(set.targets(RoleName::targets()), nullptr);
}

TEST(TrustedSet, RootRollbackToTheSameVersionIsRefused) {
    TestRepository repo;
    TrustedSet set = trusted(repo);
    auto again = set.update_root(repo.initial_root());
    EXPECT_TRUE(refused(again, core::TrustReason::version_mismatch));
    EXPECT_EQ(set.root().version.value(), 1);
}

TEST(TrustedSet, ExpiredTimestampStaysTheRollbackBaseline) {
    TestRepository repo;
    repo.timestamp.version = tuf::Version::create(5).value();
    repo.timestamp.expires = TestRepository::expiry_in(std::chrono::hours(-1));
    const std::string expired_v5 = repo.publish_timestamp();
    repo.timestamp.version = tuf::Version::create(4).value();
    repo.timestamp.expires = TestRepository::expiry_in(std::chrono::hours(24));
    const std::string valid_v4 = repo.publish_timestamp();
    TrustedSet set = trusted(repo);
    EXPECT_TRUE(refused(set.update_timestamp(expired_v5), core::TrustReason::expired));  // kept as baseline
    ASSERT_NE(set.timestamp(), nullptr);
    auto rollback = set.update_timestamp(valid_v4);
    EXPECT_TRUE(refused(rollback, core::TrustReason::rollback));
    EXPECT_EQ(rollback.error().message.rfind("timestamp: ", 0), 0u) << rollback.error().message;
}

TEST(TrustedSet, EqualTimestampVersionIsUnchangedNotAnError) {
    TestRepository repo;
    TrustedSet set = trusted(repo);
    ASSERT_EQ(*set.update_timestamp(*repo.file("metadata/timestamp.json")), tuf::TimestampUpdate::updated);
    repo.timestamp.expires = TestRepository::expiry_in(std::chrono::hours(99));
    auto again = set.update_timestamp(repo.publish_timestamp());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, tuf::TimestampUpdate::unchanged);
    EXPECT_NE(set.timestamp()->expires, repo.timestamp.expires);
}

TEST(TrustedSet, KeyRotationIsDetectedPerRole) {
    TestRepository repo;
    const tuf::Root before = repo.root;
    repo.rotate_keys("snapshot");
    EXPECT_TRUE(tuf::role_keys_rotated(before, repo.root, RoleName::snapshot()));
    EXPECT_FALSE(tuf::role_keys_rotated(before, repo.root, RoleName::timestamp()));
    tuf::Root threshold_only = before;
    threshold_only.timestamp.threshold = 2;
    EXPECT_TRUE(tuf::role_keys_rotated(before, threshold_only, RoleName::timestamp()));
}

}  // namespace
}  // namespace tufkey::testing
