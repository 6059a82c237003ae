// tufkey and a real Notary server (Debian's notary-server 0.7, both topologies: the built-in
// trust service, and notary-signer over mutual TLS), with the real notary client on the other
// side of every exchange:
//   - tufkey to notary: `init --server` (root on SoftHSM, timestamp key from the server), sign,
//     publish; `notary list` and `notary lookup` agree on digest and size; the notary client
//     adds a tag with the targets key tufkey made, and tufkey pulls and verifies it;
//   - notary to tufkey: `notary init -p` and `add`; tufkey pulls into notary's own trust
//     directory, verifies, signs with notary's key files and publishes (sign --publish); `notary list` has both;
//   - a server that cannot be reached: exit 4, the signed change kept in outgoing/, published
//     once the server answers again;
//   - another writer got there first: exit 5 naming the pull; pull --discard-staged, sign again;
//   - docker's signer flow: the owner adds alice with `docker trust signer add`; alice signs with
//     tufkey in her own docker trust directory, and `docker trust inspect` shows her signature.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "ceremony_cli.h"
#include "docker_cli.h"
#include "notary_server.h"
#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using Topology = NotaryServer::Topology;

std::string sha256_hex(const std::string& bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class NotaryServerInterop : public ::testing::TestWithParam<Topology> {
protected:
    void SetUp() override {
        m_server = NotaryServer::start(GetParam());
        m_blob = m_cli.scratch().path() / "blob";
        write_text(m_blob, "image manifest bytes\n");
    }

    // tufkey with the fixture's CA; GUNs differ per test (the server keeps a GUN's root).
    ProcessResult tufkey(std::vector<std::string> args, std::map<std::string, std::optional<std::string>> env = {}) {
        args.insert(args.begin(), {"--tls-ca", m_server->ca_file().string()});
        return m_cli.run(args, std::move(env));
    }
    std::vector<std::string> init_args(const std::string& gun) const {
        return {"init",
                gun,
                "--pin-file",
                m_cli.pin_file().string(),
                "-y",
                "--root-key",
                "pkcs11:token=ceremony;object=root",
                "--server",
                m_server->url()};
    }
    // The real notary client on trust directory `dir`, passphrases from the environment.
    ProcessResult notary(const fs::path& dir, std::vector<std::string> args,
                         std::map<std::string, std::optional<std::string>> env = {}) const {
        auto argv = m_server->notary_command(dir);
        argv.insert(argv.end(), args.begin(), args.end());
        ProcessOptions po;
        for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "DELEGATION"})
            po.env[std::string("NOTARY_") + role + "_PASSPHRASE"] = std::string("notary-") + role;
        for (auto& [k, v] : env) po.env[k] = v;
        po.timeout = std::chrono::seconds(60);
        return run_process(argv, po);
    }
    fs::path outgoing(const std::string& gun) const { return m_cli.home() / "tufkey" / gun / "outgoing"; }

    CeremonyCli m_cli;
    std::unique_ptr<NotaryServer> m_server;
    fs::path m_blob;
};

