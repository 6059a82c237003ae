// load_delegation_tree(): every delegated role, pre-order in listed order, whatever its paths,
// each through TrustedSet::update_targets; failures name the role.
#include <gtest/gtest.h>

#include <chrono>

#include "test_repository.h"
#include "tufkey/tuf/role_walk.h"

namespace tufkey::testing {
namespace {

struct Walked final {
    core::Result<tuf::RoleWalk> walk;
    std::vector<std::string> names;
};

Walked walk(const TestRepository& repo) {
    MemoryFetcher fetcher(repo);
    MemoryStore store;
    store.files["root.json"] = repo.initial_root();
    auto updater =
        tuf::Updater::create(tuf::Dialect::tuf, kMemoryMetadataUrl, fetcher, store, std::chrono::system_clock::now());
    EXPECT_TRUE(updater.ok());
    auto refreshed = updater->refresh();
    EXPECT_TRUE(refreshed.ok()) << (refreshed.ok() ? "" : refreshed.error().message);
    tuf::TrustedSet set = updater->trusted();
    Walked w{tuf::load_delegation_tree(set, fetcher, kMemoryMetadataUrl), {}};
    if (w.walk.ok()) {
        for (const auto& role : w.walk->verified) {
            w.names.push_back(role.str());
            EXPECT_NE(set.targets(role), nullptr) << role.str();
        }
    }
    return w;
}

TEST(RoleWalk, VisitsEveryRolePreOrderWhateverItsPaths) {
    TestRepository repo;
    repo.add_delegation("targets", "A", {"a/*"});
    repo.add_delegation("targets", "B", {"*.txt"});
    repo.add_delegation("A", "C", {"a/c/*"});
    repo.add_hash_prefix_delegation("targets", "D", {"ab"});
    repo.publish_all();
    const auto w = walk(repo);
    ASSERT_TRUE(w.walk.ok()) << w.walk.error().message;
    EXPECT_EQ(w.names, (std::vector<std::string>{"A", "C", "B", "D"}));
}

TEST(RoleWalk, RoleMissingFromTheSnapshotIsReportedUnsignedNotTrusted) {
    // A delegation whose delegate has not signed yet: the walk goes on past it (its sibling B and
    // B's targets are trusted), reports it, and trusts nothing of it; a lookup that reaches it
    // is still refused (ClientDelegations.RoleAbsentFromSnapshotIsNeverFetched).
    TestRepository repo;
    repo.add_delegation("targets", "A", {"*"});
    repo.add_delegation("targets", "B", {"*"});
    repo.add_target("A", "a.txt", "in A");
    repo.omit_from_snapshot.insert("A");
    repo.publish_all();
    MemoryFetcher fetcher(repo);
    MemoryStore store;
    store.files["root.json"] = repo.initial_root();
    auto updater =
        tuf::Updater::create(tuf::Dialect::tuf, kMemoryMetadataUrl, fetcher, store, std::chrono::system_clock::now());
    ASSERT_TRUE(updater.ok());
    ASSERT_TRUE(updater->refresh().ok());
    tuf::TrustedSet set = updater->trusted();
    auto w = tuf::load_delegation_tree(set, fetcher, kMemoryMetadataUrl);
    ASSERT_TRUE(w.ok()) << w.error().message;
    ASSERT_EQ(w->unlisted.size(), 1u);
    EXPECT_EQ(w->unlisted.front().str(), "A");
    ASSERT_EQ(w->verified.size(), 1u);
    EXPECT_EQ(w->verified.front().str(), "B");
    EXPECT_EQ(set.targets(w->unlisted.front()), nullptr);
    auto found = updater->find_target("a.txt");
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.error().reason, core::TrustReason::not_listed);
}

TEST(RoleWalk, WholeTreeLimitIsItsOwnNotThePerLookupOne) {
    // 40 sibling roles: more than a lookup may visit (max_delegations 32), which a walk of the
    // whole repository must still cover; max_tree_roles bounds the walk instead.
    TestRepository repo;
    for (int i = 0; i < 40; ++i) repo.add_delegation("targets", "r" + std::to_string(i), {"r" + std::to_string(i)});
    repo.publish_all();
    const auto w = walk(repo);
    ASSERT_TRUE(w.walk.ok()) << w.walk.error().message;
    EXPECT_EQ(w.names.size(), 40u);

    MemoryFetcher fetcher(repo);
    MemoryStore store;
    store.files["root.json"] = repo.initial_root();
    auto updater =
        tuf::Updater::create(tuf::Dialect::tuf, kMemoryMetadataUrl, fetcher, store, std::chrono::system_clock::now());
    ASSERT_TRUE(updater.ok());
    ASSERT_TRUE(updater->refresh().ok());
    tuf::TrustedSet set = updater->trusted();
    tuf::UpdaterLimits limits;
    limits.max_tree_roles = 39;
    auto limited = tuf::load_delegation_tree(set, fetcher, kMemoryMetadataUrl, limits);
    ASSERT_FALSE(limited.ok());
    EXPECT_EQ(limited.error().reason, core::TrustReason::delegation);
    EXPECT_NE(limited.error().message.find("more than 39 delegated roles"), std::string::npos)
        << limited.error().message;
}

TEST(RoleWalk, TamperedRoleIsRefusedNamingIt) {
    TestRepository repo;
    repo.add_delegation("targets", "A", {"*"});
    repo.add_delegation("targets", "B", {"*"});
    repo.publish_all();
    const auto before = walk(repo);
    ASSERT_TRUE(before.walk.ok()) << before.walk.error().message;
    // B's signed part changed after signing (the snapshot lists versions only, so only B's
    // signature can notice).
    for (const auto& [path, bytes] : repo.files()) {
        if (path.find(".B.json") == std::string::npos) continue;
        std::string changed = bytes;
        const auto at = changed.find("\"expires\":\"");
        ASSERT_NE(at, std::string::npos);
        changed[at + 11] = changed[at + 11] == '2' ? '3' : '2';
        repo.put_file(path, changed);
    }
    const auto after = walk(repo);
    ASSERT_FALSE(after.walk.ok());
    EXPECT_EQ(after.walk.error().reason, core::TrustReason::threshold);
    EXPECT_EQ(after.walk.error().message.rfind("B: ", 0), 0u) << after.walk.error().message;
}

}  // namespace
}  // namespace tufkey::testing
