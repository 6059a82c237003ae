// NotaryServer: a private Notary service on 127.0.0.1 for interop tests, started by
// tests/fixtures/notary/start-notary.sh in its own TempDir (see that folder's README.md).
//
// Two topologies: Topology::local is notary-server alone with its built-in trust service
// (server-held keys ed25519); Topology::signer is the production shape, notary-server plus a
// notary-signer that holds the server-managed keys (ecdsa) and accepts the server only over
// mutual TLS. Storage is in memory: everything is gone when the fixture stops.
//
// Ports are kernel-chosen, so suites run in parallel. One server per suite is the intended use:
//
//     static std::unique_ptr<NotaryServer> s_server;
//     static void SetUpTestSuite() { s_server = NotaryServer::start(NotaryServer::Topology::signer); }
//     static void TearDownTestSuite() { s_server.reset(); }
//
// The destructor stops both processes (stop-notary.sh) and removes the directory; if the test
// process dies without running it (crash, ctest timeout), the fixture's watchdog
// (NOTARY_FIXTURE_WATCH_PID) stops the processes within a second.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace tufkey::testing {

class NotaryServer final {
public:
    enum class Topology { local, signer };
    // https_client_auth: the server also demands a client certificate issued by the fixture CA
    // (client_cert() / client_key()).
    enum class TlsMode { http, https, https_client_auth };

    // Starts the fixture and waits until /_notary_server/health answers 200 (which, for the
    // signer topology, includes the server's check of its signer). Throws std::runtime_error
    // carrying the script's stderr, which holds the processes' logs, if it does not come up.
    static std::unique_ptr<NotaryServer> start(Topology topology = Topology::local, TlsMode tls = TlsMode::https);
    ~NotaryServer();
    NotaryServer(const NotaryServer&) = delete;
    NotaryServer& operator=(const NotaryServer&) = delete;

    // Stops the processes now (idempotent); the files stay until destruction. Returns false if
    // stop-notary.sh failed.
    bool stop();

    [[nodiscard]] Topology topology() const noexcept { return m_topology; }
    [[nodiscard]] TlsMode tls() const noexcept { return m_tls; }
    // e.g. "https://127.0.0.1:41767"
    [[nodiscard]] const std::string& url() const noexcept { return m_url; }
    [[nodiscard]] int port() const noexcept { return m_port; }
    // The fixture directory (configs, certificates, logs, PID files).
    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return m_dir.path(); }
    // The test CA that issued every certificate below; empty for TlsMode::http.
    [[nodiscard]] std::filesystem::path ca_file() const;
    // A client certificate and key issued by the test CA (clientAuth). Present for both https
    // modes; only TlsMode::https_client_auth makes the server ask for it. Empty for http.
    [[nodiscard]] std::filesystem::path client_cert() const;
    [[nodiscard]] std::filesystem::path client_key() const;
    // notary-server's JSON debug log (one object per line; every request's method and URI).
    [[nodiscard]] std::filesystem::path log_file() const { return dir() / "notary-server.log"; }
    // notary-signer's JSON debug log ("CreateKey: Created KeyID <id>", "Sign: Signed <payload>
    // with KeyID <id>"); empty path for Topology::local.
    [[nodiscard]] std::filesystem::path signer_log_file() const;
    [[nodiscard]] std::string log_text() const;
    [[nodiscard]] std::string signer_log_text() const;  // "" for Topology::local
    // For `notary -c client_config() -d TRUSTDIR ...`: URL, CA and (https_client_auth) client pair.
    [[nodiscard]] std::filesystem::path client_config() const { return dir() / "client-config.json"; }
    // {"notary", "-c", client_config(), "-d", trust_dir}: the real client, ready for run_process.
    [[nodiscard]] std::vector<std::string> notary_command(const std::filesystem::path& trust_dir) const;

private:
    NotaryServer(Topology topology, TlsMode tls);
    void read_env_file();

    TempDir m_dir;  // declared first: removed after the processes are stopped
    Topology m_topology;
    TlsMode m_tls;
    std::string m_url;
    int m_port = 0;
    bool m_running = false;
};

// Test-only passphrases for the notary client's keys, for run_process's env (never argv).
[[nodiscard]] std::map<std::string, std::optional<std::string>> notary_passphrase_env();

}  // namespace tufkey::testing