TEST_P(NotaryServerInterop, WhatTufkeyPublishesTheNotaryClientListsAndExtends) {
    const std::string gun = "example.com/tufkey-first";
    auto init = tufkey(init_args(gun));
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_NE(init.out.find("held by the Notary server"), std::string::npos) << init.out;
    // Nothing is on the server before the first publish: notary finds no trust data.
    EXPECT_NE(notary(m_cli.scratch().path() / "n0", {"list", gun}).exit_code, 0);

    auto sign = tufkey({"sign", gun + ":v1", "--file", m_blob.string()});
    ASSERT_EQ(sign.exit_code, 0) << sign.err;
    EXPECT_TRUE(fs::exists(outgoing(gun) / "targets.json"));
    auto publish = tufkey({"publish", gun});
    ASSERT_EQ(publish.exit_code, 0) << publish.err;
    EXPECT_FALSE(fs::exists(outgoing(gun) / "targets.json")) << "published changes leave outgoing/";
    // The home caches what the server serves, byte for byte, timestamp included.
    const fs::path metadata = m_cli.home() / "tuf" / gun / "metadata";
    EXPECT_TRUE(fs::exists(metadata / "timestamp.json"));

    const std::string digest = sha256_hex(read_text(m_blob));
    const fs::path reader = m_cli.scratch().path() / "reader";
    auto list = notary(reader, {"list", gun});
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_NE(list.out.find("v1"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find(digest), std::string::npos) << list.out;
    EXPECT_NE(list.out.find(std::to_string(read_text(m_blob).size())), std::string::npos) << list.out;
    auto lookup = notary(reader, {"lookup", gun, "v1"});
    ASSERT_EQ(lookup.exit_code, 0) << lookup.out << lookup.err;
    EXPECT_NE(lookup.out.find("sha256:" + digest), std::string::npos) << lookup.out;
    // The server's cached files are what the server serves (the notary reader fetched them).
    EXPECT_EQ(read_text(metadata / "targets.json"), read_text(reader / "tuf" / gun / "metadata" / "targets.json"));

    // The notary client signs with the targets key tufkey made, in tufkey's home.
    const fs::path other = m_cli.scratch().path() / "other-blob";
    write_text(other, "another manifest\n");
    auto add = notary(
        m_cli.home(), {"add", "-p", gun, "from-notary", other.string()},
        {{"NOTARY_TARGETS_PASSPHRASE", "passphrase-TARGETS"}, {"NOTARY_SNAPSHOT_PASSPHRASE", "passphrase-SNAPSHOT"}});
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
    auto pull = tufkey({"pull", gun});  // the server and its TLS CA are remembered
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
    auto verify = tufkey({"verify", gun + ":from-notary"});
    ASSERT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_NE(verify.out.find(sha256_hex(read_text(other))), std::string::npos) << verify.out;
}

TEST_P(NotaryServerInterop, TufkeySignsInATrustDirectoryTheNotaryClientMade) {
    const std::string gun = "example.com/notary-first";
    const fs::path trust = m_cli.scratch().path() / "notary-trust";
    auto init = notary(trust, {"init", "-p", gun});
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
    auto add = notary(trust, {"add", "-p", gun, "n1", m_blob.string()});
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;

    // tufkey in notary's own trust directory, with notary's key files and passphrases.
    auto in_notary_home = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--tls-ca", m_server->ca_file().string()});
        std::map<std::string, std::optional<std::string>> env;
        for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"}) {
            env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::nullopt;
            env[std::string("NOTARY_") + role + "_PASSPHRASE"] = std::string("notary-") + role;
        }
        return m_cli.run_in(trust, args, env);
    };
    // Before tufkey has pulled it, a sign names the one step that makes it tufkey's too.
    const fs::path mine = m_cli.scratch().path() / "mine";
    write_text(mine, "signed by tufkey\n");
    auto early = in_notary_home({"sign", gun + ":t1", "--file", mine.string()});
    EXPECT_EQ(early.exit_code, 2) << early.err;
    EXPECT_NE(early.err.find("made by notary or docker"), std::string::npos) << early.err;
    EXPECT_NE(early.err.find("'tufkey pull " + gun + " --from "), std::string::npos) << early.err;
    auto pull = in_notary_home({"pull", gun, "--from", m_server->url()});
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
    auto verify = in_notary_home({"verify", gun + ":n1"});
    ASSERT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_NE(verify.out.find(sha256_hex(read_text(m_blob))), std::string::npos) << verify.out;

    auto sign = in_notary_home({"sign", gun + ":t1", "--file", mine.string(), "--publish"});
    ASSERT_EQ(sign.exit_code, 0) << sign.err;

    auto list = notary(m_cli.scratch().path() / "reader", {"list", gun});
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_NE(list.out.find(sha256_hex(read_text(m_blob))), std::string::npos) << list.out;
    EXPECT_NE(list.out.find(sha256_hex(read_text(mine))), std::string::npos) << list.out;
    // And notary goes on using the same trust directory.
    auto again = notary(trust, {"list", gun});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("t1"), std::string::npos) << again.out;
}

