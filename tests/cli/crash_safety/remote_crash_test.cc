// publish (to a static directory) and pull (from one, into a second home) under fault
// injection (crash_harness.h), in both dialects.
#include <gtest/gtest.h>

#include "crash_harness.h"
#include "scenarios.h"
#include "temp_dir.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

class RemoteCommandCrash : public ::testing::TestWithParam<tuf::Dialect> {
protected:
    fs::path site() const { return m_world.run_dir() / "site"; }
    fs::path publisher_home() const { return m_world.scratch() / "publisher" / "home"; }
    fs::path publisher_site() const { return m_world.scratch() / "publisher" / "site"; }

    CrashWorld m_world;
};

TEST_P(RemoteCommandCrash, Publish) {
    const fs::path home = m_world.home();
    ASSERT_NO_FATAL_FAILURE(build_signed_home(m_world, GetParam(), home));
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, home, {"publish", kGun, "--to", site().string()}));
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, home, CrashWorld::sign_args("t3")));
    m_world.save_before();

    Scenario scenario;
    scenario.name = scenario_name("publish", GetParam());
    scenario.command = {"publish", kGun, "--to", site().string()};
    scenario.extra_check = [this](const CrashWorld&) { expect_site_parses(site(), true); };
    scenario.next_command = [this](const CrashWorld& world, Match match) {
        auto again = world.tufkey({"publish", kGun, "--to", site().string()});
        EXPECT_EQ(again.exit_code, 0) << "(e) publishing again fails: " << again.err;
        expect_site_parses(site(), false);
        expect_sign_works(world, match);
    };
    CrashHarness(m_world, std::move(scenario)).run_every_fault();
}

TEST_P(RemoteCommandCrash, Pull) {
    ASSERT_NO_FATAL_FAILURE(build_signed_home(m_world, GetParam(), publisher_home()));
    const std::vector<std::string> publish{"publish", kGun, "--to", publisher_site().string()};
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, publisher_home(), publish));
    const std::vector<std::string> pull{"pull", kGun, "--from", publisher_site().string(), "-y"};
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, m_world.home(), pull));
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, publisher_home(), CrashWorld::sign_args("t3")));
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, publisher_home(), publish));
    m_world.save_before();

    Scenario scenario;
    scenario.name = scenario_name("pull", GetParam());
    scenario.command = pull;
    scenario.next_command = [pull](const CrashWorld& world, Match) {
        auto again = world.tufkey(pull);
        EXPECT_EQ(again.exit_code, 0) << "(e) pulling again fails: " << again.err;
        expect_verifies_tag(world, "t3");
    };
    CrashHarness(m_world, std::move(scenario)).run_every_fault();
}

INSTANTIATE_TEST_SUITE_P(Dialects, RemoteCommandCrash, ::testing::ValuesIn(both_dialects()), dialect_test_name);

}  // namespace
}  // namespace tufkey::testing::crash
