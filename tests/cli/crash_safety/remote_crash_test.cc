// publish (to a static directory) and pull (from one, into a second home) under fault
// injection (crash_harness.h), in both dialects.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

bool is_temporary(const std::string& path) {
    const std::string name = fs::path(path).filename().string();
    return name.starts_with(".") && name.find(".tmp-") != std::string::npos;
}

// Every file a client can fetch from a publish destination is whole JSON, whatever run was
// interrupted; a killed publish may leave its own temporaries (".NAME.tmp-XXXXXX", which no
// client asks for) until the next publish removes them.
void expect_site_parses(const fs::path& site, bool allow_temporaries) {
    for (const auto& [path, bytes] : read_tree(site)) {
        if (is_temporary(path)) {
            EXPECT_TRUE(allow_temporaries) << "publish left a temporary behind: " << path;
            continue;
        }
        EXPECT_FALSE(nlohmann::json::parse(bytes, nullptr, false).is_discarded()) << "torn published file " << path;
    }
}

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
