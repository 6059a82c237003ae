// The TUF 1.0 client workflow for the top-level roles (§5.3-§5.6), one test per rule or
// attack, against repositories built in memory by tufkey's own tuf/ code.
#include <gtest/gtest.h>

#include "client_fixture.h"

namespace tufkey::testing {
namespace {

using Files = std::vector<std::string>;
constexpr auto kPast = std::chrono::hours(-24);

TEST(ClientTopLevel, BasicRefreshMakesTheMinimalRequestsAndStoresByteExactFiles) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.requests(), (Files{"metadata/2.root.json", "metadata/timestamp.json", "metadata/1.snapshot.json",
                                        "metadata/1.targets.json"}));
    EXPECT_EQ(client.store.files.size(), 4u);
    EXPECT_EQ(client.store.files["timestamp.json"], *repo.file("metadata/timestamp.json"));
    EXPECT_EQ(client.store.files["snapshot.json"], *repo.file("metadata/1.snapshot.json"));
    EXPECT_EQ(client.store.files["targets.json"], *repo.file("metadata/1.targets.json"));
}

TEST(ClientTopLevel, UnchangedRepositoryIsServedFromLocalCopies) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.requests(), (Files{"metadata/2.root.json", "metadata/timestamp.json"}));
}

TEST(ClientTopLevel, NonConsistentSnapshotFetchesPlainNames) {
    TestRepository repo(false);
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.requests(), (Files{"metadata/2.root.json", "metadata/timestamp.json", "metadata/snapshot.json",
                                        "metadata/targets.json"}));
}

TEST(ClientTopLevel, InvalidTrustedRootMakesNoRequest) {
    TestRepository repo;
    Client client(repo);
    client.store.files["root.json"][40] ^= 1;
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::threshold));
    EXPECT_TRUE(client.requests().empty());
}

TEST(ClientRootChain, RootsArePersistedOneByOne) {
    TestRepository repo;
    repo.bump_root();
    repo.bump_root();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.version("root.json"), 3);
    EXPECT_EQ(client.requests().at(2), "metadata/4.root.json");
}

TEST(ClientRootChain, VersionJumpIsRefused) {
    TestRepository repo;
    repo.root.version = tuf::Version::create(3).value();
    repo.publish_root();
    repo.put_file("metadata/2.root.json", *repo.file("metadata/3.root.json"));
    Client client(repo);
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::version_mismatch));
    EXPECT_EQ(client.version("root.json"), 1);
}

TEST(ClientRootChain, RootRollbackIsRefused) {
    TestRepository repo;
    repo.bump_root();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.put_file("metadata/3.root.json", *repo.file("metadata/1.root.json"));
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::version_mismatch));
    EXPECT_EQ(client.version("root.json"), 2);
}

TEST(ClientRootChain, RootNotSignedByTheOldRootIsRefused) {
    TestRepository repo;
    repo.rotate_keys("root");
    repo.extra_root_signers.clear();
    repo.bump_root();
    Client client(repo);
    auto result = client.refresh();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().reason, core::TrustReason::threshold) << result.error().message;
    EXPECT_EQ(client.version("root.json"), 1);
}

TEST(ClientRootChain, RootNotSignedByItsOwnKeysIsRefused) {
    TestRepository repo;
    const auto old_keys = repo.signers("root");
    repo.rotate_keys("root");
    repo.root_signers_override = old_keys;
    repo.bump_root();
    Client client(repo);
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::threshold));
    EXPECT_EQ(client.version("root.json"), 1);
}

TEST(ClientRootChain, RotationSignedByOldAndNewIsAccepted) {
    TestRepository repo;
    repo.rotate_keys("root");
    repo.bump_root();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.version("root.json"), 2);
}

TEST(ClientRootChain, ExpiredFinalRootIsPersistedThenStopsTheUpdate) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.root.expires = TestRepository::expiry_in(kPast);
    repo.bump_root();
    repo.publish_all();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::expired));
    EXPECT_EQ(client.version("root.json"), 2);
    EXPECT_EQ(client.version("targets.json"), 1);
    EXPECT_EQ(client.requests(), (Files{"metadata/2.root.json", "metadata/3.root.json"}));
}

TEST(ClientRootChain, NumberOfRootVersionsIsBounded) {
    TestRepository repo;
    for (int i = 0; i < 4; ++i) repo.bump_root();
    Client client(repo);
    client.limits.max_root_rotations = 2;
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.version("root.json"), 3);
}

TEST(ClientTimestamp, RollbackIsRefused) {
    TestRepository repo;
    repo.update_timestamp();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.timestamp.version = tuf::Version::create(1).value();
    repo.publish_timestamp();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::rollback));
    EXPECT_EQ(client.version("timestamp.json"), 2);
    EXPECT_EQ(client.requests().back(), "metadata/timestamp.json");
}

