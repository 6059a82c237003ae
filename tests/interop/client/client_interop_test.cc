// `tufkey client` against repositories served from 127.0.0.1 by tests/fixtures/static-server.py,
// written (a) by an independent generator (gen_repo.py, securesystemslib 0.26 on Debian's
// /usr/bin/python3) and (b) by tufkey's own tuf/ code (tufkey_client_repo_gen). Every scenario
// runs through tufkey and through tuf-js 5.0.1 (tufjs-client.js): exit codes, stored files and
// the server's request log are checked for tufkey, and tuf-js must give the same verdict except
// where docs/client.md lists a deliberate difference.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "static_server.h"
#include "temp_dir.h"
#include "tufkey/core/bytes.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/remote/downloader.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kHere = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/client";
const std::string kPython = "/usr/bin/python3";

enum class Peer { tufkey, tufjs };

struct Action final {
    Action(std::string c, std::vector<std::string> t, int k, std::optional<int> j = std::nullopt, std::string f = "")
        : command(std::move(c)), targets(std::move(t)), tufkey_exit(k), tufjs_exit(j), fake_time(std::move(f)) {}
    std::string command;               // "refresh" or "download"
    std::vector<std::string> targets;  // for download
    int tufkey_exit;
    std::optional<int> tufjs_exit;  // set only for a deliberate difference (docs/client.md)
    std::string fake_time;          // run under `faketime -f FAKE_TIME` (e.g. "+400d")
};

struct ClientRun final {
    std::vector<int> exits;
    std::vector<std::vector<std::string>> requests;  // per action
    fs::path metadata_dir;
    fs::path target_dir;
};

// Generates `scenario` into `out`; the number of steps.
int generate(const std::string& generator, const std::string& scenario, const fs::path& out) {
    std::vector<std::string> argv = generator == "sslib"
                                        ? std::vector<std::string>{kPython, (kHere / "gen_repo.py").string()}
                                        : std::vector<std::string>{TUFKEY_CLIENT_REPO_GEN};
    argv.push_back(out.string());
    argv.push_back(scenario);
    const ProcessResult result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.exit_code == 0 ? std::stoi(result.out) : 0;
}

std::vector<std::string> client_argv(Peer peer) {
    if (peer == Peer::tufkey) return {tufkey_binary(), "client"};
    return {"node", (kHere / "tufjs-client.js").string()};
}

ProcessResult run_client(Peer peer, std::vector<std::string> args, const std::string& fake_time = "") {
    std::vector<std::string> argv = client_argv(peer);
    if (!fake_time.empty()) argv.insert(argv.begin(), {"faketime", "-f", fake_time});
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions options;
    options.env["NODE_PATH"] = std::string(TUFKEY_SOURCE_DIR) + "/build/npm/node_modules";
    return run_process(argv, options);
}

ClientRun run_scenario(Peer peer, const fs::path& generated, int steps, const std::vector<Action>& actions,
                       const fs::path& work) {
    ClientRun run;
    run.metadata_dir = work / "metadata";
    run.target_dir = work / "targets";
    fs::create_directories(run.metadata_dir);
    fs::create_directories(run.target_dir);
    const fs::path served = work / "served";
    fs::create_directories(served);
    StaticServer server(served, work);
    EXPECT_FALSE(server.url().empty());
    const ProcessResult init =
        run_client(peer, {"--metadata-dir", run.metadata_dir.string(), "init", (generated / "root.json").string()});
    EXPECT_EQ(init.exit_code, 0) << init.err;
    for (std::size_t i = 0; i < actions.size(); ++i) {
        const int step = std::min<int>(static_cast<int>(i), steps - 1);
        for (const auto& entry : fs::directory_iterator(served)) fs::remove_all(entry.path());
        fs::copy(generated / ("step-" + std::to_string(step)), served, fs::copy_options::recursive);
        std::vector<std::string> args{"--metadata-url", server.url() + "/metadata", "--metadata-dir",
                                      run.metadata_dir.string()};
        for (const auto& t : actions[i].targets) args.insert(args.end(), {"--target-name", t});
        if (actions[i].command == "download") {
            args.insert(args.end(),
                        {"--target-dir", run.target_dir.string(), "--target-base-url", server.url() + "/targets"});
        }
        args.push_back(actions[i].command);
        const std::size_t before = server.log_lines().size();
        const ProcessResult result = run_client(peer, args, actions[i].fake_time);
        run.exits.push_back(result.exit_code);
        const auto log = server.log_lines();
        run.requests.emplace_back(log.begin() + static_cast<long>(std::min(before, log.size())), log.end());
        if (peer == Peer::tufkey) {
            EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
        }
    }
    return run;
}

