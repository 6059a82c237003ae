// `tufkey migrate` on a repository made the way Docker Content Trust users have them: the owner
// creates it on a real notary-server with `docker trust signer add` (root and targets key files in
// the owner's docker trust directory, snapshot and timestamp on the server), tags are signed by
// the owner (targets) and by the signer alice (targets/releases, targets/alice).
//   - to a static TUF 1.0 repository: tuf-js 5.0.1 and `tufkey pull --root NEW-ROOT` find every
//     tag with its original digest and size; --dry-run before it leaves the home byte for byte;
//   - to a second notary-server: `notary list` and `docker trust inspect` there show the same
//     tags and signers, and a client holding the old root follows the move (pull --root OLD);
//   - refusals: a source that does not verify, a destination that holds a repository already, a
//     signer's key this home does not hold for the re-encoding: nothing written anywhere.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "ceremony_cli.h"
#include "docker_cli.h"
#include "notary_server.h"
#include "process.h"
#include "static_server.h"
#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using Topology = NotaryServer::Topology;

const fs::path kTufJsCheck = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/ceremony/tufjs-check.js";

std::string sha256_hex(const std::string& bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file under `dir` with its bytes (the tufkey.lock file included: a dry run must not make it).
std::map<std::string, std::string> tree_of(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) out[entry.path().lexically_relative(dir).string()] = read_text(entry.path());
    }
    return out;
}

class MigrateInterop : public ::testing::Test {
protected:
    static constexpr const char* kGun = "127.0.0.1:5000/team/app";

    void SetUp() override {
        TUFKEY_REQUIRE_DOCKER_CLI();
        m_server = NotaryServer::start(Topology::local);
        m_alice = std::make_unique<DockerTrustHome>(*m_server);
        m_owner = std::make_unique<DockerTrustHome>(*m_server);
        m_alice_blob = m_cli.scratch().path() / "alice-image";
        m_owner_blob = m_cli.scratch().path() / "owner-image";
        write_text(m_alice_blob, "the image alice released\n");
        write_text(m_owner_blob, "the image the owner signed, a little longer\n");
    }

    // tufkey in a docker trust directory with docker's variables (server, passphrases).
    ProcessResult in(const DockerTrustHome& who, std::vector<std::string> args, const fs::path& ca = {}) {
        args.insert(args.begin(), {"--tls-ca", (ca.empty() ? m_server->ca_file() : ca).string()});
        auto env = who.env();
        for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"})
            env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::nullopt;
        return m_cli.run_in(who.trust_dir(), args, env);
    }

    // The source: docker makes the repository and adds alice; the owner signs "admin" into
    // targets, alice signs "v1" into targets/releases; the owner's home pulls both.
    void make_source() {
        const fs::path pub = m_alice->home() / "alice.pub";
        auto generate = m_alice->docker({"trust", "key", "generate", "alice", "--dir", m_alice->home().string()});
        ASSERT_EQ(generate.exit_code, 0) << generate.out << generate.err;
        auto add = m_owner->docker({"trust", "signer", "add", "--key", pub.string(), "alice", kGun});
        ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
        auto owner_pull = in(*m_owner, {"pull", kGun, "-y"});
        ASSERT_EQ(owner_pull.exit_code, 0) << owner_pull.err;
        auto owner_sign = in(*m_owner, {"sign", std::string(kGun) + ":admin", "--file", m_owner_blob.string(), "--role",
                                        "targets", "--publish"});
        ASSERT_EQ(owner_sign.exit_code, 0) << owner_sign.err;
        auto alice_pull = in(*m_alice, {"pull", kGun, "-y"});
        ASSERT_EQ(alice_pull.exit_code, 0) << alice_pull.err;
        auto alice_sign =
            in(*m_alice, {"sign", std::string(kGun) + ":v1", "--file", m_alice_blob.string(), "--publish"});
        ASSERT_EQ(alice_sign.exit_code, 0) << alice_sign.err;
        auto again = in(*m_owner, {"pull", kGun});
        ASSERT_EQ(again.exit_code, 0) << again.err;
    }

    // The owner's home gets alice's key file (re-encoding her roles needs her signature).
    void give_owner_alices_key() const {
        for (const auto& entry : fs::directory_iterator(m_alice->trust_dir() / "private")) {
            if (entry.path().extension() == ".key")
                fs::copy_file(entry.path(), m_owner->trust_dir() / "private" / entry.path().filename(),
                              fs::copy_options::skip_existing);
        }
    }

    fs::path metadata(const std::string& role) const {
        return m_owner->trust_dir() / "tuf" / kGun / "metadata" / (role + ".json");
    }

