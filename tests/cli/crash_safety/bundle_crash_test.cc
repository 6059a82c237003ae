// bundle import under fault injection (crash_harness.h), in both dialects: a second home that
// imported an earlier bundle of the repository imports the next one.
#include <gtest/gtest.h>

#include "crash_harness.h"
#include "scenarios.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

class BundleImportCrash : public ::testing::TestWithParam<tuf::Dialect> {};

TEST_P(BundleImportCrash, ImportOverAnEarlierBundle) {
    CrashWorld world;
    const fs::path publisher = world.scratch() / "publisher" / "home";
    const fs::path first = world.scratch() / "publisher" / "first.bundle";
    const fs::path second = world.scratch() / "publisher" / "second.bundle";
    ASSERT_NO_FATAL_FAILURE(build_signed_home(world, GetParam(), publisher));
    ASSERT_NO_FATAL_FAILURE(must_run(world, publisher, {"bundle", "export", kGun, "-o", first.string()}));
    ASSERT_NO_FATAL_FAILURE(must_run(world, world.home(), {"bundle", "import", first.string(), "-y"}));
    ASSERT_NO_FATAL_FAILURE(must_run(world, publisher, CrashWorld::sign_args("t3")));
    ASSERT_NO_FATAL_FAILURE(must_run(world, publisher, {"bundle", "export", kGun, "-o", second.string()}));
    world.save_before();

    Scenario scenario;
    scenario.name = scenario_name("bundle-import", GetParam());
    scenario.command = {"bundle", "import", second.string(), "-y"};
    scenario.next_command = [command = scenario.command](const CrashWorld& w, Match) {
        auto again = w.tufkey(command);
        EXPECT_EQ(again.exit_code, 0) << "(e) importing the bundle again fails: " << again.err;
        expect_verifies_tag(w, "t3");
    };
    CrashHarness(world, std::move(scenario)).run_every_fault();
}

INSTANTIATE_TEST_SUITE_P(Dialects, BundleImportCrash, ::testing::ValuesIn(both_dialects()), dialect_test_name);

}  // namespace
}  // namespace tufkey::testing::crash
