// key import and init under fault injection (crash_harness.h). init in both dialects, from an
// empty home whose root key already is on the token (made by a warm-up init elsewhere, so the
// token itself does not change between runs).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crash_harness.h"
#include "scenarios.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

TEST(KeyImportCrash, ImportIntoASignedHome) {
    CrashWorld world;
    ASSERT_NO_FATAL_FAILURE(build_signed_home(world, tuf::Dialect::notary, world.home()));
    const fs::path pem = world.scratch() / "imported.pem";
    auto made = run_process(
        {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pem.string()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ::chmod(pem.c_str(), 0600);
    world.save_before();

    Scenario scenario;
    scenario.name = "key-import";
    scenario.command = {"key", "import", pem.string(), "--role", "targets/ci"};
    scenario.read_only = {"key", "list", "--json"};
    scenario.next_command = expect_sign_works;
    CrashHarness(world, std::move(scenario)).run_every_fault();
}

class InitCrash : public ::testing::TestWithParam<tuf::Dialect> {};

TEST_P(InitCrash, InitAnEmptyHome) {
    CrashWorld world;
    const fs::path warm_up = world.scratch() / "warm-up";
    ASSERT_NO_FATAL_FAILURE(must_run(world, warm_up, world.init_args(GetParam())));
    world.save_before();

    Scenario scenario;
    scenario.name = scenario_name("init", GetParam());
    scenario.command = world.init_args(GetParam());
    scenario.fresh_keys = true;
    scenario.next_command = [command = scenario.command](const CrashWorld& w, Match match) {
        if (match == Match::before) {
            auto again = w.tufkey(command);
            EXPECT_EQ(again.exit_code, 0) << "(e) init after a failed init fails: " << again.err;
            return;
        }
        expect_sign_works(w, match);
    };
    CrashHarness(world, std::move(scenario)).run_every_fault();
}

INSTANTIATE_TEST_SUITE_P(Dialects, InitCrash, ::testing::ValuesIn(both_dialects()), dialect_test_name);

}  // namespace
}  // namespace tufkey::testing::crash