TEST(ClientTimestamp, SameVersionWithChangedContentIsIgnored) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    const std::string before = client.store.files["timestamp.json"];
    repo.timestamp.expires = TestRepository::expiry_in(std::chrono::hours(48));
    repo.publish_timestamp();
    ASSERT_NE(*repo.file("metadata/timestamp.json"), before);
    EXPECT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.store.files["timestamp.json"], before);
}

TEST(ClientTimestamp, ExpiredTimestampIsRefusedFreeze) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.timestamp.expires = TestRepository::expiry_in(kPast);
    repo.update_timestamp();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::expired));
    EXPECT_EQ(client.version("timestamp.json"), 1);
}

TEST(ClientTimestamp, FrozenRepositoryFailsOnceMetadataExpires) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    EXPECT_TRUE(refused(client.refresh(std::chrono::hours(24 * 400)), core::TrustReason::expired));
}

TEST(ClientTimestamp, ExpiredLocalTimestampStillAllowsAnUpdate) {
    TestRepository repo;
    repo.timestamp.expires = TestRepository::expiry_in(std::chrono::hours(24 * 7));
    repo.publish_timestamp();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.timestamp.expires = TestRepository::expiry_in(std::chrono::hours(24 * 21));
    repo.publish_all();
    EXPECT_TRUE(succeeded(client.refresh(std::chrono::hours(24 * 18))));
    EXPECT_EQ(client.version("targets.json"), 2);
}

TEST(ClientSnapshot, RollbackThroughTimestampIsRefused) {
    TestRepository repo;
    repo.update_snapshot();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.snapshot.version = tuf::Version::create(1).value();
    repo.publish_snapshot();
    repo.update_timestamp();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::rollback));
    EXPECT_EQ(client.version("snapshot.json"), 2);
    EXPECT_EQ(client.version("timestamp.json"), 2);
}

TEST(ClientSnapshot, VersionDifferentFromTimestampIsRefused) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.snapshot.version = tuf::Version::create(5).value();
    repo.publish_snapshot();
    repo.put_file("metadata/2.snapshot.json", *repo.file("metadata/5.snapshot.json"));
    repo.snapshot.version = tuf::Version::create(2).value();
    repo.update_timestamp();  // names snapshot 2, whose file holds a validly signed version 5
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::version_mismatch));
    EXPECT_EQ(client.version("snapshot.json"), 1);
    EXPECT_EQ(client.requests().back(), "metadata/2.snapshot.json");
}

TEST(ClientSnapshot, MixAndMatchSnapshotIsRefusedBeforeSignatures) {
    TestRepository repo;
    repo.meta_hashes = true;
    repo.update_snapshot();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.update_snapshot();  // timestamp now pins 3.snapshot.json's hash
    const std::string pinned = *repo.file("metadata/3.snapshot.json");
    repo.snapshot.expires = TestRepository::expiry_in(std::chrono::hours(24 * 30));
    repo.publish_snapshot();  // a different, validly signed snapshot v3 replaces it
    ASSERT_NE(*repo.file("metadata/3.snapshot.json"), pinned);
    auto result = client.refresh();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().reason, core::TrustReason::hash_mismatch) << result.error().message;
    EXPECT_EQ(client.version("snapshot.json"), 2);
}

TEST(ClientSnapshot, MixAndMatchTargetsIsRefused) {
    TestRepository repo;
    repo.meta_hashes = true;
    repo.add_target("targets", "a.txt", "A");
    repo.publish_all();
    const std::string pinned = *repo.file("metadata/2.targets.json");
    repo.add_target("targets", "evil.txt", "E");
    repo.publish_targets();  // another targets v2, not the one the snapshot pins
    ASSERT_NE(*repo.file("metadata/2.targets.json"), pinned);
    Client client(repo);
    // The substitute is longer than the listed length: the client caps the transfer there, so
    // the fetcher refuses it before any hash is computed.
    auto result = client.refresh();
    ASSERT_FALSE(result);
    EXPECT_EQ(client.cap("metadata/2.targets.json"), pinned.size()) << result.error().message;
    EXPECT_EQ(client.version("targets.json"), 0);
}

TEST(ClientSnapshot, TargetsRollbackInSnapshotMetaIsRefused) {
    TestRepository repo;
    repo.publish_all();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    ASSERT_EQ(client.version("targets.json"), 2);
    repo.targets.version = tuf::Version::create(1).value();
    repo.publish_targets();
    repo.update_snapshot();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::rollback));
    EXPECT_EQ(client.version("targets.json"), 2);
}

TEST(ClientSnapshot, RemovingARoleFromSnapshotIsRefused) {
    TestRepository repo;
    repo.add_delegation("targets", "role1", {"*"});
    repo.publish_all();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.omit_from_snapshot.insert("role1");
    repo.update_snapshot();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::rollback));
    EXPECT_EQ(client.version("snapshot.json"), 2);
}

