#include "notary_server.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "process.h"

namespace tufkey::testing {

namespace fs = std::filesystem;

namespace {

std::string fixture_script(const std::string& name) {
    return std::string(TUFKEY_SOURCE_DIR) + "/tests/fixtures/notary/" + name;
}

// env.sh holds `export NAME=VALUE` lines written with printf %q. The fixture's values are paths
// under $TMPDIR, URLs and numbers; anything that %q had to quote (other than '') is refused
// rather than guessed at.
std::map<std::string, std::string> parse_env_file(const fs::path& path) {
    std::map<std::string, std::string> vars;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("NotaryServer: cannot read " + path.string());
    const std::string prefix = "export ";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string value = line.substr(eq + 1);
        if (value == "''") value.clear();
        if (value.find_first_of("'\"\\$ ") != std::string::npos)
            throw std::runtime_error("NotaryServer: unexpected quoting in " + path.string() + ": " + line);
        vars[line.substr(prefix.size(), eq - prefix.size())] = value;
    }
    return vars;
}

}  // namespace

NotaryServer::NotaryServer(Topology topology, TlsMode tls) : m_dir("tufkey-notary"), m_topology(topology), m_tls(tls) {}

std::unique_ptr<NotaryServer> NotaryServer::start(Topology topology, TlsMode tls) {
    std::unique_ptr<NotaryServer> server(new NotaryServer(topology, tls));
    ProcessOptions options;
    options.env["NOTARY_FIXTURE_TOPOLOGY"] = topology == Topology::signer ? "signer" : "local";
    options.env["NOTARY_FIXTURE_TLS"] = tls == TlsMode::http ? "0" : "1";
    options.env["NOTARY_FIXTURE_CLIENT_AUTH"] = tls == TlsMode::https_client_auth ? "1" : "0";
    options.env["NOTARY_FIXTURE_WATCH_PID"] = std::to_string(getpid());
    options.env["NOTARY_FIXTURE_PORT"] = std::nullopt;
    options.timeout = std::chrono::seconds(90);
    const ProcessResult started = run_process({fixture_script("start-notary.sh"), server->dir().string()}, options);
    // From here on the destructor stops whatever did start, whether or not start() throws.
    server->m_running = true;
    if (started.exit_code != 0)
        throw std::runtime_error("NotaryServer: start-notary.sh failed (exit " + std::to_string(started.exit_code) +
                                 "):\n" + started.err);
    server->read_env_file();
    return server;
}

void NotaryServer::read_env_file() {
    const auto vars = parse_env_file(dir() / "env.sh");
    const auto get = [&](const std::string& name) {
        const auto it = vars.find(name);
        if (it == vars.end()) throw std::runtime_error("NotaryServer: env.sh has no " + name);
        return it->second;
    };
    m_url = get("NOTARY_FIXTURE_URL");
    m_port = std::stoi(get("NOTARY_FIXTURE_PORT"));
    if (m_url.empty() || m_port <= 0) throw std::runtime_error("NotaryServer: no URL in env.sh");
}

NotaryServer::~NotaryServer() { stop(); }

bool NotaryServer::stop() {
    if (!m_running) return true;
    m_running = false;
    try {
        ProcessOptions options;
        options.timeout = std::chrono::seconds(30);
        return run_process({fixture_script("stop-notary.sh"), dir().string()}, options).exit_code == 0;
    } catch (const std::exception&) {
        return false;
    }
}

fs::path NotaryServer::ca_file() const { return m_tls == TlsMode::http ? fs::path() : dir() / "ca.crt"; }

fs::path NotaryServer::client_cert() const { return m_tls == TlsMode::http ? fs::path() : dir() / "client.crt"; }

fs::path NotaryServer::client_key() const { return m_tls == TlsMode::http ? fs::path() : dir() / "client.key"; }

fs::path NotaryServer::signer_log_file() const {
    return m_topology == Topology::signer ? dir() / "notary-signer.log" : fs::path();
}

std::string NotaryServer::log_text() const {
    const fs::path path = log_file();
    return fs::exists(path) ? read_text(path) : "";
}

std::string NotaryServer::signer_log_text() const {
    const fs::path path = signer_log_file();
    return !path.empty() && fs::exists(path) ? read_text(path) : "";
}

std::vector<std::string> NotaryServer::notary_command(const fs::path& trust_dir) const {
    return {"notary", "-c", client_config().string(), "-d", trust_dir.string()};
}

std::map<std::string, std::optional<std::string>> notary_passphrase_env() {
    return {{"NOTARY_ROOT_PASSPHRASE", "test-root-passphrase"},
            {"NOTARY_TARGETS_PASSPHRASE", "test-targets-passphrase"},
            {"NOTARY_SNAPSHOT_PASSPHRASE", "test-snapshot-passphrase"},
            {"NOTARY_DELEGATION_PASSPHRASE", "test-delegation-passphrase"}};
}

}  // namespace tufkey::testing
