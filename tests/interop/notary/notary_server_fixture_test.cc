// The test-support classes that later interop tests build on: NotaryServer (both topologies, and
// a server that demands client certificates) and DockerTrustHome with the unpacked docker CLI.
// Each suite starts one server in SetUpTestSuite, as the interop suites of issue #13 will.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "docker_cli.h"
#include "notary_server.h"
#include "process.h"
#include "temp_dir.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using Topology = NotaryServer::Topology;
using TlsMode = NotaryServer::TlsMode;

struct Curl final {
    int exit_code;
    std::string status;  // %{http_code}: "000" when no HTTP response came back
    std::string body;
};

Curl curl(const std::vector<std::string>& tls_args, const std::string& url) {
    std::vector<std::string> argv{"curl", "-s", "--max-time", "10", "-w", "\n%{http_code}"};
    argv.insert(argv.end(), tls_args.begin(), tls_args.end());
    argv.push_back(url);
    const ProcessResult r = run_process(argv);
    const auto nl = r.out.rfind('\n');
    return {r.exit_code, r.out.substr(nl + 1), r.out.substr(0, nl)};
}

// Alive and not a zombie (the fixture's processes are reparented once its script exits).
bool process_alive(int pid) {
    std::error_code ec;
    const fs::path stat = "/proc/" + std::to_string(pid) + "/stat";
    if (!fs::exists(stat, ec)) return false;
    const std::string text = read_text(stat);
    const auto paren = text.rfind(')');
    return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

bool pid_alive(const fs::path& pid_file, int& pid) {
    pid = std::stoi(read_text(pid_file));
    return process_alive(pid);
}

// One server per suite, started from SetUpTestSuite; a start failure fails every test with the
// fixture's logs instead of crashing on a null server.
template <Topology T, TlsMode M>
struct ServerParams {
    static constexpr Topology topology = T;
    static constexpr TlsMode tls = M;
};

template <typename Params>
class NotaryServerSuite : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        try {
            s_server = NotaryServer::start(Params::topology, Params::tls);
        } catch (const std::exception& e) {
            s_start_error = e.what();
        }
    }
    static void TearDownTestSuite() { s_server.reset(); }
    void SetUp() override { ASSERT_NE(s_server, nullptr) << s_start_error; }

    NotaryServer& server() { return *s_server; }
    std::vector<std::string> ca_args() { return {"--cacert", server().ca_file().string()}; }

    static inline std::unique_ptr<NotaryServer> s_server;
    static inline std::string s_start_error;
};

using ServerKinds =
    ::testing::Types<ServerParams<Topology::local, TlsMode::https>, ServerParams<Topology::signer, TlsMode::https>>;
class ServerKindNames {
public:
    template <typename P>
    static std::string GetName(int) {
        return P::topology == Topology::signer ? "signer" : "local";
    }
};
TYPED_TEST_SUITE(NotaryServerSuite, ServerKinds, ServerKindNames);

TYPED_TEST(NotaryServerSuite, HealthAnswersOverTlsWithTheFixtureCa) {
    auto& server = this->server();
    EXPECT_EQ(server.url(), "https://127.0.0.1:" + std::to_string(server.port()));
    const Curl ok = curl(this->ca_args(), server.url() + "/_notary_server/health");
    EXPECT_EQ(ok.status, "200");
    EXPECT_EQ(ok.body, "{}");
    const Curl untrusted = curl({}, server.url() + "/_notary_server/health");
    EXPECT_EQ(untrusted.exit_code, 60) << "the system CAs must not vouch for the throwaway CA";
}

TYPED_TEST(NotaryServerSuite, NotaryClientListOfAnUnknownGunGivesItsNormalError) {
    TempDir trust("tufkey-notary-trust");
    const ProcessResult r = run_process([&] {
        auto argv = this->server().notary_command(trust.path());
        argv.insert(argv.end(), {"list", "tufkey.test/unknown"});
        return argv;
    }());
    EXPECT_NE(r.exit_code, 0);
    // notary 0.7 prints its "* fatal: ..." line on stdout.
    EXPECT_NE(r.out.find("does not have trust data for tufkey.test/unknown"), std::string::npos) << r.out << r.err;
}

