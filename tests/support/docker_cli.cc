#include "docker_cli.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace tufkey::testing {

namespace fs = std::filesystem;

fs::path docker_cli() {
    fs::path path;
    if (const char* env = std::getenv("TUFKEY_DOCKER_CLI"); env && *env)
        path = env;
    else
        path = fs::path(TUFKEY_SOURCE_DIR) / "build" / "docker" / "usr" / "bin" / "docker";
    return access(path.c_str(), X_OK) == 0 ? path : fs::path();
}

DockerTrustHome::DockerTrustHome(const NotaryServer& server)
    : m_home("tufkey-docker-home"), m_server_url(server.url()) {
    const fs::path tls_dir = docker_config_dir() / "tls" / ("127.0.0.1:" + std::to_string(server.port()));
    fs::create_directories(tls_dir);
    fs::create_directories(trust_dir());
    if (!server.ca_file().empty()) {
        fs::copy_file(server.ca_file(), tls_dir / "ca.crt");
        fs::copy_file(server.client_cert(), tls_dir / "client.cert");
        fs::copy_file(server.client_key(), tls_dir / "client.key");
    }
}

std::map<std::string, std::optional<std::string>> DockerTrustHome::env() const {
    return {{"HOME", home().string()},
            {"DOCKER_CONFIG", docker_config_dir().string()},
            {"DOCKER_CONTENT_TRUST_SERVER", m_server_url},
            {"DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE", k_root_passphrase},
            {"DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE", k_repository_passphrase},
            {"DOCKER_HOST", std::nullopt},
            {"DOCKER_CONTENT_TRUST", std::nullopt},
            {"DOCKER_TLS_VERIFY", std::nullopt},
            {"DOCKER_CERT_PATH", std::nullopt}};
}

ProcessResult DockerTrustHome::docker(const std::vector<std::string>& args, ProcessOptions options) const {
    const fs::path cli = docker_cli();
    if (cli.empty()) throw std::runtime_error("no docker CLI in build/docker: run scripts/setup");
    for (const auto& [name, value] : env()) options.env.try_emplace(name, value);
    if (options.cwd.empty()) options.cwd = home().string();
    std::vector<std::string> argv{cli.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, options);
}

}  // namespace tufkey::testing
