// Every ceremony run without --publish opens no network socket: each command runs under
// `strace -f -e trace=socket` and must succeed (exit 0 and its expected output, so the test
// cannot pass vacuously) while the trace holds no socket(AF_INET...) / socket(AF_INET6...).
// A positive control proves the trace would show such a socket.
#include <gtest/gtest.h>

#include <filesystem>

#include "ceremony_cli.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using tuf::Dialect;

const std::string kDigest(64, 'c');

// Runs `argv` (or tufkey `args` via `cli`) under strace; returns the result and the trace.
struct Traced final {
    ProcessResult result;
    std::string trace;
};

std::vector<std::string> strace_prefix(const fs::path& trace) {
    return {"strace", "-f", "-qq", "-e", "trace=socket", "-o", trace.string()};
}

bool opens_inet_socket(const std::string& trace) { return trace.find("socket(AF_INET") != std::string::npos; }

class OfflineCli : public ::testing::TestWithParam<Dialect> {
protected:
    Traced traced(const std::vector<std::string>& args, std::map<std::string, std::optional<std::string>> env = {}) {
        const fs::path trace = m_cli.scratch() / ("trace-" + std::to_string(m_runs++) + ".txt");
        Traced t{m_cli.run(args, std::move(env), strace_prefix(trace)), ""};
        t.trace = fs::exists(trace) ? read_text(trace) : std::string("(no trace written)");
        EXPECT_TRUE(fs::exists(trace)) << "strace did not run";
        return t;
    }

    // The command must succeed, print `expected` on stdout, and open no inet socket.
    void expect_offline(const std::vector<std::string>& args, const std::string& expected,
                        std::map<std::string, std::optional<std::string>> env = {}) {
        const auto t = traced(args, std::move(env));
        std::string what;
        for (const auto& a : args) what += a + " ";
        EXPECT_EQ(t.result.exit_code, 0) << what << "\n" << t.result.out << t.result.err;
        EXPECT_NE(t.result.out.find(expected), std::string::npos)
            << what << ": expected \"" << expected << "\" on stdout, got: " << t.result.out;
        EXPECT_FALSE(opens_inet_socket(t.trace)) << what << " opened a network socket:\n" << t.trace;
    }

    CeremonyCli m_cli;
    int m_runs = 0;
};

TEST(OfflineControl, TheTraceShowsAnInetSocketWhenOneIsOpened) {
    TempDir dir;
    const fs::path trace = dir / "trace.txt";
    auto argv = strace_prefix(trace);
    argv.insert(argv.end(), {"python3", "-c", "import socket; socket.socket(socket.AF_INET6, socket.SOCK_STREAM)"});
    const auto r = run_process(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(opens_inet_socket(read_text(trace))) << read_text(trace);
}

TEST_P(OfflineCli, CeremoniesOpenNoNetworkSocket) {
    const std::string gun = kCeremonyGun;
    expect_offline(m_cli.init_args(GetParam()), "Initialized " + gun);
    expect_offline({"sign", gun + ":v1", "--digest", "sha256:" + kDigest, "--size", "42"},
                   "");  // checked by verify below
    expect_offline({"sign", gun + ":v2", "--digest", "sha256:" + std::string(64, 'd'), "--size", "7"}, "");
    expect_offline({"unsign", gun + ":v2"}, "");
    expect_offline({"refresh", gun}, "");
    expect_offline({"status", gun}, "targets");
    expect_offline({"inspect", gun}, "SignedTags");
    expect_offline({"inspect", gun, "--pretty"}, "Signatures for " + gun);
    expect_offline({"verify", gun + ":v1"}, gun + "@sha256:" + kDigest);
    expect_offline({"verify", gun}, "1 signed target");  // v1 signed, v2 signed then removed
    expect_offline({"transcript", "verify", m_cli.state("transcript.jsonl").string()}, "verified");
    expect_offline({"key", "list"}, "targets");
    expect_offline({"key", "generate", "alice", "--dir", m_cli.scratch().path().string()}, "");
    EXPECT_TRUE(fs::exists(m_cli.scratch() / "alice.pub"));
    expect_offline({"key", "export", "--gun", gun, "-o", (m_cli.scratch() / "keys.pem").string()}, "");
    EXPECT_NE(read_text(m_cli.scratch() / "keys.pem").find("ENCRYPTED PRIVATE KEY"), std::string::npos);
    expect_offline({"token", "keys", "--pin-file", m_cli.pin_file().string()}, "root");
    const std::string bundle = (m_cli.scratch() / "repo.bundle").string();
    expect_offline({"bundle", "export", gun, "-o", bundle}, "");
    EXPECT_TRUE(fs::exists(bundle));
    expect_offline({"bundle", "import", bundle}, "");
    expect_offline({"verify", gun + ":v1"}, gun + "@sha256:" + kDigest);
}

std::string dialect_name(const ::testing::TestParamInfo<Dialect>& p) { return tuf::to_string(p.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, OfflineCli, ::testing::Values(Dialect::notary, Dialect::tuf), dialect_name);

}  // namespace
}  // namespace tufkey::testing

namespace tufkey::testing {
namespace {

// --offline refuses a pull from a URL before any socket is opened (and without --offline the
// same pull does try the network, so the refusal is what keeps it offline).
TEST(OfflineFlag, PullFromAUrlIsRefusedBeforeAnySocket) {
    CeremonyCli cli;
    const fs::path trace = cli.scratch() / "trace-offline.txt";
    auto refused = cli.run({"--offline", "pull", kCeremonyGun, "--from", "http://127.0.0.1:9/", "--yes"}, {},
                           strace_prefix(trace));
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("--offline"), std::string::npos) << refused.err;
    ASSERT_TRUE(fs::exists(trace));
    EXPECT_FALSE(opens_inet_socket(read_text(trace))) << read_text(trace);

    const fs::path online_trace = cli.scratch() / "trace-online.txt";
    auto online =
        cli.run({"pull", kCeremonyGun, "--from", "http://127.0.0.1:9/", "--yes"}, {}, strace_prefix(online_trace));
    EXPECT_NE(online.exit_code, 0);
    EXPECT_TRUE(opens_inet_socket(read_text(online_trace))) << "without --offline the pull should try the network";
}

}  // namespace
}  // namespace tufkey::testing
