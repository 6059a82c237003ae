// sign, unsign, refresh and policy under fault injection (crash_harness.h), in both dialects: the
// before home holds tags t1 and t2, signed by the real binary.
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

    void run(const std::string& name, std::vector<std::string> command) {
        Scenario scenario;
        scenario.name = scenario_name(name, GetParam());
        scenario.command = std::move(command);
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

INSTANTIATE_TEST_SUITE_P(Dialects, LocalCommandCrash, ::testing::ValuesIn(both_dialects()), dialect_test_name);

}  // namespace
}  // namespace tufkey::testing::crash
