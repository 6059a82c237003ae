// Every ceremony run without --publish opens no network socket: each command runs under
// `strace -f -e trace=socket` and must succeed (exit 0 and its expected output, so the test
// cannot pass vacuously) while the trace holds no socket(AF_INET...) / socket(AF_INET6...).
// A positive control proves the trace would show such a socket.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "ceremony_cli.h"
#include "static_server.h"

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

// `tufkey client` honours --offline too (issue #14): an http(s) metadata or target URL is refused
// with one line (the protocol's exit 1) and no inet socket is opened, nor does the server see a
// request; the same repository as a directory still refreshes under --offline, and without
// --offline the same http refresh does reach the server (so the refusal is what keeps it offline).
TEST(OfflineFlag, ClientRefusesHttpUrlsButStillReadsADirectory) {
    CeremonyCli cli;
    const std::string site = (cli.scratch() / "site").string();
    ASSERT_EQ(cli.run(cli.init_args(Dialect::tuf)).exit_code, 0);
    ASSERT_EQ(
        cli.run({"sign", std::string(kCeremonyGun) + ":v1", "--digest", "sha256:" + kDigest, "--size", "42"}).exit_code,
        0);
    const auto published = cli.run({"publish", kCeremonyGun, "--to", site});
    ASSERT_EQ(published.exit_code, 0) << published.err;
    fs::create_directories(cli.scratch() / "server");
    StaticServer server(site, cli.scratch() / "server");
    ASSERT_FALSE(server.url().empty());
    const std::string md = (cli.scratch() / "md").string();
    auto client = [&](const std::string& trace_name, std::vector<std::string> args) {
        const fs::path trace = cli.scratch() / trace_name;
        args.insert(args.begin(), {"client", "--metadata-dir", md});
        Traced t{cli.run(args, {}, strace_prefix(trace)), ""};
        t.trace = fs::exists(trace) ? read_text(trace) : std::string("(no trace written)");
        return t;
    };
    ASSERT_EQ(client("t-init", {"init", site + "/1.root.json"}).result.exit_code, 0);

    const auto refused = client("t-refresh", {"--offline", "--metadata-url", server.url(), "refresh"});
    EXPECT_EQ(refused.result.exit_code, 1) << refused.result.err;
    EXPECT_NE(refused.result.err.find("--offline: --metadata-url " + server.url()), std::string::npos)
        << refused.result.err;
    EXPECT_EQ(std::count(refused.result.err.begin(), refused.result.err.end(), '\n'), 1) << refused.result.err;
    EXPECT_FALSE(opens_inet_socket(refused.trace)) << refused.trace;

    const auto target =
        client("t-download", {"--offline", "--metadata-url", site, "--target-name", "v1", "--target-base-url",
                              server.url(), "--target-dir", (cli.scratch() / "out").string(), "download"});
    EXPECT_EQ(target.result.exit_code, 1) << target.result.err;
    EXPECT_NE(target.result.err.find("--offline: --target-base-url"), std::string::npos) << target.result.err;
    EXPECT_FALSE(opens_inet_socket(target.trace)) << target.trace;
    EXPECT_EQ(server.log_text(), "") << "no request may reach the server under --offline";

    const auto local = client("t-local", {"--offline", "--metadata-url", "file://" + site, "refresh"});
    EXPECT_EQ(local.result.exit_code, 0) << local.result.err;
    EXPECT_FALSE(opens_inet_socket(local.trace)) << local.trace;
    EXPECT_TRUE(fs::exists(fs::path(md) / "timestamp.json"));

    const auto online = client("t-online", {"--metadata-url", server.url(), "refresh"});
    EXPECT_EQ(online.result.exit_code, 0) << online.result.err;
    EXPECT_TRUE(opens_inet_socket(online.trace)) << "without --offline the client should use the network";
    EXPECT_NE(server.log_text().find("timestamp.json"), std::string::npos) << server.log_text();
}

}  // namespace
}  // namespace tufkey::testing