TEST_P(NotaryServerInterop, AServerThatCannotBeReachedKeepsTheChangeForLater) {
    const std::string gun = "example.com/down";
    ASSERT_EQ(tufkey(init_args(gun)).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v1", "--file", m_blob.string()}).exit_code, 0);
    // The network goes away: the repository's server is a port nobody listens on.
    const fs::path config = m_cli.home() / "tufkey" / gun / "repository.json";
    const std::string saved = read_text(config);
    std::string moved = saved;
    moved.replace(moved.find(m_server->url()), m_server->url().size(), "https://127.0.0.1:1");
    write_text(config, moved);
    auto down = tufkey({"publish", gun});
    EXPECT_EQ(down.exit_code, 4) << down.err;
    EXPECT_EQ(std::count(down.err.begin(), down.err.end(), '\n'), 1) << down.err;
    EXPECT_TRUE(fs::exists(outgoing(gun) / "targets.json")) << "the signed change must be kept";

    write_text(config, saved);  // back online
    auto up = tufkey({"publish", gun});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    auto list = notary(m_cli.scratch().path() / "reader", {"list", gun});
    EXPECT_NE(list.out.find("v1"), std::string::npos) << list.out << list.err;

    // init against a server that is not there changes nothing and makes no key.
    auto nowhere = m_cli.run({"init", "example.com/nowhere", "--pin-file", m_cli.pin_file().string(), "-y",
                              "--root-key", "pkcs11:token=ceremony;object=root", "--server", "https://127.0.0.1:1"});
    EXPECT_EQ(nowhere.exit_code, 4) << nowhere.err;
    EXPECT_FALSE(fs::exists(m_cli.home() / "tufkey" / "example.com/nowhere"));
}

TEST_P(NotaryServerInterop, AnotherWriterFirstIsAVersionConflictThatNamesThePull) {
    const std::string gun = "example.com/race";
    ASSERT_EQ(tufkey(init_args(gun)).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v1", "--file", m_blob.string()}).exit_code, 0);
    ASSERT_EQ(tufkey({"publish", gun}).exit_code, 0);
    // tufkey signs v2 but has not published; meanwhile the notary client, with a copy of the
    // keys, publishes its own change.
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string()}).exit_code, 0);
    const fs::path colleague = m_cli.scratch().path() / "colleague";
    fs::create_directories(colleague);
    fs::copy(m_cli.home() / "private", colleague / "private", fs::copy_options::recursive);
    auto add = notary(
        colleague, {"add", "-p", gun, "theirs", m_blob.string()},
        {{"NOTARY_TARGETS_PASSPHRASE", "passphrase-TARGETS"}, {"NOTARY_SNAPSHOT_PASSPHRASE", "passphrase-SNAPSHOT"}});
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;

    auto conflict = tufkey({"publish", gun});
    EXPECT_EQ(conflict.exit_code, 5) << conflict.err;
    EXPECT_NE(conflict.err.find("tufkey pull"), std::string::npos) << conflict.err;
    EXPECT_TRUE(fs::exists(outgoing(gun) / "targets.json"));

    auto refused = tufkey({"pull", gun});
    EXPECT_EQ(refused.exit_code, 5) << "a pull must not drop the signed change silently: " << refused.err;
    ASSERT_EQ(tufkey({"pull", gun, "--discard-staged"}).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string()}).exit_code, 0);
    auto publish = tufkey({"publish", gun});
    ASSERT_EQ(publish.exit_code, 0) << publish.err;
    auto list = notary(m_cli.scratch().path() / "reader", {"list", gun});
    EXPECT_NE(list.out.find("theirs"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("v2"), std::string::npos) << list.out;
}

