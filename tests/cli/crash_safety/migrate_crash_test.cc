// `tufkey migrate GUN --to DIR [--dialect D]` under fault injection (crash_harness.h), from a
// signed home of either dialect to a static directory of the same dialect (root v2 of the same
// chain) and of the other one (a new chain at v1 that the old root key signs too).
//
// migrate commits in two halves: the home's transaction (the migrated repository), then the
// publish of it to the destination, which records itself in the home. Between them lies a third
// legitimate state, "home migrated, destination not (fully) written", that the command's error
// names the way out of ('tufkey publish GUN --to DIR'): the harness accepts it as Match::pending,
// learned from a run whose publish fails (the destination is a regular file there). The
// destination parses in every state, and the next command (migrate again from the before state,
// publish from the others) leaves a site a fresh home pulls the tags from.
//
// In the notary dialect the migrated root lists a new certificate of the root key (random serial,
// ECDSA signature), so two undisturbed runs differ in the root's key IDs: the runs are compared
// as fresh_keys ones (key counts, not key IDs).
#include <gtest/gtest.h>

#include <ostream>

#include "crash_harness.h"
#include "scenarios.h"
#include "temp_dir.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

struct Move final {
    tuf::Dialect from;
    tuf::Dialect to;
};

std::string move_name(const ::testing::TestParamInfo<Move>& info) {
    return std::string(tuf::to_string(info.param.from)) + "_to_" + std::string(tuf::to_string(info.param.to));
}

void PrintTo(const Move& move, std::ostream* os) {
    *os << tuf::to_string(move.from) << " to " << tuf::to_string(move.to);
}

class MigrateCrash : public ::testing::TestWithParam<Move> {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(build_signed_home(m_world, GetParam().from, m_world.home()));
        m_world.save_before();
    }
    [[nodiscard]] fs::path site() const { return m_world.run_dir() / "site"; }
    [[nodiscard]] fs::path reader() const { return m_world.scratch() / "reader"; }
    [[nodiscard]] std::vector<std::string> migrate_args() const {
        return {"migrate",    kGun,
                "--to",       site().string(),
                "--dialect",  std::string(tuf::to_string(GetParam().to)),
                "--pin-file", m_world.pin_file().string(),
                "-y"};
    }

    // A fresh home pulls the site and finds the tags signed before the move.
    void expect_site_serves_tags() const {
        std::error_code ec;
        fs::remove_all(reader(), ec);
        auto pull = m_world.tufkey(reader(), {"pull", kGun, "--from", site().string(), "-y"});
        ASSERT_EQ(pull.exit_code, 0) << "(e) pulling the migrated site fails: " << pull.err;
        for (const char* tag : {"t1", "t2"}) {
            auto verify = m_world.tufkey(reader(), {"verify", std::string(kGun) + ":" + tag});
            EXPECT_EQ(verify.exit_code, 0) << "(e) the site does not serve " << tag << ": " << verify.err;
            EXPECT_NE(verify.out.find(CrashWorld::digest_of(tag)), std::string::npos) << verify.out;
        }
    }

    void run(const std::vector<Fault>& faults) {
        Scenario scenario;
        scenario.name = "migrate/" + std::string(tuf::to_string(GetParam().from)) + "-to-" +
                        std::string(tuf::to_string(GetParam().to));
        scenario.command = migrate_args();
        scenario.fresh_keys = GetParam().to == tuf::Dialect::notary;
        scenario.make_pending = [this](const CrashWorld& w) {
            // A regular file where the destination directory goes: the home's half commits, the
            // publish fails (its directory cannot be made), and the error names the way out.
            write_text(site(), "not a directory");
            auto half = w.tufkey(migrate_args());
            std::error_code ec;
            fs::remove(site(), ec);
            EXPECT_NE(half.exit_code, 0) << "migrate with an unwritable destination succeeded";
            EXPECT_NE(half.err.find("tufkey publish " + std::string(kGun) + " --to " + site().string()),
                      std::string::npos)
                << half.err;
        };
        scenario.extra_check = [this](const CrashWorld&) { expect_site_parses(site(), true); };
        scenario.next_command = [this](const CrashWorld& w, Match match) {
            // A kill inside the PKCS#11 module can leave SoftHSM's own object files torn
            // (key_init_crash_test.cc): the token comes back as it was, the home is under test.
            w.restore_token_store();
            // From the before state the move is retried; from the others publish finishes it
            // (a no-op after a complete run).
            const bool retry = match == Match::before;
            auto next = retry ? w.tufkey(migrate_args()) : w.tufkey({"publish", kGun, "--to", site().string()});
            ASSERT_EQ(next.exit_code, 0) << "(e) " << (retry ? "migrating again" : "publishing the migrated home")
                                         << " in state " << to_string(match) << " fails: " << next.err;
            expect_site_parses(site(), false);
            ASSERT_NO_FATAL_FAILURE(expect_site_serves_tags());
            expect_sign_works(w, match);
        };
        CrashHarness(m_world, std::move(scenario)).run_faults(faults);
    }

    CrashWorld m_world;
};

TEST_P(MigrateCrash, KillFaults) { run(kill_faults()); }

TEST_P(MigrateCrash, EnospcFaults) { run(enospc_faults()); }

INSTANTIATE_TEST_SUITE_P(Moves, MigrateCrash,
                         ::testing::Values(Move{tuf::Dialect::notary, tuf::Dialect::notary},
                                           Move{tuf::Dialect::tuf, tuf::Dialect::tuf},
                                           Move{tuf::Dialect::notary, tuf::Dialect::tuf},
                                           Move{tuf::Dialect::tuf, tuf::Dialect::notary}),
                         move_name);

}  // namespace
}  // namespace tufkey::testing::crash
