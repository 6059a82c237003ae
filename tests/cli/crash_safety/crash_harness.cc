#include "crash_harness.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>

#include <nlohmann/json.hpp>

#include <iostream>
#include <set>
#include <sstream>

#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/keystore/key_file.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

// libfaketime (preloaded into every run) makes a semaphore and a shared-memory file named by the
// process ID in /dev/shm and removes them at exit; a SIGKILL leaves them behind, and a later
// faketime'd process that gets the same PID fails with "sem_open: File exists". Remove those
// whose process is gone, after every killed run, so no other suite inherits them.
void remove_dead_faketime_files() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/dev/shm", ec)) {
        const std::string name = entry.path().filename().string();
        for (const std::string prefix : {"sem.faketime_sem_", "faketime_shm_"}) {
            if (!name.starts_with(prefix)) continue;
            const std::string digits = name.substr(prefix.size());
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
            const long pid = std::stol(digits);
            if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
        }
    }
}

using nlohmann::json;

constexpr int kMostInjectionPoints = 400;  // a command making more calls than this is a bug here

struct FaultSpec final {
    // Every system call that performs the operation, each injected on its own: strace counts
    // the invocations of each call in an inject set separately, so a set would fault the Nth
    // write and the Nth pwrite64 in the same run.
    std::vector<std::string> syscalls;
    std::string action;  // strace inject action
};

FaultSpec spec_of(Fault fault) {
    // rename(2) is what core::write_file_atomic calls (pwrite64 writes the lock file); the others
    // cover std::filesystem and any later change, and cost one undisturbed run each when unused.
    const std::vector<std::string> renames{"rename", "renameat", "renameat2"};
    const std::vector<std::string> writes{"write", "pwrite64", "writev", "pwritev"};
    const std::vector<std::string> syncs{"fsync", "fdatasync", "sync_file_range", "syncfs"};
    switch (fault) {
        case Fault::rename_kill:
            return {renames, "signal=SIGKILL"};
        case Fault::write_kill:
            return {writes, "signal=SIGKILL"};
        case Fault::fsync_kill:
            return {syncs, "signal=SIGKILL"};
        case Fault::write_enospc:
            return {writes, "error=ENOSPC"};
        case Fault::fsync_enospc:
            break;
    }
    return {syncs, "error=ENOSPC"};
}