TEST_P(NotaryServerInterop, AliceSignsWithTheKeyDockerGaveHerAndDockerInspectShowsHer) {
    TUFKEY_REQUIRE_DOCKER_CLI();
    const std::string gun = "127.0.0.1:5000/team/app";
    // Alice makes her key in her own docker home; the owner adds her as a signer (which also
    // creates the repository on the server, snapshot key on the server, as docker does).
    const DockerTrustHome alice(*m_server);
    const DockerTrustHome owner(*m_server);
    const fs::path pub = alice.home() / "alice.pub";
    const ProcessResult generate = alice.docker({"trust", "key", "generate", "alice", "--dir", alice.home().string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.out << generate.err;
    const ProcessResult add = owner.docker({"trust", "signer", "add", "--key", pub.string(), "alice", gun});
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;

    // tufkey in alice's docker trust directory, with docker's variables (server, passphrases).
    auto as_alice = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--tls-ca", m_server->ca_file().string()});
        auto env = alice.env();
        for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"})
            env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::nullopt;
        return m_cli.run_in(alice.trust_dir(), args, env);
    };
    auto pull = as_alice({"pull", gun, "-y"});  // the server from DOCKER_CONTENT_TRUST_SERVER
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
    auto sign = as_alice({"sign", gun + ":v1", "--file", m_blob.string(), "--publish"});
    ASSERT_EQ(sign.exit_code, 0) << sign.err;
    EXPECT_NE(sign.out.find("targets/releases"), std::string::npos) << "docker's role for signers: " << sign.out;

    const ProcessResult inspect = owner.docker({"trust", "inspect", gun});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.out << inspect.err;
    const auto report = nlohmann::json::parse(inspect.out).at(0);
    ASSERT_EQ(report.at("SignedTags").size(), 1u) << inspect.out;
    const auto& tag = report.at("SignedTags").at(0);
    EXPECT_EQ(tag.at("SignedTag"), "v1");
    EXPECT_EQ(tag.at("Digest"), sha256_hex(read_text(m_blob)));
    EXPECT_EQ(tag.at("Signers"), nlohmann::json::array({"alice"})) << inspect.out;
    // The owner's own tufkey view agrees: inspect in the owner's docker trust directory, after a pull.
    auto owner_pull =
        m_cli.run_in(owner.trust_dir(), {"--tls-ca", m_server->ca_file().string(), "pull", gun}, owner.env());
    ASSERT_EQ(owner_pull.exit_code, 0) << owner_pull.err;
    auto owner_inspect = m_cli.run_in(owner.trust_dir(), {"inspect", gun}, owner.env());
    ASSERT_EQ(owner_inspect.exit_code, 0) << owner_inspect.err;
    EXPECT_EQ(nlohmann::json::parse(owner_inspect.out).at(0).at("SignedTags"), report.at("SignedTags"))
        << owner_inspect.out;
}

// verify, inspect and status ask the server first, as notary and docker do; --offline and staged
// changes keep them to the home's copy; an unreachable server is exit 4 naming --offline.
TEST_P(NotaryServerInterop, VerifyInspectAndStatusSpeakOfWhatTheServerServesNow) {
    const std::string gun = "example.com/live";
    ASSERT_EQ(tufkey(init_args(gun)).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v1", "--file", m_blob.string(), "--publish"}).exit_code, 0);
    auto status = tufkey({"status", gun});
    ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("No unpublished changes."), std::string::npos) << status.out;
    EXPECT_NE(status.out.find(" server "), std::string::npos) << "timestamp is the server's: " << status.out;

    // A colleague with a copy of the keys publishes with the notary client: the server moves on.
    const fs::path colleague = m_cli.scratch().path() / "colleague";
    fs::create_directories(colleague);
    fs::copy(m_cli.home() / "private", colleague / "private", fs::copy_options::recursive);
    const std::map<std::string, std::optional<std::string>> keys{{"NOTARY_TARGETS_PASSPHRASE", "passphrase-TARGETS"},
                                                                 {"NOTARY_SNAPSHOT_PASSPHRASE", "passphrase-SNAPSHOT"}};
    const fs::path theirs = m_cli.scratch().path() / "theirs";
    write_text(theirs, "their image\n");
    ASSERT_EQ(notary(colleague, {"add", "-p", gun, "theirs", theirs.string()}, keys).exit_code, 0);

    auto offline = tufkey({"--offline", "verify", gun + ":theirs"});
    EXPECT_EQ(offline.exit_code, 1) << "--offline must not fetch: " << offline.err;
    auto verify = tufkey({"verify", gun + ":theirs"});
    ASSERT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_NE(verify.out.find(gun + "@sha256:" + sha256_hex(read_text(theirs))), std::string::npos) << verify.out;
    EXPECT_NE(verify.err.find("the server had newer trust data"), std::string::npos) << verify.err;

    const fs::path more = m_cli.scratch().path() / "more";
    write_text(more, "one more\n");
    ASSERT_EQ(notary(colleague, {"add", "-p", gun, "more", more.string()}, keys).exit_code, 0);
    auto inspect = tufkey({"inspect", gun});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    EXPECT_NE(inspect.out.find(sha256_hex(read_text(more))), std::string::npos) << inspect.out;
    auto again = tufkey({"verify", gun + ":more"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.err.find("newer trust data"), std::string::npos) << "nothing new to pull: " << again.err;

    // A signed change waits: the home's copy is shown, and status names it.
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string()}).exit_code, 0);
    auto staged = tufkey({"status", gun});
    ASSERT_EQ(staged.exit_code, 0) << staged.err;
    EXPECT_NE(staged.out.find("Unpublished changes: targets"), std::string::npos) << staged.out;
    EXPECT_NE(staged.err.find("waiting for 'tufkey publish " + gun + "'"), std::string::npos) << staged.err;

    // The server cannot be reached: exit 4 naming --offline, which then works from the home.
    ASSERT_EQ(tufkey({"publish", gun}).exit_code, 0);
    const fs::path config = m_cli.home() / "tufkey" / gun / "repository.json";
    std::string moved = read_text(config);
    moved.replace(moved.find(m_server->url()), m_server->url().size(), "https://127.0.0.1:1");
    write_text(config, moved);
    auto down = tufkey({"verify", gun + ":v2"});
    EXPECT_EQ(down.exit_code, 4) << down.err;
    EXPECT_NE(down.err.find("--offline"), std::string::npos) << down.err;
    EXPECT_EQ(tufkey({"--offline", "verify", gun + ":v2"}).exit_code, 0);
}

