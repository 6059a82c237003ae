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
//   - another writer got there first: exit 5 naming the pull; pull --discard-staged, sign again.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "ceremony_cli.h"
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
    auto pull = in_notary_home({"pull", gun, "--from", m_server->url()});
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
    auto verify = in_notary_home({"verify", gun + ":n1"});
    ASSERT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_NE(verify.out.find(sha256_hex(read_text(m_blob))), std::string::npos) << verify.out;

    const fs::path mine = m_cli.scratch().path() / "mine";
    write_text(mine, "signed by tufkey\n");
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

INSTANTIATE_TEST_SUITE_P(Topologies, NotaryServerInterop, ::testing::Values(Topology::local, Topology::signer),
                         [](const ::testing::TestParamInfo<Topology>& p) {
                             return p.param == Topology::local ? "local" : "signer";
                         });

}  // namespace
}  // namespace tufkey::testing