// The server-managed timestamp key is made and used where the topology says: by notary-signer
// (ecdsa, logged by the signer) or by the server's local trust service (ed25519).
TYPED_TEST(NotaryServerSuite, ServerManagedKeysLiveWhereTheTopologySays) {
    auto& server = this->server();
    TempDir trust("tufkey-notary-trust");
    ProcessOptions options;
    options.env = notary_passphrase_env();
    auto argv = server.notary_command(trust.path());
    argv.insert(argv.end(), {"init", "-p", "tufkey.test/topology"});
    const ProcessResult init = run_process(argv, options);
    ASSERT_EQ(init.exit_code, 0) << init.err;

    const Curl key = curl(this->ca_args(), server.url() + "/v2/tufkey.test/topology/_trust/tuf/timestamp.key");
    ASSERT_EQ(key.status, "200") << key.body;
    const Curl ts = curl(this->ca_args(), server.url() + "/v2/tufkey.test/topology/_trust/tuf/timestamp.json");
    ASSERT_EQ(ts.status, "200") << ts.body;
    const auto key_type = nlohmann::json::parse(key.body).at("keytype").get<std::string>();
    const auto signing_key = nlohmann::json::parse(ts.body).at("signatures").at(0).at("keyid").get<std::string>();

    if (server.topology() == Topology::signer) {
        EXPECT_EQ(key_type, "ecdsa");
        EXPECT_NE(server.log_text().find("Using remote signing service"), std::string::npos);
        const std::string signer_log = server.signer_log_text();
        EXPECT_NE(signer_log.find("CreateKey: Created KeyID " + signing_key), std::string::npos) << signer_log;
        EXPECT_NE(signer_log.find("with KeyID " + signing_key), std::string::npos) << signer_log;
    } else {
        EXPECT_EQ(key_type, "ed25519");
        EXPECT_NE(server.log_text().find("Using local signing service"), std::string::npos);
        EXPECT_TRUE(server.signer_log_file().empty());
        EXPECT_EQ(server.signer_log_text(), "");
    }
}

// The docker CLI from build/docker (not whatever docker is on PATH), in a scratch home, against
// the fixture: key generate, signer add (which initialises the repository), inspect.
TYPED_TEST(NotaryServerSuite, DockerTrustSignerAddThenInspectShowsTheSigner) {
    TUFKEY_REQUIRE_DOCKER_CLI();
    const DockerTrustHome docker(this->server());
    const ProcessResult version = docker.docker({"--version"});
    ASSERT_EQ(version.exit_code, 0) << version.err;
    EXPECT_NE(version.out.find("Docker version 20.10."), std::string::npos) << version.out;

    const fs::path keys = docker.home() / "keys";
    fs::create_directories(keys);
    const ProcessResult generate = docker.docker({"trust", "key", "generate", "alice", "--dir", keys.string()});
    ASSERT_EQ(generate.exit_code, 0) << generate.out << generate.err;
    ASSERT_TRUE(fs::exists(keys / "alice.pub"));

    const std::string gun = "127.0.0.1:5000/team/app";
    const ProcessResult add =
        docker.docker({"trust", "signer", "add", "--key", (keys / "alice.pub").string(), "alice", gun});
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
    EXPECT_TRUE(fs::exists(docker.trust_dir() / "tuf" / gun / "metadata" / "root.json"));

    const ProcessResult inspect = docker.docker({"trust", "inspect", gun});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.out << inspect.err;
    const auto report = nlohmann::json::parse(inspect.out).at(0);
    EXPECT_EQ(report.at("Name"), gun);
    ASSERT_EQ(report.at("Signers").size(), 1u) << inspect.out;
    EXPECT_EQ(report.at("Signers").at(0).at("Name"), "alice");
    ASSERT_EQ(report.at("Signers").at(0).at("Keys").size(), 1u);
    const auto alice_id = report.at("Signers").at(0).at("Keys").at(0).at("ID").get<std::string>();
    EXPECT_TRUE(fs::exists(docker.trust_dir() / "private" / (alice_id + ".key"))) << alice_id;
    std::vector<std::string> admin;
    for (const auto& role : report.at("AdministrativeKeys")) admin.push_back(role.at("Name"));
    EXPECT_EQ(admin, (std::vector<std::string>{"Root", "Repository"}));
    // The server really has it: a fresh docker home sees the signer too.
    const DockerTrustHome other(this->server());
    const ProcessResult remote = other.docker({"trust", "inspect", gun});
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
    EXPECT_NE(remote.out.find(alice_id), std::string::npos) << remote.out;
}