// rotate timestamp and snapshot to new keys the server makes: the root that lists them is
// published, and the notary client and tufkey go on verifying through the rotation.
TEST_P(NotaryServerInterop, TheServerMakesTheNewTimestampAndSnapshotKeys) {
    const std::string gun = "example.com/rotate";
    ASSERT_EQ(tufkey(init_args(gun)).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v1", "--file", m_blob.string(), "--publish"}).exit_code, 0);
    const fs::path root_file = m_cli.home() / "tuf" / gun / "metadata" / "root.json";
    auto role_keys = [&](const std::string& role) {
        return nlohmann::json::parse(read_text(root_file)).at("signed").at("roles").at(role).at("keyids");
    };
    const auto timestamp_before = role_keys("timestamp");
    const std::string pin = m_cli.pin_file().string();

    auto local = tufkey({"rotate", gun, "timestamp", "--pin-file", pin});
    EXPECT_EQ(local.exit_code, 2) << local.err;
    EXPECT_NE(local.err.find("timestamp --server-managed"), std::string::npos) << local.err;

    auto rotate = tufkey({"rotate", gun, "timestamp", "--server-managed", "--pin-file", pin});
    ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
    auto publish = tufkey({"publish", gun});
    ASSERT_EQ(publish.exit_code, 0) << publish.err;
    EXPECT_NE(role_keys("timestamp"), timestamp_before);
    EXPECT_EQ(nlohmann::json::parse(read_text(root_file)).at("signed").at("version"), 2);
    auto list = notary(m_cli.scratch().path() / "reader", {"list", gun});
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_NE(list.out.find("v1"), std::string::npos) << list.out;

    auto snapshot = tufkey({"rotate", gun, "snapshot", "--server-managed", "--pin-file", pin});
    ASSERT_EQ(snapshot.exit_code, 0) << snapshot.err;
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string(), "--publish"}).exit_code, 0);
    auto keys = tufkey({"key", "list", "--json"});
    ASSERT_EQ(keys.exit_code, 0) << keys.err;
    for (const auto& key : nlohmann::json::parse(keys.out))
        EXPECT_FALSE(key.at("gun") == gun && key.at("role") == "snapshot") << "the snapshot key is the server's now";
    auto status = tufkey({"status", gun});
    ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("No unpublished changes."), std::string::npos) << status.out;
    auto again = notary(m_cli.scratch().path() / "reader", {"list", gun});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("v2"), std::string::npos) << again.out;
    const fs::path fresh = m_cli.scratch().path() / "fresh";
    auto pull =
        m_cli.run_in(fresh, {"--tls-ca", m_server->ca_file().string(), "pull", gun, "--from", m_server->url(), "-y"});
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
    auto verify = m_cli.run_in(fresh, {"--offline", "verify", gun + ":v2"});
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