std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::int64_t stored_version(const fs::path& file) {
    if (!fs::exists(file)) return 0;
    const auto json = nlohmann::json::parse(read_text(file), nullptr, false);
    if (json.is_discarded()) return 0;
    return json.at("signed").at("version").get<std::int64_t>();
}

// Runs a scenario through both clients under `work`; returns tufkey's run for further checks.
ClientRun check_scenario(const fs::path& work, const std::string& generator, const std::string& scenario,
                         const std::vector<Action>& actions) {
    const fs::path generated = work / "repo";
    const int steps = generate(generator, scenario, generated);
    if (steps == 0) return {};
    ClientRun ours = run_scenario(Peer::tufkey, generated, steps, actions, work / "tufkey");
    ClientRun theirs = run_scenario(Peer::tufjs, generated, steps, actions, work / "tufjs");
    for (std::size_t i = 0; i < actions.size(); ++i) {
        EXPECT_EQ(ours.exits.at(i), actions[i].tufkey_exit) << scenario << " action " << i;
        EXPECT_EQ(theirs.exits.at(i), actions[i].tufjs_exit.value_or(actions[i].tufkey_exit))
            << scenario << " action " << i << ": tuf-js disagrees";
    }
    return ours;
}

using Lines = std::vector<std::string>;
const Action kRefreshOk{"refresh", {}, 0, std::nullopt};
const Action kRefreshFails{"refresh", {}, 1, std::nullopt};
const Lines kTopLevel{"root.json", "snapshot.json", "targets.json", "timestamp.json"};

}  // namespace

std::string sha256_hex(const std::string& text) { return core::hex_encode(core::sha256(core::as_bytes(text))); }

Lines expected_basic_refresh(int version) {
    const std::string v = std::to_string(version);
    return {"GET /metadata/2.root.json 404", "GET /metadata/timestamp.json 200",
            "GET /metadata/" + v + ".snapshot.json 200", "GET /metadata/" + v + ".targets.json 200"};
}

TEST(ClientInteropSslib, BasicRefreshDownloadAndCache) {
    TempDir tmp("tufkey-client");
    const std::string file = "hello from securesystemslib\n";
    const ClientRun run = check_scenario(
        tmp.path(), "sslib", "basic",
        {kRefreshOk, {"download", {"file.txt", "dir/sub/data.bin"}, 0, {}}, {"download", {"file.txt"}, 0, {}}});
    ASSERT_EQ(run.requests.size(), 3u);
    EXPECT_EQ(run.requests[0], expected_basic_refresh(2));
    EXPECT_EQ(files_in(run.metadata_dir), kTopLevel);
    for (const std::string name : {"timestamp.json", "snapshot.json", "targets.json"}) {
        const std::string served = name == "timestamp.json" ? name : "2." + name;
        EXPECT_EQ(read_text(run.metadata_dir / name), read_text(tmp.path() / "repo/step-0/metadata" / served)) << name;
    }
    EXPECT_EQ(run.requests[1], (Lines{"GET /metadata/2.root.json 404", "GET /metadata/timestamp.json 200",
                                      "GET /targets/" + sha256_hex(file) + ".file.txt 200",
                                      "GET /targets/dir/sub/" + sha256_hex("nested target") + ".data.bin 200"}));
    EXPECT_EQ(read_text(run.target_dir / "file.txt"), file);
    EXPECT_EQ(read_text(run.target_dir / "dir%2Fsub%2Fdata.bin"), "nested target");
    EXPECT_EQ(run.requests[2], (Lines{"GET /metadata/2.root.json 404", "GET /metadata/timestamp.json 200"}));
}

// Time comes from the system clock, which faketime shifts: a year and more later every role
// has expired (freeze), though the repository did not change.
TEST(ClientInteropSslib, FrozenRepositoryFailsWhenTheClockPassesExpiry) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(
        tmp.path(), "sslib", "basic", {kRefreshOk, {"refresh", {}, 1, {}, "+400d"}, {"refresh", {}, 0, {}, "+300d"}});
    EXPECT_EQ(run.exits.size(), 3u);
}

TEST(ClientInteropSslib, RootRotationSignedByOldAndNew) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "root-rotation", {kRefreshOk, kRefreshOk});
    ASSERT_EQ(run.requests.size(), 2u);
    EXPECT_EQ(run.requests[1], (Lines{"GET /metadata/2.root.json 200", "GET /metadata/3.root.json 200",
                                      "GET /metadata/4.root.json 404", "GET /metadata/timestamp.json 200"}));
    EXPECT_EQ(stored_version(run.metadata_dir / "root.json"), 3);
}

