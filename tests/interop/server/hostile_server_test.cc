// tufkey against Notary servers that misbehave. Each repository is made on the real
// notary-server first (init --server, sign, publish); then its repository.json is pointed at
// tests/fixtures/static-server.py serving a copy of what the real server served, laid out as the
// server's read API, with --respond (a server behind token auth) or --accept-uploads (a server
// that takes an update and goes on serving the old data):
//   - 401 on upload: exit 3 "not authorized", the signed change kept; 401 on a fresh pull: exit 3;
//   - an upload taken but not served: exit 5, the change kept in outgoing/, nothing recorded;
//   - a server that rolls back to an older timestamp: pull and verify are refused (exit 1), the
//     home as it was.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "ceremony_cli.h"
#include "notary_server.h"
#include "process.h"
#include "static_server.h"
#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class HostileServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() { s_server = NotaryServer::start(NotaryServer::Topology::local); }
    static void TearDownTestSuite() { s_server.reset(); }

    void SetUp() override {
        m_blob = m_cli.scratch().path() / "blob";
        write_text(m_blob, "image manifest bytes\n");
    }

    ProcessResult tufkey(std::vector<std::string> args) {
        args.insert(args.begin(), {"--tls-ca", s_server->ca_file().string()});
        return m_cli.run(args);
    }
    // A repository on the real server with tag v1 published.
    void make_repository(const std::string& gun) {
        auto init = tufkey({"init", gun, "--pin-file", m_cli.pin_file().string(), "-y", "--root-key",
                            "pkcs11:token=ceremony;object=root", "--server", s_server->url()});
        ASSERT_EQ(init.exit_code, 0) << init.err;
        ASSERT_EQ(tufkey({"sign", gun + ":v1", "--file", m_blob.string()}).exit_code, 0);
        auto publish = tufkey({"publish", gun});
        ASSERT_EQ(publish.exit_code, 0) << publish.err;
    }
    fs::path metadata(const std::string& gun) const { return m_cli.home() / "tuf" / gun / "metadata"; }
    fs::path outgoing(const std::string& gun) const { return m_cli.home() / "tufkey" / gun / "outgoing"; }
    fs::path config(const std::string& gun) const { return m_cli.home() / "tufkey" / gun / "repository.json"; }

    // What the home holds as served, laid out as the server's read API under a new directory:
    // <role>.json, <role>.<sha256>.json and, for root, <version>.root.json.
    fs::path mirror_of(const std::string& gun, const std::string& name) const {
        const fs::path top = m_cli.scratch().path() / name;
        const fs::path dir = top / "v2" / gun / "_trust" / "tuf";
        fs::create_directories(dir);
        for (const auto& entry : fs::directory_iterator(metadata(gun))) {
            const std::string bytes = read_text(entry.path());
            const std::string role = entry.path().stem().string();
            write_text(dir / (role + ".json"), bytes);
            write_text(dir / (role + "." + core::hex_encode(core::sha256(core::as_bytes(bytes))) + ".json"), bytes);
        }
        write_text(dir / "1.root.json", read_text(metadata(gun) / "root.json"));
        return top;
    }
    // static-server.py serving `dir`, its request log in a work directory of its own.
    std::unique_ptr<StaticServer> serve(const fs::path& dir, const std::string& name,
                                        std::vector<std::string> extra = {}) const {
        const fs::path work = m_cli.scratch().path() / (name + "-work");
        fs::create_directories(work);
        auto server = std::make_unique<StaticServer>(dir, work, std::move(extra));
        EXPECT_FALSE(server->url().empty()) << name << " did not start";
        return server;
    }
    // Points the repository at `url` instead of the real server.
    void move_origin(const std::string& gun, const std::string& url) const {
        std::string text = read_text(config(gun));
        const auto at = text.find(s_server->url());
        ASSERT_NE(at, std::string::npos) << text;
        text.replace(at, s_server->url().size(), url);
        write_text(config(gun), text);
    }

    static std::unique_ptr<NotaryServer> s_server;
    CeremonyCli m_cli;
    fs::path m_blob;
};

std::unique_ptr<NotaryServer> HostileServer::s_server;

