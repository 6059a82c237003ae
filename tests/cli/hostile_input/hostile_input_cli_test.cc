// Hostile input and secrets (issue #14), black box on the built binary:
//   - a FIFO where a static repository should hold a file is refused at once (exit 4), never
//     waited on, in both dialects;
//   - a symlink in a directory repository is followed only inside it;
//   - a PIN file that group or others can read is refused (exit 5) before any token is opened,
//     and nothing changes;
//   - tufkey forbids core dumps: a process killed by SIGSEGV in a directory where the kernel
//     would write `core` leaves none, and strace shows RLIMIT_CORE 0 and PR_SET_DUMPABLE 0.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

class HostileInput : public ::testing::TestWithParam<const char*> {
protected:
    HostileInput() : w({"ceremony"}, "tufkey-hostile") {
        w.init(w / "home", gun, {"ceremony"}, GetParam());
        w.sign(w / "home", gun + ":v1", "image");
        w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    }
    [[nodiscard]] fs::path site_file(const std::string& name) const {
        return std::string(GetParam()) == "notary" ? w / "site/v2" / gun / "_trust/tuf" / name : w / "site" / name;
    }

    TufkeyWorld w;
    const std::string gun = "example.com/hostile";
};
INSTANTIATE_TEST_SUITE_P(BothDialects, HostileInput, ::testing::Values("notary", "tuf"));

TEST_P(HostileInput, AFifoInAStaticRepositoryIsRefusedNotWaitedOn) {
    const fs::path timestamp = site_file("timestamp.json");
    fs::remove(timestamp);
    ASSERT_EQ(::mkfifo(timestamp.c_str(), 0644), 0);
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = w.tufkey(w / "other", {"pull", gun, "--from", (w / "site").string(), "-y"});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60)) << "pull waited on the FIFO";
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(w / "other/tufkey" / gun / "repository.json"));
}

// Symlinks in a directory repository are followed only inside it: timestamp.json linked to a
// copy outside the repository is refused (exit 4, naming where it leads) and nothing is pulled;
// linked to the same bytes inside the repository, the pull works.
TEST_P(HostileInput, ASymlinkLeadingOutOfADirectoryRepositoryIsRefused) {
    const fs::path timestamp = site_file("timestamp.json");
    const fs::path outside = w / "outside-timestamp.json";
    fs::copy_file(timestamp, outside);
    fs::remove(timestamp);
    fs::create_symlink(outside, timestamp);
    const ProcessResult r = w.tufkey(w / "other", {"pull", gun, "--from", (w / "site").string(), "-y"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("outside the repository directory"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(w / "other/tufkey" / gun / "repository.json"));

    const fs::path inside = w / "site/kept/timestamp.json";
    fs::create_directories(inside.parent_path());
    fs::copy_file(outside, inside);
    fs::remove(timestamp);
    fs::create_symlink(inside, timestamp);
    w.ok(w / "other", {"pull", gun, "--from", (w / "site").string(), "-y"});
}

TEST_P(HostileInput, APinFileOthersCanReadIsRefusedAndNothingChanges) {
    const fs::path loose = w / "loose.pin";
    fs::copy_file(w.pin_file(), loose);
    fs::permissions(loose,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    const auto before = file_tree(w / "home");
    const ProcessResult r = w.tufkey(w / "home", {"rotate", gun, "timestamp", "--pin-file", loose.string()});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("chmod 600 " + loose.string()), std::string::npos) << r.err;
    EXPECT_EQ(file_tree(w / "home"), before);
    // The same file, private, works.
    fs::permissions(loose, fs::perms::owner_read | fs::perms::owner_write);
    w.ok(w / "home", {"rotate", gun, "timestamp", "--pin-file", loose.string()});
}

TEST_P(HostileInput, NoTufkeyProcessLeavesACoreDump) {
    const fs::path dir = w / "crash-here";
    fs::create_directories(dir);
    const fs::path trace = w / "trace.txt";
    // The kernel would write ./core for a process allowed to dump (core_pattern "core" here). The
    // signal comes at tufkey's first write (status printing), well after main() began.
    const std::string script = "ulimit -c unlimited; cd '" + dir.string() + "' && exec strace -f -qq -o '" +
                               trace.string() +
                               "' -e trace=prlimit64,setrlimit,prctl,write -e inject=write:signal=SIGSEGV:when=1 '" +
                               tufkey_binary() + "' --home '" + (w / "home").string() + "' status " + gun;
    const ProcessResult r = run_process({"bash", "-c", script});
    EXPECT_NE(r.exit_code, 0) << "the injected SIGSEGV must kill it\n" << r.err;
    const std::string calls = read_text(trace);
    EXPECT_NE(calls.find("RLIMIT_CORE, {rlim_cur=0, rlim_max=0}"), std::string::npos) << calls.substr(0, 4000);
    EXPECT_NE(calls.find("prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0"), std::string::npos) << calls.substr(0, 4000);
    EXPECT_NE(calls.find("SIGSEGV"), std::string::npos) << "the process did crash";
    for (const auto& entry : fs::directory_iterator(dir)) ADD_FAILURE() << "a core dump was written: " << entry.path();
}

}  // namespace
}  // namespace tufkey::testing