void expect_root_refused(const std::string& scenario) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", scenario, {kRefreshOk, kRefreshFails});
    EXPECT_EQ(stored_version(run.metadata_dir / "root.json"), 1) << scenario;
    ASSERT_EQ(run.requests.size(), 2u);
    EXPECT_EQ(run.requests[1], (Lines{"GET /metadata/2.root.json 200"})) << scenario;
}

TEST(ClientInteropSslib, RootNotSignedByOldRootIsRefused) { expect_root_refused("root-not-signed-by-old"); }
TEST(ClientInteropSslib, RootNotSignedByNewRootIsRefused) { expect_root_refused("root-not-signed-by-new"); }
TEST(ClientInteropSslib, RootVersionJumpIsRefused) { expect_root_refused("root-version-jump"); }

void expect_refused_keeping(const std::string& scenario, const std::string& file, std::int64_t version) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", scenario, {kRefreshOk, kRefreshFails});
    EXPECT_EQ(stored_version(run.metadata_dir / file), version) << scenario;
}

TEST(ClientInteropSslib, TimestampRollbackIsRefused) {
    expect_refused_keeping("timestamp-rollback", "timestamp.json", 2);
}
TEST(ClientInteropSslib, SnapshotRollbackIsRefused) { expect_refused_keeping("snapshot-rollback", "snapshot.json", 2); }
TEST(ClientInteropSslib, TargetsRollbackIsRefused) { expect_refused_keeping("targets-rollback", "targets.json", 2); }
TEST(ClientInteropSslib, ExpiredTimestampIsRefused) {
    expect_refused_keeping("expired-timestamp", "timestamp.json", 1);
}
TEST(ClientInteropSslib, MixAndMatchSnapshotIsRefused) { expect_refused_keeping("mix-and-match", "snapshot.json", 2); }

TEST(ClientInteropSslib, SameTimestampVersionWithNewContentIsIgnored) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "timestamp-same-version", {kRefreshOk, kRefreshOk});
    const std::string stored = read_text(run.metadata_dir / "timestamp.json");
    EXPECT_EQ(stored, read_text(tmp.path() / "repo/step-0/metadata/timestamp.json"));
    EXPECT_NE(stored, read_text(tmp.path() / "repo/step-1/metadata/timestamp.json"));
}

TEST(ClientInteropSslib, InvalidTrustedRootIsRefusedWithoutRequests) {
    TempDir tmp("tufkey-client");
    ASSERT_EQ(generate("sslib", "basic", tmp / "repo"), 1);
    std::string root = read_text(tmp / "repo/root.json");
    const auto sig = root.find("\"sig\": \"") + 9;
    root[sig] = root[sig] == '0' ? '1' : '0';
    write_text(tmp / "bad-root.json", root);
    StaticServer server(tmp / "repo/step-0", tmp.path());
    const std::string metadata = (tmp / "metadata").string();
    EXPECT_EQ(
        run_client(Peer::tufkey, {"--metadata-dir", metadata, "init", (tmp / "bad-root.json").string()}).exit_code, 1);
    EXPECT_EQ(
        run_client(Peer::tufkey, {"--metadata-url", server.url() + "/metadata", "--metadata-dir", metadata, "refresh"})
            .exit_code,
        1);
    EXPECT_TRUE(server.log_lines().empty());
    EXPECT_FALSE(fs::exists(tmp / "metadata/root.json"));
}

TEST(ClientInteropSslib, ExpiredRootIsPersistedButStopsTheUpdate) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "expired-root", {kRefreshOk, kRefreshFails});
    EXPECT_EQ(stored_version(run.metadata_dir / "root.json"), 2);
    EXPECT_EQ(stored_version(run.metadata_dir / "targets.json"), 1);
}

TEST(ClientInteropSslib, FastForwardRecoveryOfTimestamp) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "fast-forward-timestamp", {kRefreshOk, kRefreshOk});
    EXPECT_EQ(stored_version(run.metadata_dir / "timestamp.json"), 1);
}

TEST(ClientInteropSslib, FastForwardRecoveryOfSnapshot) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "fast-forward-snapshot", {kRefreshOk, kRefreshOk});
    EXPECT_EQ(stored_version(run.metadata_dir / "snapshot.json"), 1);
}