// NotaryServer::TlsMode::https_client_auth: the server refuses clients without a certificate of
// the fixture CA; the notary client (client_config()) and docker (client.cert in its tls dir)
// present the fixture's pair.
using ClientAuthServer = NotaryServerSuite<ServerParams<Topology::signer, TlsMode::https_client_auth>>;

TEST_F(ClientAuthServer, RefusesClientsWithoutTheCertificate) {
    const std::string health = server().url() + "/_notary_server/health";
    EXPECT_EQ(curl(ca_args(), health).status, "000");
    auto with_cert = ca_args();
    with_cert.insert(with_cert.end(),
                     {"--cert", server().client_cert().string(), "--key", server().client_key().string()});
    EXPECT_EQ(curl(with_cert, health).status, "200");
}

TEST_F(ClientAuthServer, NotaryClientPresentsTheFixtureCertificate) {
    TempDir trust("tufkey-notary-trust");
    auto argv = server().notary_command(trust.path());
    argv.insert(argv.end(), {"list", "tufkey.test/unknown"});
    const ProcessResult r = run_process(argv);
    EXPECT_NE(r.out.find("does not have trust data for tufkey.test/unknown"), std::string::npos) << r.out << r.err;
    const ProcessResult bare = run_process({"notary", "-s", server().url(), "--tlscacert", server().ca_file().string(),
                                            "-d", trust.path().string(), "list", "tufkey.test/unknown"});
    EXPECT_NE(bare.exit_code, 0);
    EXPECT_EQ(bare.out.find("does not have trust data"), std::string::npos) << bare.out;
    EXPECT_NE(bare.out.find("* fatal:"), std::string::npos) << bare.out << bare.err;
}

TEST_F(ClientAuthServer, DockerPresentsTheFixtureCertificate) {
    TUFKEY_REQUIRE_DOCKER_CLI();
    const DockerTrustHome docker(server());
    const fs::path keys = docker.home() / "keys";
    fs::create_directories(keys);
    ASSERT_EQ(docker.docker({"trust", "key", "generate", "bob", "--dir", keys.string()}).exit_code, 0);
    const ProcessResult add = docker.docker(
        {"trust", "signer", "add", "--key", (keys / "bob.pub").string(), "bob", "127.0.0.1:5000/team/mtls"});
    EXPECT_EQ(add.exit_code, 0) << add.out << add.err;
}

// Lifetime: stop() and the destructor end both processes; a failed start throws with the logs.
TEST(NotaryServerLifetime, DestructorStopsServerAndSigner) {
    int server_pid = 0, signer_pid = 0;
    fs::path dir;
    std::string url;
    {
        const auto server = NotaryServer::start(Topology::signer, TlsMode::http);
        dir = server->dir();
        url = server->url();
        EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
        EXPECT_TRUE(server->ca_file().empty());
        EXPECT_EQ(curl({}, url + "/_notary_server/health").status, "200");
        ASSERT_TRUE(pid_alive(dir / "notary-server.pid", server_pid));
        ASSERT_TRUE(pid_alive(dir / "notary-signer.pid", signer_pid));
    }
    EXPECT_FALSE(process_alive(server_pid));
    EXPECT_FALSE(process_alive(signer_pid));
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_EQ(curl({}, url + "/_notary_server/health").exit_code, 7) << "connection refused";
}

TEST(NotaryServerLifetime, StopIsIdempotent) {
    const auto server = NotaryServer::start(Topology::local);
    int pid = 0;
    ASSERT_TRUE(pid_alive(server->dir() / "notary-server.pid", pid));
    EXPECT_TRUE(server->stop());
    EXPECT_FALSE(process_alive(pid));
    EXPECT_TRUE(server->stop());
    EXPECT_TRUE(fs::exists(server->log_file())) << "the files stay until destruction";
}

TEST(NotaryServerLifetime, FailedStartThrowsWithTheLogs) {
    // The fixture reads NOTARY_SIGNER_BIN from the environment it inherits from this process.
    ASSERT_EQ(setenv("NOTARY_SIGNER_BIN", "/bin/false", 1), 0);
    std::string error;
    try {
        (void)NotaryServer::start(Topology::signer);
    } catch (const std::runtime_error& e) {
        error = e.what();
    }
    unsetenv("NOTARY_SIGNER_BIN");
    EXPECT_NE(error.find("notary-signer exited during start-up"), std::string::npos) << error;
}

}  // namespace
}  // namespace tufkey::testing