TEST_F(HostileServer, NotAuthorizedIsAKeyProblemThatKeepsTheChange) {
    const std::string gun = "example.com/auth";
    make_repository(gun);
    const auto auth = serve(mirror_of(gun, "mirror"), "auth", {"--respond", "401:POST:/v2/"});
    move_origin(gun, auth->url());
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string()}).exit_code, 0);
    const std::string before = read_text(config(gun));

    auto publish = tufkey({"publish", gun});
    EXPECT_EQ(publish.exit_code, 3) << publish.err;
    EXPECT_NE(publish.err.find("not authorized (HTTP 401)"), std::string::npos) << publish.err;
    EXPECT_EQ(std::count(publish.err.begin(), publish.err.end(), '\n'), 1) << publish.err;
    EXPECT_TRUE(fs::exists(outgoing(gun) / "targets.json")) << "the signed change must be kept";
    EXPECT_EQ(read_text(config(gun)), before) << "nothing may be recorded as published";
    EXPECT_NE(auth->log_text().find("POST /v2/" + gun + "/_trust/tuf/ 401"), std::string::npos) << auth->log_text();

    // A server that wants credentials for reads too: a pull into a fresh home is refused the
    // same way, and leaves nothing. (A 403 on a read is "not found": static hosts such as S3
    // answer so for a missing file.)
    const auto forbidden = serve(mirror_of(gun, "mirror2"), "forbidden", {"--respond", "401:GET:/"});
    const fs::path fresh = m_cli.scratch().path() / "fresh-home";
    auto pull = m_cli.run_in(fresh, {"pull", gun, "--from", forbidden->url()});
    EXPECT_EQ(pull.exit_code, 3) << pull.err;
    EXPECT_NE(pull.err.find("not authorized (HTTP 401)"), std::string::npos) << pull.err;
    EXPECT_FALSE(fs::exists(fresh / "tuf" / gun));
}

TEST_F(HostileServer, AnUploadTheServerDoesNotServeIsNotRecordedAsPublished) {
    const std::string gun = "example.com/swallow";
    make_repository(gun);
    const auto swallow = serve(mirror_of(gun, "mirror"), "swallow", {"--accept-uploads"});
    move_origin(gun, swallow->url());
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string()}).exit_code, 0);
    const std::string served_targets = read_text(metadata(gun) / "targets.json");
    const std::string staged_targets = read_text(outgoing(gun) / "targets.json");
    const std::string before = read_text(config(gun));

    auto publish = tufkey({"publish", gun});
    EXPECT_EQ(publish.exit_code, 5) << publish.err;
    EXPECT_NE(publish.err.find("serves another targets than the one uploaded"), std::string::npos) << publish.err;
    EXPECT_NE(swallow->log_text().find("POST /v2/" + gun + "/_trust/tuf/ 200"), std::string::npos)
        << swallow->log_text();
    EXPECT_EQ(read_text(outgoing(gun) / "targets.json"), staged_targets) << "the signed change must be kept";
    EXPECT_EQ(read_text(metadata(gun) / "targets.json"), served_targets);
    EXPECT_EQ(read_text(config(gun)), before) << "nothing may be recorded as published";
}

TEST_F(HostileServer, AServerThatRollsBackIsRefusedAndTheHomeStaysAsItWas) {
    const std::string gun = "example.com/rollback";
    make_repository(gun);
    const fs::path old_state = mirror_of(gun, "old");
    ASSERT_EQ(tufkey({"sign", gun + ":v2", "--file", m_blob.string(), "--publish"}).exit_code, 0);
    const std::string timestamp = read_text(metadata(gun) / "timestamp.json");
    const auto stale = serve(old_state, "stale");
    move_origin(gun, stale->url());

    auto pull = tufkey({"pull", gun});
    EXPECT_EQ(pull.exit_code, 1) << pull.err;
    EXPECT_NE(pull.err.find("timestamp"), std::string::npos) << pull.err;
    EXPECT_EQ(read_text(metadata(gun) / "timestamp.json"), timestamp);
    // verify asks the server first: refused the same way; the home's own copy still verifies.
    auto verify = tufkey({"verify", gun + ":v2"});
    EXPECT_EQ(verify.exit_code, 1) << verify.err;
    EXPECT_NE(verify.err.find("rollback"), std::string::npos) << verify.err;
    EXPECT_EQ(tufkey({"--offline", "verify", gun + ":v2"}).exit_code, 0);
}

}  // namespace
}  // namespace tufkey::testing