// A publish killed after the server took its upload (at its first rename: the local commit)
// leaves the change in outgoing/; the next publish finds the server serving exactly those bytes
// and finishes instead of reporting a conflict.
TEST_P(NotaryServerInterop, APublishKilledAfterItsUploadIsFinishedByTheNext) {
    const std::string gun = "example.com/killed";
    ASSERT_EQ(tufkey(init_args(gun)).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v1", "--file", m_blob.string(), "--publish"}).exit_code, 0);
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string()}).exit_code, 0);
    const fs::path trace = m_cli.scratch().path() / "strace.out";
    const std::vector<std::string> strace{
        "strace", "-f", "-qq", "-o", trace.string(), "-e", "trace=rename", "-e", "inject=rename:signal=SIGKILL:when=1"};
    auto killed = m_cli.run({"--tls-ca", m_server->ca_file().string(), "publish", gun}, {}, strace);
    ASSERT_EQ(killed.signal, SIGKILL) << killed.err;
    EXPECT_TRUE(fs::exists(outgoing(gun) / "targets.json")) << "the change must be kept";
    auto list = notary(m_cli.scratch().path() / "reader", {"list", gun});
    ASSERT_NE(list.out.find("v2"), std::string::npos) << "the server took the upload: " << list.out << list.err;

    auto again = tufkey({"publish", gun});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_FALSE(fs::exists(outgoing(gun) / "targets.json"));
    auto status = tufkey({"status", gun});
    ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("No unpublished changes."), std::string::npos) << status.out;
    EXPECT_EQ(tufkey({"--offline", "verify", gun + ":v2"}).exit_code, 0);
}

// A server that demands a client certificate (notary-server's client_ca_file): init with
// --tls-client-cert/--tls-client-key; later commands use the pair repository.json remembers;
// a client without it cannot even connect (exit 4), and nothing is written for it.
TEST(NotaryServerClientCertificate, TheRememberedPairReachesTheServerAndNoneIsRefused) {
    const auto server = NotaryServer::start(Topology::local, NotaryServer::TlsMode::https_client_auth);
    CeremonyCli cli;
    const fs::path blob = cli.scratch().path() / "blob";
    write_text(blob, "image manifest bytes\n");
    const std::string gun = "example.com/mtls";
    const std::vector<std::string> tls{"--tls-ca", server->ca_file().string()};
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), tls.begin(), tls.end());
        return args;
    };
    auto init = cli.run(with({"init", gun, "--pin-file", cli.pin_file().string(), "-y", "--root-key",
                              "pkcs11:token=ceremony;object=root", "--server", server->url(), "--tls-client-cert",
                              server->client_cert().string(), "--tls-client-key", server->client_key().string()}));
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto sign = cli.run({"sign", gun + ":v1", "--file", blob.string(), "--publish"});
    ASSERT_EQ(sign.exit_code, 0) << "the remembered CA and client pair: " << sign.err;
    auto status = cli.run({"status", gun});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("No unpublished changes."), std::string::npos) << status.out;

    const fs::path stranger = cli.scratch().path() / "stranger";
    auto refused = cli.run_in(stranger, with({"pull", gun, "--from", server->url(), "-y"}));
    EXPECT_EQ(refused.exit_code, 4) << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_FALSE(fs::exists(stranger / "tuf" / gun));
    auto admitted =
        cli.run_in(stranger, with({"pull", gun, "--from", server->url(), "-y", "--tls-client-cert",
                                   server->client_cert().string(), "--tls-client-key", server->client_key().string()}));
    ASSERT_EQ(admitted.exit_code, 0) << admitted.err;
    EXPECT_EQ(cli.run_in(stranger, {"--offline", "verify", gun + ":v1"}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Topologies, NotaryServerInterop, ::testing::Values(Topology::local, Topology::signer),
                         [](const ::testing::TestParamInfo<Topology>& p) {
                             return p.param == Topology::local ? "local" : "signer";
                         });

}  // namespace
}  // namespace tufkey::testing
