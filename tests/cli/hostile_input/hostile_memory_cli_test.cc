// Hostile input and memory (issue #14), black box on the built binary, measured from outside:
// each tufkey run is a child whose peak RSS comes from wait4()'s rusage.
//   - pull from a directory repository whose snapshot (python-tuf's default) lists no length
//     for a delegated role of 63 MB: refused at the role's default cap (tuf/limits.h), peak RSS
//     under 64 MB (it was 2.5 GB); one of 4.9 MB of empty objects, within the cap: refused by the
//     JSON tree budget (peak RSS about 140 MB: still about 29 times its size, see issue #15);
//   - bundle import of a 60 MiB `[{},{},...]` (and the same inside a bundle-shaped object):
//     refused while it is read, peak RSS under 64 MB (it was 2 GB).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "process.h"
#include "temp_dir.h"
#include "test_repository.h"
#include "tufkey/tuf/limits.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

constexpr long kRssLimitKiB = 64 * 1024;

struct Measured final {
    int exit_code = -1;
    long max_rss_kib = 0;
    std::string err;
};

// Runs tufkey ARGS with stdout/stderr to files under `dir`, and the child's peak RSS.
Measured run_measured(const fs::path& dir, const std::vector<std::string>& args) {
    const fs::path err_file = dir / "stderr.txt";
    std::vector<std::string> argv{tufkey_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open("/dev/null", O_WRONLY);
        const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(out, 1);
        ::dup2(err, 2);
        std::vector<char*> raw;
        for (auto& a : argv) raw.push_back(a.data());
        raw.push_back(nullptr);
        ::setenv("TUFKEY_HOME", (dir / "unused-home").c_str(), 1);
        ::execv(raw[0], raw.data());
        ::_exit(127);
    }
    Measured m;
    int status = 0;
    rusage usage{};
    EXPECT_EQ(::wait4(pid, &status, 0, &usage), pid);
    m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    m.max_rss_kib = usage.ru_maxrss;  // KiB on Linux
    m.err = read_text(err_file);
    return m;
}

// `count` copies of `unit` between `head` and `tail`, written in pieces.
void write_repeated(const fs::path& file, const std::string& head, const std::string& unit, std::size_t count,
                    const std::string& tail) {
    std::ofstream out(file, std::ios::binary);
    out << head;
    std::string block;
    for (int i = 0; i < 4096; ++i) block += unit;
    for (std::size_t written = 0; written < count; written += 4096) out << block;
    out << tail;
}

// 63 MB: refused at the role's default cap before it is read (peak RSS under 64 MB); 4.9 MB:
// within the cap, refused by the JSON tree budget while it is parsed.
TEST(HostileMemory, PullOfAHugeRoleTheSnapshotListsNoLengthForStaysSmall) {
    for (const std::size_t size : {std::size_t{63'000'000}, std::size_t{4'900'000}}) {
        TempDir dir("tufkey-hostile-memory");
        TestRepository repo;  // snapshot meta lists versions only, as python-tuf writes by default
        repo.add_delegation("targets", "big", {"*"});
        repo.add_target("big", "a.txt", "in the big role");
        repo.publish_all();
        repo.write_to(dir / "site");
        write_text(dir / "root.json", repo.initial_root());
        // The delegated role's file becomes an array of empty objects.
        fs::path big;
        for (const auto& e : fs::directory_iterator(dir / "site/metadata"))
            if (e.path().filename().string().ends_with("big.json")) big = e.path();
        ASSERT_FALSE(big.empty());
        write_repeated(big, "[{}", ",{}", size / 3 - 4096, "]");
        ASSERT_GT(fs::file_size(big), size - 20'000);

        const Measured m =
            run_measured(dir.path(), {"--home", (dir / "home").string(), "pull", "example.com/big", "--from",
                                      (dir / "site/metadata").string(), "--root", (dir / "root.json").string(), "-y"});
        EXPECT_NE(m.exit_code, 0) << m.err;
        EXPECT_NE(m.err.find("big"), std::string::npos) << m.err;
        if (size > tuf::kDefaultTargetsLength) {
            EXPECT_LT(m.max_rss_kib, kRssLimitKiB) << "peak RSS " << m.max_rss_kib << " KiB; " << m.err;
        } else {
            // Within the cap the tree budget refuses it, but only after about 29 times its size
            // (the Json tree's own cost; a cheaper tree is issue #15's): the bound here is a
            // regression guard, not the 64 MB goal.
            EXPECT_EQ(m.exit_code, 1) << m.err;
            EXPECT_NE(m.err.find("would take more than"), std::string::npos) << m.err;
            EXPECT_LT(m.max_rss_kib, 4 * kRssLimitKiB) << "peak RSS " << m.max_rss_kib << " KiB; " << m.err;
        }
        std::cout << "[ measured ] pull, unlisted " << fs::file_size(big) << "-byte role: peak RSS " << m.max_rss_kib
                  << " KiB, exit " << m.exit_code << ": " << m.err;
        EXPECT_FALSE(fs::exists(dir / "home/tufkey/example.com/big/repository.json"));
    }
}

TEST(HostileMemory, BundleImportOfSixtyMiBOfEmptyObjectsStaysSmall) {
    TempDir dir("tufkey-hostile-bundle");
    const std::size_t units = (std::size_t{60} << 20) / 3;
    const std::vector<std::pair<std::string, std::string>> shapes{
        {"[{}", "]"}, {R"({"format":"tufkey-bundle","gun":"example.com/x","dialect":"tuf","roles":[{})", "]}"}};
    int n = 0;
    for (const auto& [head, tail] : shapes) {
        const fs::path bundle = dir / ("hostile-" + std::to_string(n++) + ".bundle");
        write_repeated(bundle, head, ",{}", units, tail);
        ASSERT_GT(fs::file_size(bundle), std::uintmax_t{60} << 20);
        const Measured m =
            run_measured(dir.path(), {"--home", (dir / "home").string(), "bundle", "import", bundle.string()});
        EXPECT_EQ(m.exit_code, 1) << m.err;
        EXPECT_NE(m.err.find("refused"), std::string::npos) << m.err;
        EXPECT_EQ(std::count(m.err.begin(), m.err.end(), '\n'), 1) << m.err;
        EXPECT_LT(m.max_rss_kib, kRssLimitKiB) << "peak RSS " << m.max_rss_kib << " KiB; " << m.err;
        std::cout << "[ measured ] bundle import, 60 MiB of {}: peak RSS " << m.max_rss_kib << " KiB, exit "
                  << m.exit_code << "\n";
    }
    EXPECT_FALSE(fs::exists(dir / "home/tufkey"));
}

}  // namespace
}  // namespace tufkey::testing