TEST(ClientInteropSslib, DelegationsGlobsAndTerminatingRoles) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "delegations",
                                         {{"download", {"readme.txt"}, 0, {}},
                                          {"download", {"docs/deep.txt"}, 1, {}},
                                          {"download", {"releases/x/app"}, 0, {}},
                                          {"download", {"releases/y/other"}, 1, {}}});
    ASSERT_EQ(run.requests.size(), 4u);
    EXPECT_EQ(Lines(run.requests[0].begin() + 4, run.requests[0].end()),
              (Lines{"GET /metadata/2.A.json 200", "GET /targets/" + sha256_hex("readme by A") + ".readme.txt 200"}));
    EXPECT_EQ(Lines(run.requests[2].begin() + 2, run.requests[2].end()),
              (Lines{"GET /metadata/2.B.json 200", "GET /metadata/2.C.json 200",
                     "GET /targets/releases/x/" + sha256_hex("app by C") + ".app 200"}));
    EXPECT_EQ(run.requests[3], (Lines{"GET /metadata/2.root.json 404", "GET /metadata/timestamp.json 200"}));
    EXPECT_EQ(files_in(run.metadata_dir),
              (Lines{"A.json", "B.json", "C.json", "root.json", "snapshot.json", "targets.json", "timestamp.json"}));
    EXPECT_EQ(files_in(run.target_dir), (Lines{"readme.txt", "releases%2Fx%2Fapp"}));
}

TEST(ClientInteropSslib, SubstitutedTargetIsRefusedAndNotStored) {
    TempDir tmp("tufkey-client");
    const ClientRun run =
        check_scenario(tmp.path(), "sslib", "target-substituted", {kRefreshOk, {"download", {"file.txt"}, 1, {}}});
    EXPECT_TRUE(files_in(run.target_dir).empty());
}

// Deliberate difference (docs/client.md): one public key listed under two key IDs counts once.
TEST(ClientInteropSslib, SameKeyUnderTwoKeyIdsCountsOnce) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "sslib", "duplicate-key-two-ids", {{"refresh", {}, 1, 0}});
    EXPECT_EQ(stored_version(run.metadata_dir / "root.json"), 2);
    EXPECT_FALSE(fs::exists(run.metadata_dir / "timestamp.json"));
}

TEST(ClientInteropTufkeyGen, BasicRefreshAndDownload) {
    TempDir tmp("tufkey-client");
    const ClientRun run =
        check_scenario(tmp.path(), "tufkey", "tufkey-basic", {kRefreshOk, {"download", {"a.txt", "dir/b.txt"}, 0, {}}});
    ASSERT_EQ(run.requests.size(), 2u);
    EXPECT_EQ(run.requests[0], expected_basic_refresh(2));
    EXPECT_EQ(read_text(run.target_dir / "a.txt"), "written by tufkey's tuf/ code\n");
    EXPECT_EQ(read_text(run.target_dir / "dir%2Fb.txt"), "nested");
}

TEST(ClientInteropTufkeyGen, UnusualRoleNamesAreQuotedAndStayInside) {
    TempDir tmp("tufkey-client");
    const ClientRun run =
        check_scenario(tmp.path(), "tufkey", "tufkey-unusual-role-names", {{"download", {"q.txt"}, 0, {}}});
    ASSERT_EQ(run.requests.size(), 1u);
    EXPECT_EQ(Lines(run.requests[0].begin() + 4, run.requests[0].end() - 1),
              (Lines{"GET /metadata/2...%2Fx.json 200", "GET /metadata/2.a%2Fb.json 200",
                     "GET /metadata/2.%3F.json 200", "GET /metadata/2.%23.json 200"}));
    const Lines files = files_in(run.metadata_dir);
    EXPECT_EQ(files, (Lines{"%23.json", "%3F.json", "..%2Fx.json", "a%2Fb.json", "root.json", "snapshot.json",
                            "targets.json", "timestamp.json"}));
    for (const auto& entry : fs::directory_iterator(run.metadata_dir)) EXPECT_TRUE(entry.is_regular_file());
    EXPECT_FALSE(fs::exists(run.metadata_dir.parent_path() / "x.json"));
}

TEST(ClientInteropTufkeyGen, RootSnapshotAndTimestampRotationWithFastForward) {
    TempDir tmp("tufkey-client");
    const ClientRun run = check_scenario(tmp.path(), "tufkey", "tufkey-rotation", {kRefreshOk, kRefreshOk});
    EXPECT_EQ(stored_version(run.metadata_dir / "root.json"), 3);
    EXPECT_EQ(stored_version(run.metadata_dir / "snapshot.json"), 1);
}

