// key import and init under fault injection (crash_harness.h). init in both dialects, from an
// empty home whose root key already is on the token (made by a warm-up init in another home), so
// every run opens the same key instead of generating one.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <tuple>

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

// init spends most of each run deriving the 600,000-iteration keys it writes, so its case is
// split in two (SIGKILL, ENOSPC) that ctest -j runs in parallel.
class InitCrash : public ::testing::TestWithParam<std::tuple<tuf::Dialect, bool>> {
protected:
    void run_init(const std::vector<Fault>& faults) {
        const tuf::Dialect dialect = std::get<0>(GetParam());
        CrashWorld world;
        const fs::path warm_up = world.scratch() / "warm-up";
        ASSERT_NO_FATAL_FAILURE(must_run(world, warm_up, world.init_args(dialect)));
        world.save_before();

        Scenario scenario;
        scenario.name = scenario_name("init", dialect);
        scenario.command = world.init_args(dialect);
        scenario.fresh_keys = true;
        scenario.next_command = [command = scenario.command](const CrashWorld& w, Match match) {
            if (match == Match::before) {
                // A kill inside the PKCS#11 module can leave SoftHSM's own object files torn
                // (SoftHSM rewrites them in place; a hardware token keeps its state itself).
                // What is under test is tufkey's home, so the token comes back as it was.
                w.restore_token_store();
                auto again = w.tufkey(command);
                EXPECT_EQ(again.exit_code, 0) << "(e) init after a failed init fails: " << again.err;
                return;
            }
            expect_sign_works(w, match);
        };
        CrashHarness(world, std::move(scenario)).run_faults(faults);
    }
};

TEST_P(InitCrash, InitAnEmptyHome) { run_init(std::get<1>(GetParam()) ? kill_faults() : enospc_faults()); }

std::string init_case_name(const ::testing::TestParamInfo<std::tuple<tuf::Dialect, bool>>& info) {
    return std::string(tuf::to_string(std::get<0>(info.param))) + (std::get<1>(info.param) ? "_sigkill" : "_enospc");
}

INSTANTIATE_TEST_SUITE_P(Dialects, InitCrash,
                         ::testing::Combine(::testing::ValuesIn(both_dialects()), ::testing::Bool()), init_case_name);

}  // namespace
}  // namespace tufkey::testing::crash
