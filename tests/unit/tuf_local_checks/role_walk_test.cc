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

TEST(RoleWalk, RoleMissingFromTheSnapshotIsRefusedInTuf) {
    TestRepository repo;
    repo.add_delegation("targets", "A", {"*"});
    repo.omit_from_snapshot.insert("A");
    repo.publish_all();
    const auto w = walk(repo);
    ASSERT_FALSE(w.walk.ok());
    EXPECT_EQ(w.walk.error().reason, core::TrustReason::not_listed);
    EXPECT_EQ(w.walk.error().message.rfind("A: ", 0), 0u) << w.walk.error().message;
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