std::string sha256_hex(const std::string& bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

std::string hex_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Files left by an interrupted write or an unfinished transaction, anywhere in the home.
std::vector<std::string> leftovers(const fs::path& home) {
    std::vector<std::string> found;
    std::error_code ec;
    if (!fs::exists(home, ec)) return found;
    for (const auto& e : fs::recursive_directory_iterator(home)) {
        const std::string name = e.path().filename().string();
        if ((name.starts_with(".") && name.find(".tmp-") != std::string::npos) || name == "tufkey.journal")
            found.push_back(fs::relative(e.path(), home).generic_string());
    }
    return found;
}

// Every JSON file of the repository parses; metadata has "signed" and "signatures".
void expect_files_parse(const Tree& tree) {
    for (const auto& [path, bytes] : tree) {
        if (!path.ends_with(".json")) continue;
        const json j = json::parse(bytes, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << path << " does not parse";
        if (path.starts_with("tuf/") || path.find("/roots/") != std::string::npos) {
            EXPECT_TRUE(j.is_object() && j.contains("signed") && j.contains("signatures")) << path;
        }
    }
}

std::string state_dir(const std::string& gun) { return "tufkey/" + gun + "/"; }

}  // namespace

const std::vector<Fault>& every_fault() {
    static const std::vector<Fault> faults{Fault::rename_kill, Fault::write_kill, Fault::fsync_kill,
                                           Fault::write_enospc, Fault::fsync_enospc};
    return faults;
}

std::string to_string(Fault fault) {
    switch (fault) {
        case Fault::rename_kill:
            return "rename SIGKILL";
        case Fault::write_kill:
            return "write SIGKILL";
        case Fault::fsync_kill:
            return "fsync SIGKILL";
        case Fault::write_enospc:
            return "write ENOSPC";
        case Fault::fsync_enospc:
            break;
    }
    return "fsync ENOSPC";
}

CrashHarness::CrashHarness(const CrashWorld& world, Scenario scenario)
    : m_world(world), m_scenario(std::move(scenario)) {
    if (m_scenario.read_only.empty()) m_scenario.read_only = {"status", kGun};
}

void CrashHarness::learn_before_and_after() {
    if (m_learned) return;
    m_learned = true;
    m_world.restore_before();
    (void)m_world.tufkey(m_scenario.read_only);
    m_before = read_tree(m_world.home());
    m_before_verifies = m_world.tufkey({"verify", kGun}).exit_code == 0;
    m_before_transcript_verifies = transcript_verifies();

    m_world.restore_before();
    auto done = m_world.tufkey(m_scenario.command);
    ASSERT_EQ(done.exit_code, 0) << m_scenario.name << " does not run undisturbed: " << done.err;
    (void)m_world.tufkey(m_scenario.read_only);
    m_after = read_tree(m_world.home());
    ASSERT_NE(m_before, m_after) << m_scenario.name << " changed nothing: nothing to test";
    EXPECT_EQ(m_world.tufkey({"verify", kGun}).exit_code, 0) << m_scenario.name << ": the after state must verify";
    if (m_scenario.make_pending) {
        m_world.restore_before();
        m_scenario.make_pending(m_world);
        (void)m_world.tufkey(m_scenario.read_only);
        m_pending = read_tree(m_world.home());
        m_has_pending = true;
        ASSERT_NE(m_pending, m_before) << m_scenario.name << ": the pending state is the before state";
        ASSERT_NE(m_pending, m_after) << m_scenario.name << ": the pending state is the after state";
    }

    // Calibration: the checks accept both legitimate outcomes, so a failure below is the
    // command's, not the harness's.
    m_world.restore_before();
    check_home("calibration: the before state, untouched");
    if (m_has_pending) {
        m_world.restore_before();
        m_scenario.make_pending(m_world);
        check_home("calibration: the pending state");
    }
    m_world.restore_before();
    ASSERT_EQ(m_world.tufkey(m_scenario.command).exit_code, 0);
    check_home("calibration: the after state of an undisturbed run");
    m_ready = !::testing::Test::HasFatalFailure();
}

bool CrashHarness::transcript_verifies() const {
    const fs::path file = m_world.home() / (state_dir(kGun) + "transcript.jsonl");
    return m_world.tufkey({"transcript", "verify", file.string(), "--gun", kGun}).exit_code == 0;
}

int CrashHarness::inject_until_done(Fault fault) {
    learn_before_and_after();
    if (!m_ready) return 0;
    const FaultSpec spec = spec_of(fault);
    int points = 0;
    for (const auto& syscall : spec.syscalls) points += inject_until_done(fault, syscall, spec.action);
    return points;
}

int CrashHarness::inject_until_done(Fault fault, const std::string& syscall, const std::string& action) {
    const fs::path trace = m_world.scratch() / "strace.out";
    int points = 0;
    for (int n = 1; n <= kMostInjectionPoints; ++n) {
        m_world.restore_before();
        // No --seccomp-bpf: with it strace 6.1 never injects (the filter lets the call through).
        const std::vector<std::string> strace{"strace",
                                              "-f",
                                              "-qq",
                                              "-o",
                                              trace.string(),
                                              "-e",
                                              "trace=" + syscall,
                                              "-e",
                                              "inject=" + syscall + ":" + action + ":when=" + std::to_string(n)};
        const auto run = m_world.tufkey(m_world.home(), m_scenario.command, strace);
        const bool injected = run.signal == SIGKILL || read_text(trace).find("INJECTED") != std::string::npos;
        remove_dead_faketime_files();
        if (!injected) {
            EXPECT_EQ(run.exit_code, 0) << m_scenario.name << " " << to_string(fault) << " " << syscall << " N=" << n
                                        << ": no fault left to inject, yet the command failed: " << run.err;
            break;
        }
        ++points;
        const std::string label = m_scenario.name + " " + to_string(fault) + " at " + syscall + " call " +
                                  std::to_string(n) + " (exit " + std::to_string(run.exit_code) + ", signal " +
                                  std::to_string(run.signal) + "): " + hex_line(run.err);
        ++m_found[check_home(label)];
    }
    return points;
}

const std::vector<Fault>& kill_faults() {
    static const std::vector<Fault> faults{Fault::rename_kill, Fault::write_kill, Fault::fsync_kill};
    return faults;
}

const std::vector<Fault>& enospc_faults() {
    static const std::vector<Fault> faults{Fault::write_enospc, Fault::fsync_enospc};
    return faults;
}

void CrashHarness::run_every_fault() { run_faults(every_fault()); }

void CrashHarness::run_faults(const std::vector<Fault>& faults) {
    for (Fault fault : faults) {
        m_found.clear();
        const int points = inject_until_done(fault);
        if (!m_ready) return;
        std::string key = to_string(fault);
        for (char& c : key) c = c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ::testing::Test::RecordProperty("points_" + key, points);
        std::cout << "crash-safety: " << m_scenario.name << " " << to_string(fault) << " points=" << points;
        for (const auto& [match, runs] : m_found) std::cout << " " << to_string(match) << "=" << runs;
        std::cout << std::endl;
        EXPECT_GT(points, 0) << m_scenario.name << " " << to_string(fault) << ": no injection point reached";
    }
}

Match CrashHarness::check_home(const std::string& label) {
    SCOPED_TRACE(label);
    (void)m_world.tufkey(m_scenario.read_only);
    const fs::path home = m_world.home();
    std::string read_only;
    for (const auto& arg : m_scenario.read_only) read_only += " " + arg;
    EXPECT_EQ(leftovers(home), std::vector<std::string>{}) << "(f) left behind after tufkey" << read_only;
    const Tree now = read_tree(home);
    expect_files_parse(now);
    if (m_before_verifies) {
        auto verify = m_world.tufkey({"verify", kGun});
        EXPECT_EQ(verify.exit_code, 0) << "(a) verify fails: " << verify.err;
    }
    const Comparison c =
        compare_state(now, m_before, m_after, m_scenario.fresh_keys, m_has_pending ? &m_pending : nullptr);
    EXPECT_NE(c.match, Match::neither) << "(b) neither the before state (" << c.difference_from_before
                                       << ") nor the after state (" << c.difference_from_after << ")"
                                       << (m_has_pending ? " nor the pending state (" + c.difference_from_pending + ")"
                                                         : std::string());
    expect_keys_kept(now);
    expect_transcript_matches_metadata();
    if (m_scenario.extra_check) m_scenario.extra_check(m_world);
    if (m_scenario.next_command) m_scenario.next_command(m_world, c.match);
    return c.match;
}

void CrashHarness::expect_keys_kept(const Tree& now) {
    std::vector<std::string> before_keys;
    for (const auto& [path, bytes] : m_before) {
        if (path.starts_with("private/") && path.ends_with(".key")) before_keys.push_back(path);
    }
    if (before_keys.empty()) return;
    // What `tufkey key list` lists, read in-process through the same keystore code (a process
    // per injection point would cost more than every other check).
    auto listed = keystore::TrustHome(m_world.home()).list_keys();
    ASSERT_TRUE(listed.ok()) << "(c) the keys cannot be listed: " << listed.error().message;
    std::set<std::string> ids;
    for (const auto& k : *listed) ids.insert(k.id);
    for (const auto& path : before_keys) {
        const std::string id = fs::path(path).stem().string();
        auto it = now.find(path);
        if (it == now.end()) {
            // A rotation retires a key by moving it, byte for byte, to tufkey/<GUN>/archive/.
            const bool archived = std::any_of(now.begin(), now.end(), [&](const auto& entry) {
                return entry.first.ends_with("/archive/" + id + ".key") && entry.second == m_before.at(path);
            });
            if (!archived) ADD_FAILURE() << "(c) key file lost (neither kept nor archived): " << path;
            continue;
        }
        EXPECT_TRUE(ids.contains(id)) << "(c) key " << id << " is no longer listed";
        auto blocks = keystore::parse_key_pem(core::SecretBytes::copy_of(it->second), path);
        ASSERT_TRUE(blocks.ok() && blocks->size() == 1) << "(c) damaged key file " << path;
        auto block = keystore::PrivateKeyBlock::from_pem(std::move(blocks->front()), path);
        ASSERT_TRUE(block.ok()) << "(c) " << block.error().message;
        EXPECT_TRUE(block->decrypt(core::SecretBytes::copy_of(passphrase_for_role(block->role()))).ok())
            << "(c) key " << path << " no longer decrypts";
    }
}

void CrashHarness::expect_transcript_matches_metadata() {
    const fs::path home = m_world.home();
    const fs::path file = home / (state_dir(kGun) + "transcript.jsonl");
    const bool had_transcript = m_before.contains(state_dir(kGun) + "transcript.jsonl");
    if (!fs::exists(file)) {
        EXPECT_FALSE(had_transcript) << "(d) the transcript is gone";
        return;
    }
    std::istringstream lines(read_text(file));
    json recorded;
    for (std::string line; std::getline(lines, line);) {
        const json j = json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "(d) transcript line does not parse: " << line;
        for (const char* field : {"files_written", "files"}) {
            if (!j.contains(field) || !j[field].is_object()) continue;
            bool hashes = false;
            for (const auto& [name, value] : j[field].items()) hashes = hashes || value.is_string();
            if (hashes) recorded = j[field];
        }
    }
    const fs::path metadata = home / "tuf" / kGun / "metadata";
    for (const auto& [name, value] : recorded.items()) {
        if (!value.is_string()) continue;
        const fs::path path = metadata / (name.ends_with(".json") ? name : name + ".json");
        ASSERT_TRUE(fs::exists(path)) << "(d) the transcript records " << name << " but it is not there";
        EXPECT_EQ(sha256_hex(read_text(path)), value.get<std::string>())
            << "(d) the last transcript line recording files does not match " << name;
    }
    // A pulled home's transcript has no head signature by a root key, so `transcript verify`
    // refuses it before and after: it must verify whenever it verified before.
    if (!m_before_transcript_verifies) return;
    auto verify = m_world.tufkey({"transcript", "verify", file.string(), "--gun", kGun});
    EXPECT_EQ(verify.exit_code, 0) << "(d) transcript verify: " << verify.err;
}

}  // namespace tufkey::testing::crash
