// sign, unsign, refresh, policy, rotate targets, rotate root and signer add under fault injection (crash_harness.h),
// in both dialects: the before home holds tags t1 and t2, signed by the real binary. `rotate GUN root` renews the root
// on its token (root v2, new certificates in the notary dialect, snapshot and timestamp re-signed).
#include <gtest/gtest.h>

#include "crash_harness.h"
#include "scenarios.h"

namespace tufkey::testing::crash {
namespace {

class LocalCommandCrash : public ::testing::TestWithParam<tuf::Dialect> {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(build_signed_home(m_world, GetParam(), m_world.home()));
        m_world.save_before();
    }

    // `fresh_keys`: the command makes new key material on each run (a renewed root's new
    // certificates, with random serials), so runs agree on key counts, not key IDs.
    void run(const std::string& name, std::vector<std::string> command, bool fresh_keys = false) {
        Scenario scenario;
        scenario.name = scenario_name(name, GetParam());
        scenario.command = std::move(command);
        scenario.fresh_keys = fresh_keys;
        scenario.next_command = expect_sign_works;
        CrashHarness(m_world, std::move(scenario)).run_every_fault();
    }

    CrashWorld m_world;
};

TEST_P(LocalCommandCrash, Sign) { run("sign", CrashWorld::sign_args("t3")); }

TEST_P(LocalCommandCrash, Unsign) { run("unsign", {"unsign", std::string(kGun) + ":t1"}); }

TEST_P(LocalCommandCrash, Refresh) { run("refresh", {"refresh", kGun}); }

TEST_P(LocalCommandCrash, Policy) {
    run("policy", {"policy", kGun, "--expires", "timestamp=3d", "--pin-file", m_world.pin_file().string()});
}

TEST_P(LocalCommandCrash, RenewRoot) {
    run("rotate-root", {"rotate", kGun, "root", "-y", "--pin-file", m_world.pin_file().string()},
        GetParam() == tuf::Dialect::notary);
}

// A new targets key file replaces the old one (archived), root re-signed on its token.
TEST_P(LocalCommandCrash, RotateTargets) {
    run("rotate-targets", {"rotate", kGun, "targets", "-y", "--pin-file", m_world.pin_file().string()}, true);
}

TEST_P(LocalCommandCrash, SignerAdd) {
    const auto keys = m_world.scratch() / "keys";
    std::filesystem::create_directories(keys);
    must_run(m_world, m_world.scratch() / "alice", {"key", "generate", "alice", "--dir", keys.string()});
    run("signer-add", {"signer", "add", "alice", kGun, "--key", (keys / "alice.pub").string()});
}

INSTANTIATE_TEST_SUITE_P(Dialects, LocalCommandCrash, ::testing::ValuesIn(both_dialects()), dialect_test_name);

}  // namespace
}  // namespace tufkey::testing::crash
