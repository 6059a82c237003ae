// migrate_convert.h: targets metadata re-expressed in the other dialect. Targets, keys and
// thresholds carry over; Notary prefixes become TUF globs only where the glob keeps every target;
// TUF globs, hashed bins and terminating delegations that Notary cannot say are refused.
#include <gtest/gtest.h>

#include <variant>

#include "migrate_convert.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::Dialect;
using tuf::RoleName;

core::PublicKey new_key() { return (*core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256))->public_key(); }

tuf::Targets with_delegation(Dialect dialect, const core::PublicKey& key, tuf::DelegatedRole role) {
    tuf::Targets t;
    const tuf::Key k = dialect == Dialect::notary ? tuf::Key::notary(key) : tuf::Key::tuf(key);
    role.keyids = {k.id()};
    tuf::Delegations d;
    d.keys.emplace(k.id(), k);
    d.roles.push_back(std::move(role));
    t.delegations = std::move(d);
    tuf::TargetFile file;
    file.length = 42;
    file.hashes["sha256"] = core::Bytes(32, 0x5a);
    t.targets.emplace("v1", file);
    return t;
}

tuf::DelegatedRole role(Dialect dialect, const std::string& name, tuf::PathPatterns paths) {
    tuf::DelegatedRole r;
    r.name = *RoleName::delegated(dialect, name);
    r.paths = std::move(paths);
    return r;
}

TEST(MigrateConvert, NotaryToTufKeepsTargetsKeysAndThresholdAndTurnsPrefixesIntoGlobs) {
    const auto key = new_key();
    auto r = role(Dialect::notary, "targets/releases", {{""}});
    r.threshold = 1;
    const auto in = with_delegation(Dialect::notary, key, r);
    auto out = convert_targets(Dialect::notary, Dialect::tuf, RoleName::targets(), in);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->targets.at("v1").length, 42u);
    EXPECT_EQ(out->targets.at("v1").hashes, in.targets.at("v1").hashes);
    ASSERT_TRUE(out->delegations);
    const auto& d = *out->delegations;
    ASSERT_EQ(d.roles.size(), 1u);
    EXPECT_EQ(d.roles[0].name.str(), "targets/releases");
    EXPECT_EQ(std::get<tuf::PathPatterns>(d.roles[0].paths).patterns, std::vector<std::string>{"*"});
    ASSERT_EQ(d.roles[0].keyids.size(), 1u);
    const tuf::Key& k = d.keys.at(d.roles[0].keyids[0]);
    EXPECT_EQ(k.dialect(), Dialect::tuf);
    EXPECT_EQ(*k.public_key(), key);
    EXPECT_EQ(k.id(), tuf::Key::tuf(key).id()) << "the TUF key ID of the same key";
}

TEST(MigrateConvert, AGlobThatLosesATargetWithASlashIsRefused) {
    auto r = role(Dialect::tuf, "targets/releases", {{"*"}});
    tuf::Targets signed_by_role;
    signed_by_role.targets.emplace("library/v1", tuf::TargetFile{});
    auto kept = check_paths_kept(Dialect::tuf, r, signed_by_role);
    ASSERT_FALSE(kept.ok());
    EXPECT_NE(kept.error().message.find("library/v1"), std::string::npos) << kept.error().message;
    signed_by_role.targets.clear();
    signed_by_role.targets.emplace("v1", tuf::TargetFile{});
    EXPECT_TRUE(check_paths_kept(Dialect::tuf, r, signed_by_role).ok());
}

TEST(MigrateConvert, TufToNotaryTakesPrefixGlobsAndRefusesWhatNotaryCannotSay) {
    const auto key = new_key();
    auto prefix = convert_targets(Dialect::tuf, Dialect::notary, RoleName::targets(),
                                  with_delegation(Dialect::tuf, key, role(Dialect::tuf, "targets/qa", {{"qa-*"}})));
    ASSERT_TRUE(prefix.ok()) << prefix.error().message;
    EXPECT_EQ(std::get<tuf::PathPatterns>(prefix->delegations->roles[0].paths).patterns,
              std::vector<std::string>{"qa-"});

    auto glob = convert_targets(Dialect::tuf, Dialect::notary, RoleName::targets(),
                                with_delegation(Dialect::tuf, key, role(Dialect::tuf, "targets/qa", {{"qa-?.tar"}})));
    ASSERT_FALSE(glob.ok());
    EXPECT_EQ(glob.error().code, core::ErrorCode::usage);

    auto bins_role = role(Dialect::tuf, "targets/bin-0", {});
    bins_role.paths = tuf::PathHashPrefixes{{"0"}};
    auto bins = convert_targets(Dialect::tuf, Dialect::notary, RoleName::targets(),
                                with_delegation(Dialect::tuf, key, bins_role));
    ASSERT_FALSE(bins.ok());
    EXPECT_NE(bins.error().message.find("hashed bin"), std::string::npos) << bins.error().message;

    auto terminating_role = role(Dialect::tuf, "targets/qa", {{"*"}});
    terminating_role.terminating = true;
    auto terminating = convert_targets(Dialect::tuf, Dialect::notary, RoleName::targets(),
                                       with_delegation(Dialect::tuf, key, terminating_role));
    ASSERT_FALSE(terminating.ok());
    EXPECT_NE(terminating.error().message.find("terminating"), std::string::npos);

    auto no_targets_prefix = convert_targets(Dialect::tuf, Dialect::notary, RoleName::targets(),
                                             with_delegation(Dialect::tuf, key, role(Dialect::tuf, "qa", {{"*"}})));
    ASSERT_FALSE(no_targets_prefix.ok()) << "a Notary delegated role is named targets/...";
}

}  // namespace
}  // namespace tufkey::ceremony::detail