TEST(ClientInteropTufkeyGen, NonConsistentSnapshotUsesPlainNames) {
    TempDir tmp("tufkey-client");
    const ClientRun run =
        check_scenario(tmp.path(), "tufkey", "tufkey-non-consistent", {{"download", {"a.txt"}, 0, {}}});
    ASSERT_EQ(run.requests.size(), 1u);
    EXPECT_EQ(run.requests[0],
              (Lines{"GET /metadata/2.root.json 404", "GET /metadata/timestamp.json 200",
                     "GET /metadata/snapshot.json 200", "GET /metadata/targets.json 200", "GET /targets/a.txt 200"}));
}
}  // namespace tufkey::testing

namespace tufkey::testing {
namespace {

// remote::Downloader against the same loopback server: caps, not-found, redaction, file:// rules.
TEST(RemoteDownloader, HttpBodyOverTheCapIsAbortedAndNotFoundIsNotAnError) {
    TempDir tmp("tufkey-client");
    const fs::path served = tmp / "served";
    fs::create_directories(served);
    write_text(served / "big.bin", std::string(200000, 'x'));
    write_text(served / "small.txt", "hello");
    StaticServer server(served, tmp.path());
    remote::Downloader downloader;
    auto big = downloader.get(server.url() + "/big.bin", 1000);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, core::ErrorCode::remote);
    EXPECT_NE(big.error().message.find("/big.bin"), std::string::npos) << big.error().message;
    EXPECT_NE(big.error().message.find("1000"), std::string::npos) << big.error().message;
    auto small = downloader.get(server.url() + "/small.txt", 1000);
    ASSERT_TRUE(small && small->has_value());
    EXPECT_EQ(**small, "hello");
    auto exact = downloader.get(server.url() + "/small.txt", 5);
    ASSERT_TRUE(exact && exact->has_value());
    auto missing = downloader.get(server.url() + "/nothing.json", 1000);
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
}

// --tls-ca: an https repository under a private CA is refused without it and read with it.
TEST(ClientInteropTls, PrivateCaIsTrustedOnlyWithTlsCa) {
    TempDir tmp("tufkey-client");
    const fs::path generated = tmp / "repo";
    ASSERT_EQ(generate("sslib", "basic", generated), 1);
    const std::string cert = (tmp / "cert.pem").string(), key = (tmp / "key.pem").string();
    const ProcessResult made = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                            "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-subj",
                                            "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    StaticServer server(generated / "step-0", tmp.path(), {"--tls-cert", cert, "--tls-key", key});
    ASSERT_TRUE(server.url().starts_with("https://")) << server.url();
    const std::string metadata = (tmp / "metadata").string();
    ASSERT_EQ(
        run_client(Peer::tufkey, {"--metadata-dir", metadata, "init", (generated / "root.json").string()}).exit_code,
        0);
    const std::vector<std::string> refresh{"--metadata-url", server.url() + "/metadata", "--metadata-dir", metadata};
    std::vector<std::string> without = refresh;
    without.push_back("refresh");
    const ProcessResult refused = run_client(Peer::tufkey, without);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(server.log_lines().empty());
    std::vector<std::string> with = refresh;
    with.insert(with.end(), {"--tls-ca", cert, "refresh"});
    const ProcessResult accepted = run_client(Peer::tufkey, with);
    EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
    EXPECT_EQ(server.log_lines().size(), 4u);
}

TEST(RemoteDownloader, CredentialsInUrlsNeverReachMessages) {
    remote::Downloader downloader(remote::DownloadOptions{.connect_timeout = std::chrono::milliseconds(2000)});
    auto result = downloader.get("http://user:hunter2@127.0.0.1:1/metadata/root.json", 100);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message.find("hunter2"), std::string::npos) << result.error().message;
    EXPECT_EQ(remote::redact_url("https://u:p@host:8/a@b"), "https://host:8/a@b");
}

TEST(RemoteDownloader, FileUrlsStayInsideAndRespectTheCap) {
    TempDir tmp("tufkey-client");
    write_text(tmp / "small.txt", "hello");
    remote::Downloader downloader;
    const std::string base = remote::file_url(tmp.path().string());
    auto small = downloader.get(base + "/small.txt", 100);
    ASSERT_TRUE(small && small->has_value());
    EXPECT_EQ(**small, "hello");
    EXPECT_FALSE(downloader.get(base + "/small.txt", 4));
    auto missing = downloader.get(base + "/missing.json", 100);
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
    EXPECT_FALSE(downloader.get(base + "/..%2Fsmall.txt", 100));
    EXPECT_FALSE(downloader.get(base + "/../" + tmp.path().filename().string() + "/small.txt", 100));
    auto plain = downloader.get((tmp / "small.txt").string(), 100);
    ASSERT_TRUE(plain && plain->has_value());
}

}  // namespace
}  // namespace tufkey::testing