    CeremonyCli m_cli;
    std::unique_ptr<NotaryServer> m_server;
    std::unique_ptr<DockerTrustHome> m_alice;
    std::unique_ptr<DockerTrustHome> m_owner;
    fs::path m_alice_blob;
    fs::path m_owner_blob;
};

TEST_F(MigrateInterop, ToStaticTufEveryTagKeepsItsDigestAndSizeForTufJsAndTufkey) {
    ASSERT_NO_FATAL_FAILURE(make_source());
    give_owner_alices_key();
    const fs::path site = m_cli.scratch().path() / "site";

    // The dry run names what is re-signed and by which key, and writes nothing.
    const auto before = tree_of(m_owner->trust_dir());
    auto dry = in(*m_owner, {"migrate", kGun, "--to", site.string(), "--dialect", "tuf", "--dry-run"});
    ASSERT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_NE(dry.out.find("targets/releases"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("re-encoded and signed by"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("a new timestamp key file"), std::string::npos) << dry.out;
    EXPECT_EQ(tree_of(m_owner->trust_dir()), before) << "a dry run must leave the home byte for byte";
    EXPECT_FALSE(fs::exists(site));

    auto migrate = in(*m_owner, {"migrate", kGun, "--to", site.string(), "--dialect", "tuf"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.out << migrate.err;
    ASSERT_TRUE(fs::exists(site / "1.root.json")) << migrate.out;

    const std::map<std::string, std::string> tags{{"v1", read_text(m_alice_blob)}, {"admin", read_text(m_owner_blob)}};
    StaticServer server(site, m_cli.scratch().path());
    ASSERT_FALSE(server.url().empty());
    std::vector<std::string> argv{"node", kTufJsCheck.string(), server.url(), (site / "1.root.json").string(),
                                  (m_cli.scratch().path() / "tufjs").string()};
    for (const auto& [tag, content] : tags) argv.push_back(tag);
    ProcessOptions options;
    const char* modules = std::getenv("TUFKEY_NODE_MODULES");
    options.env["NODE_PATH"] = modules != nullptr ? modules : TUFKEY_NODE_MODULES;
    const ProcessResult tufjs = run_process(argv, options);
    ASSERT_EQ(tufjs.exit_code, 0) << tufjs.err;
    const auto found = nlohmann::json::parse(tufjs.out);
    for (const auto& [tag, content] : tags) {
        EXPECT_EQ(found.at(tag).at("length"), content.size()) << tag;
        EXPECT_EQ(found.at(tag).at("hashes").at("sha256"), sha256_hex(content)) << tag;
    }

    // tufkey, pinned to the new root, in a home that never saw the old repository.
    const fs::path reader = m_cli.scratch().path() / "reader";
    auto pull = m_cli.run_in(reader, {"pull", kGun, "--from", server.url(), "--root", (site / "1.root.json").string()});
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
    for (const auto& [tag, content] : tags) {
        auto verify = m_cli.run_in(reader, {"verify", std::string(kGun) + ":" + tag});
        ASSERT_EQ(verify.exit_code, 0) << verify.err;
        EXPECT_NE(verify.out.find(std::string(kGun) + "@sha256:" + sha256_hex(content)), std::string::npos)
            << verify.out;
    }
    // A client that trusted docker's notary root checks the move: the new tuf chain is signed by
    // the old root key file too.
    const fs::path old_root = m_cli.scratch().path() / "old-root.json";
    fs::copy_file(m_owner->trust_dir() / "tufkey" / kGun / "archive" / "migrated-roots" / "1.root.json", old_root);
    auto follow = m_cli.run_in(m_cli.scratch().path() / "follower",
                               {"pull", kGun, "--from", server.url(), "--root", old_root.string()});
    ASSERT_EQ(follow.exit_code, 0) << follow.err;
    auto inspect = m_cli.run_in(reader, {"inspect", kGun});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    EXPECT_NE(inspect.out.find("alice"), std::string::npos) << "alice is still a signer: " << inspect.out;
}

TEST_F(MigrateInterop, ToASecondNotaryServerNotaryAndDockerSeeTheSameTagsAndSigners) {
    ASSERT_NO_FATAL_FAILURE(make_source());
    const auto before = m_owner->docker({"trust", "inspect", kGun});
    ASSERT_EQ(before.exit_code, 0) << before.err;
    const std::string old_root = read_text(metadata("root"));
    const fs::path old_root_file = m_cli.scratch().path() / "old-root.json";
    write_text(old_root_file, old_root);

    auto second = NotaryServer::start(Topology::local);
    auto migrate = in(*m_owner, {"migrate", kGun, "--to", second->url()}, second->ca_file());
    ASSERT_EQ(migrate.exit_code, 0) << migrate.out << migrate.err;
    EXPECT_NE(migrate.out.find("copied (signatures kept)"), std::string::npos) << migrate.out;

    // The notary client there lists both tags with their digests and sizes.
    const fs::path notary_dir = m_cli.scratch().path() / "notary-reader";
    auto argv = second->notary_command(notary_dir);
    argv.insert(argv.end(), {"list", kGun});
    ProcessOptions po;
    po.timeout = std::chrono::seconds(60);
    const ProcessResult list = run_process(argv, po);
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    for (const auto* blob : {&m_alice_blob, &m_owner_blob}) {
        const std::string content = read_text(*blob);
        EXPECT_NE(list.out.find(sha256_hex(content)), std::string::npos) << list.out;
        EXPECT_NE(list.out.find(std::to_string(content.size())), std::string::npos) << list.out;
    }
    // docker there shows the same signed tags and signers as on the first server.
    const DockerTrustHome reader(*second);
    const auto after = reader.docker({"trust", "inspect", kGun});
    ASSERT_EQ(after.exit_code, 0) << after.out << after.err;
    const auto old_report = nlohmann::json::parse(before.out).at(0);
    const auto new_report = nlohmann::json::parse(after.out).at(0);
    EXPECT_EQ(new_report.at("SignedTags"), old_report.at("SignedTags")) << after.out;
    EXPECT_EQ(new_report.at("Signers").size(), old_report.at("Signers").size()) << after.out;
    EXPECT_NE(after.out.find("alice"), std::string::npos) << after.out;

    // A client that trusted the old root follows the move: the new root is signed by the old root key.
    const fs::path follower = m_cli.scratch().path() / "follower";
    auto pull = m_cli.run_in(follower, {"--tls-ca", second->ca_file().string(), "pull", kGun, "--from", second->url(),
                                        "--root", old_root_file.string()});
    ASSERT_EQ(pull.exit_code, 0) << pull.err;
}

TEST_F(MigrateInterop, RefusalsWriteNothing) {
    ASSERT_NO_FATAL_FAILURE(make_source());
    const fs::path site = m_cli.scratch().path() / "site";

    // alice's roles must be signed again in the tuf dialect, and her key is not in the owner's home.
    auto before = tree_of(m_owner->trust_dir());
    auto no_key = in(*m_owner, {"migrate", kGun, "--to", site.string(), "--dialect", "tuf"});
    EXPECT_EQ(no_key.exit_code, 3) << no_key.err;
    EXPECT_NE(no_key.err.find("tufkey key import"), std::string::npos) << no_key.err;
    EXPECT_FALSE(fs::exists(site));
    auto after = tree_of(m_owner->trust_dir());
    after.erase("tufkey.lock");
    before.erase("tufkey.lock");
    EXPECT_EQ(after, before);

    // A destination that already holds a repository for the GUN.
    fs::create_directories(site / "v2" / kGun / "_trust" / "tuf");
    write_text(site / "v2" / kGun / "_trust" / "tuf" / "root.json", "{\"another\":\"repository\"}");
    auto taken = in(*m_owner, {"migrate", kGun, "--to", site.string()});
    EXPECT_EQ(taken.exit_code, 5) << taken.err;
    EXPECT_NE(taken.err.find("already holds a repository"), std::string::npos) << taken.err;
    after = tree_of(m_owner->trust_dir());
    after.erase("tufkey.lock");
    EXPECT_EQ(after, before);

    // A source that does not verify: a changed byte in alice's role.
    const fs::path releases = metadata("targets/releases");
    std::string bytes = read_text(releases);
    const auto at = bytes.find("\"length\":");
    ASSERT_NE(at, std::string::npos);
    bytes[at + 9] = bytes[at + 9] == '1' ? '2' : '1';
    write_text(releases, bytes);
    const fs::path elsewhere = m_cli.scratch().path() / "elsewhere";
    auto tampered = in(*m_owner, {"migrate", kGun, "--to", elsewhere.string()});
    EXPECT_EQ(tampered.exit_code, 1) << tampered.err;
    EXPECT_NE(tampered.err.find("does not verify"), std::string::npos) << tampered.err;
    EXPECT_FALSE(fs::exists(elsewhere));

    // A GUN the home does not hold.
    auto unknown = in(*m_owner, {"migrate", "example.com/never-pulled", "--to", elsewhere.string()});
    EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
    EXPECT_FALSE(fs::exists(elsewhere));
}

}  // namespace
}  // namespace tufkey::testing
