// A root rotation that spans rooms, under fault injection (crash_harness.h), in both dialects:
// `rotate GUN root --key FILE --stage` (the new root key's token is elsewhere, so the root is
// staged, half signed) and the `bundle import` that brings the missing signature back and
// promotes the staged root (root v2, snapshot and timestamp re-signed, staged-root.json gone).
// The new root key is a second key on the world's token, introduced by its certificate
// (`root certificate`), as if it were in another room.
#include <gtest/gtest.h>

#include "crash_harness.h"
#include "scenarios.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNewRootKey = "pkcs11:token=ceremony;object=root-elsewhere";

class StagedRootCrash : public ::testing::TestWithParam<tuf::Dialect> {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(build_signed_home(m_world, GetParam(), m_world.home()));
        ASSERT_NO_FATAL_FAILURE(must_run(m_world, m_world.scratch() / "elsewhere",
                                         {"root", "certificate", kGun, "--key", kNewRootKey, "-o", cert().string(),
                                          "--pin-file", m_world.pin_file().string(), "-y"}));
    }
    [[nodiscard]] fs::path cert() const { return m_world.scratch() / "new-root.pem"; }
    [[nodiscard]] std::vector<std::string> stage_args() const {
        return {"rotate",
                kGun,
                "root",
                "--key",
                cert().string(),
                "--stage",
                "-y",
                "--pin-file",
                m_world.pin_file().string()};
    }
    [[nodiscard]] fs::path staged_root() const { return m_world.home() / "tufkey" / kGun / "staged-root.json"; }

    CrashWorld m_world;
};

TEST_P(StagedRootCrash, StageARotationWhoseNewKeyIsElsewhere) {
    m_world.save_before();
    Scenario scenario;
    scenario.name = scenario_name("rotate-root-stage", GetParam());
    scenario.command = stage_args();
    scenario.next_command = [this](const CrashWorld& w, Match match) {
        // Either no rotation is staged, or the one the command staged; signing goes on.
        EXPECT_EQ(fs::exists(staged_root()), match == Match::after) << "staged-root.json in state " << to_string(match);
        expect_sign_works(w, match);
    };
    CrashHarness(m_world, std::move(scenario)).run_every_fault();
}

TEST_P(StagedRootCrash, ImportThatCompletesAndPromotesTheStagedRoot) {
    const fs::path bundle = m_world.scratch() / "rotation.bundle";
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, m_world.home(), stage_args()));
    ASSERT_NO_FATAL_FAILURE(must_run(m_world, m_world.home(), {"bundle", "export", kGun, "-o", bundle.string()}));
    ASSERT_NO_FATAL_FAILURE(must_run(
        m_world, m_world.scratch() / "elsewhere",
        {"root", "sign", bundle.string(), "--key", kNewRootKey, "--pin-file", m_world.pin_file().string(), "-y"}));
    m_world.save_before();

    Scenario scenario;
    scenario.name = scenario_name("bundle-import-promote", GetParam());
    scenario.command = {"bundle", "import", bundle.string(), "-y"};
    scenario.next_command = [this, command = scenario.command](const CrashWorld& w, Match match) {
        // From the state before, importing again promotes (the state after already trusts root
        // v2, so the bundle's root v1 is behind it there).
        if (match == Match::before) {
            auto again = w.tufkey(command);
            EXPECT_EQ(again.exit_code, 0) << "(e) importing the bundle again fails: " << again.err;
        }
        EXPECT_FALSE(fs::exists(staged_root())) << "the rotation is complete in state " << to_string(match);
        expect_sign_works(w, match);
    };
    CrashHarness(m_world, std::move(scenario)).run_every_fault();
}

INSTANTIATE_TEST_SUITE_P(Dialects, StagedRootCrash, ::testing::ValuesIn(both_dialects()), dialect_test_name);

}  // namespace
}  // namespace tufkey::testing::crash
