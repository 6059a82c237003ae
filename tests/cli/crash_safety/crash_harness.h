// The fault-injection harness of issue #10: a command run again and again from the same
// "before" home, with strace killing it (SIGKILL) at its 1st, 2nd, ... Nth rename, write or
// fsync, or failing its Nth write or fsync with ENOSPC, until a run completes with no fault
// injected. After every run a read-only command opens the home (the point where a journal is
// rolled forward or back), then the home must be:
//   (a) parseable, and verifying if the before state verified;
//   (b) the before state byte for byte, or equivalent to the after state (home_state.h), or,
//       for a command in two committed halves, to the pending state between them;
//   (c) without a lost key: every key of before is still listed (as `key list` lists) and decrypts;
//   (d) with a transcript that matches the metadata (the last line recording written files
//       names the SHA-256 of the current files) and passes `tufkey transcript verify` when the
//       before state's did (a pulled home's transcript has no root-signed head);
//   (e) usable: the scenario's next command works without repair;
//   (f) clean: no temporary (".NAME.tmp-XXXXXX") and no tufkey.journal left anywhere.
// The number of injection points covered per command and fault is printed and recorded.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "crash_world.h"
#include "home_state.h"

namespace tufkey::testing::crash {

enum class Fault { rename_kill, write_kill, fsync_kill, write_enospc, fsync_enospc };
const std::vector<Fault>& every_fault();
const std::vector<Fault>& kill_faults();    // the three SIGKILL faults
const std::vector<Fault>& enospc_faults();  // the two ENOSPC faults
std::string to_string(Fault fault);         // e.g. "rename SIGKILL"

struct Scenario final {
    std::string name;                    // e.g. "sign/notary"
    std::vector<std::string> command;    // tufkey arguments, run in world.home()
    std::vector<std::string> read_only;  // opens the home after each run (default: status kGun)
    bool fresh_keys = false;             // the command generates keys (init)
    // The command a user would run next, in a home found in state `match`; must assert that it
    // works (exit 0 and its effect visible).
    std::function<void(const CrashWorld&, Match)> next_command;
    // More checks after each run, e.g. on a publish destination.
    std::function<void(const CrashWorld&)> extra_check;
    // For a command that commits its work in two halves (migrate: the home, then the
    // destination's publish): leaves the run home, from the before state, in the state between
    // them (e.g. by running the command with its second half bound to fail). That state is
    // accepted as Match::pending, and next_command must move it forward.
    std::function<void(const CrashWorld&)> make_pending;
};

class CrashHarness final {
public:
    // The world's run/ directory must hold the before state, saved with save_before().
    CrashHarness(const CrashWorld& world, Scenario scenario);

    // Every fault of every_fault(); prints and records the points covered per fault.
    void run_every_fault();
    // Some of them (a slow command's case split in two so ctest -j runs the halves in parallel).
    void run_faults(const std::vector<Fault>& faults);
    // One fault: N = 1, 2, ... until the command completes undisturbed. Returns the number of
    // runs in which the fault was injected.
    int inject_until_done(Fault fault);

private:
    int inject_until_done(Fault fault, const std::string& syscall, const std::string& action);
    void learn_before_and_after();
    Match check_home(const std::string& label);  // the state the home was found in
    void expect_keys_kept(const Tree& now);
    void expect_transcript_matches_metadata();
    [[nodiscard]] bool transcript_verifies() const;

    const CrashWorld& m_world;
    Scenario m_scenario;
    Tree m_before;
    Tree m_after;
    Tree m_pending;
    bool m_has_pending = false;
    std::map<Match, int> m_found;  // states found after the injected runs of the current fault
    bool m_before_verifies = false;
    bool m_before_transcript_verifies = false;
    bool m_learned = false;
    bool m_ready = false;  // before and after learned, and the calibration passed
};

}  // namespace tufkey::testing::crash