TEST(ClientSnapshot, ExpiredSnapshotIsRefusedFreeze) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.snapshot.expires = TestRepository::expiry_in(kPast);
    repo.update_snapshot();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::expired));
    EXPECT_EQ(client.version("snapshot.json"), 1);
}

TEST(ClientTargets, ExpiredTargetsIsRefusedFreeze) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.targets.expires = TestRepository::expiry_in(kPast);
    repo.publish_all();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::expired));
    EXPECT_EQ(client.version("targets.json"), 1);
}

TEST(ClientTargets, TargetsVersionDifferentFromSnapshotIsRefused) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.targets.version = tuf::Version::create(7).value();
    repo.publish_targets();
    repo.put_file("metadata/2.targets.json", *repo.file("metadata/7.targets.json"));
    repo.targets.version = tuf::Version::create(2).value();
    repo.update_snapshot();  // lists targets 2, whose file holds a validly signed version 7
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::version_mismatch));
    EXPECT_EQ(client.version("targets.json"), 1);
}

TEST(ClientTargets, TargetsSignedByAnUnauthorisedKeyIsRefused) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.targets.version = repo.targets.version.next();
    repo.add_target("targets", "a.txt", "A");
    repo.rotate_keys("targets");  // the new key is in the repo's root model only
    repo.publish_targets();
    repo.update_snapshot();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::threshold));
    EXPECT_EQ(client.version("targets.json"), 1);
}

TEST(ClientFastForward, TimestampRecoveryAfterKeyRotation) {
    TestRepository repo;
    repo.timestamp.version = tuf::Version::create(100).value();
    repo.publish_timestamp();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    ASSERT_EQ(client.version("timestamp.json"), 100);
    repo.rotate_keys("timestamp");
    repo.bump_root();
    repo.timestamp.version = tuf::Version::create(1).value();
    repo.publish_timestamp();
    EXPECT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.version("timestamp.json"), 1);
}

TEST(ClientFastForward, SnapshotRecoveryAfterKeyRotation) {
    TestRepository repo;
    repo.snapshot.version = tuf::Version::create(99).value();
    repo.publish_snapshot();
    repo.update_timestamp();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    ASSERT_EQ(client.version("snapshot.json"), 99);
    repo.rotate_keys("snapshot");
    repo.rotate_keys("timestamp");
    repo.bump_root();
    repo.snapshot.version = tuf::Version::create(1).value();
    repo.publish_snapshot();
    repo.update_timestamp();
    EXPECT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.version("snapshot.json"), 1);
}

TEST(ClientFastForward, TargetsRecoveryAfterSnapshotKeyRotation) {
    TestRepository repo;
    repo.targets.version = tuf::Version::create(100).value();
    repo.publish_targets();
    repo.update_snapshot();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    ASSERT_EQ(client.version("targets.json"), 100);
    repo.rotate_keys("snapshot");
    repo.bump_root();
    repo.targets.version = tuf::Version::create(1).value();
    repo.publish_targets();
    repo.update_snapshot();
    EXPECT_TRUE(succeeded(client.refresh()));
    EXPECT_EQ(client.version("targets.json"), 1);
}

TEST(ClientFastForward, RotationDeletesStoredTimestampAndSnapshot) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.rotate_keys("timestamp");
    repo.bump_root();
    repo.remove_file("metadata/timestamp.json");  // the refresh stops right after the root update
    EXPECT_FALSE(client.refresh());
    EXPECT_EQ(client.version("root.json"), 2);
    EXPECT_FALSE(client.store.files.contains("timestamp.json"));
    EXPECT_FALSE(client.store.files.contains("snapshot.json"));
    EXPECT_TRUE(client.store.files.contains("targets.json"));
}

TEST(ClientFastForward, UnrotatedKeysKeepStoredTimestampAndSnapshot) {
    TestRepository repo;
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.rotate_keys("targets");
    repo.bump_root();
    repo.remove_file("metadata/timestamp.json");
    EXPECT_FALSE(client.refresh());
    EXPECT_TRUE(client.store.files.contains("timestamp.json"));
    EXPECT_TRUE(client.store.files.contains("snapshot.json"));
}

TEST(ClientFastForward, WithoutRotationTheSameRollbackIsRefused) {
    TestRepository repo;
    repo.timestamp.version = tuf::Version::create(100).value();
    repo.publish_timestamp();
    Client client(repo);
    ASSERT_TRUE(succeeded(client.refresh()));
    repo.bump_root();
    repo.timestamp.version = tuf::Version::create(1).value();
    repo.publish_timestamp();
    EXPECT_TRUE(refused(client.refresh(), core::TrustReason::rollback));
    EXPECT_EQ(client.version("timestamp.json"), 100);
}

}  // namespace
}  // namespace tufkey::testing
