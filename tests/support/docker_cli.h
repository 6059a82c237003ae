// The docker CLI for Docker Content Trust interop tests, and a scratch docker home that points it
// at one NotaryServer.
//
// Debian 12's docker.io 20.10 is the last docker with `docker trust`. scripts/setup unpacks it
// (never installs it: no daemon, no services) into <source>/build/docker/, as listed in
// scripts/dependencies.txt. The `docker trust` commands that do not touch images (key generate,
// key load, signer add/remove, inspect, revoke) talk only to the Notary server and need no
// daemon; `docker trust sign` and push/pull with DOCKER_CONTENT_TRUST=1 do, and cannot run here.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "notary_server.h"
#include "process.h"
#include "temp_dir.h"

namespace tufkey::testing {

// $TUFKEY_DOCKER_CLI if set, else <source>/build/docker/usr/bin/docker; never a docker found on
// PATH. Empty when that file is not an executable (scripts/setup has not run).
[[nodiscard]] std::filesystem::path docker_cli();

// In a TEST body: skips when docker_cli() is missing, but fails under CI (CI=true), where
// scripts/setup has run and a missing docker is a broken setup, not a reason to skip.
#define TUFKEY_REQUIRE_DOCKER_CLI()                                                                          \
    do {                                                                                                     \
        if (::tufkey::testing::docker_cli().empty()) {                                                       \
            if (const char* ci = std::getenv("CI"); ci && *ci) FAIL() << "no docker CLI: run scripts/setup"; \
            GTEST_SKIP() << "no docker CLI in build/docker: run scripts/setup";                              \
        }                                                                                                    \
    } while (0)

// A private HOME for the docker CLI, wired to `server` the way docker expects it:
//   HOME=<home>, DOCKER_CONFIG=<home>/.docker (docker keeps its trust data in
//   <home>/.docker/trust: tuf/<GUN>/metadata/*.json and private/<keyid>.key)
//   <home>/.docker/tls/127.0.0.1:<port>/ca.crt   the fixture CA (docker has no --tlscacert here)
//   .../client.cert, .../client.key              the fixture's client pair (https modes), which
//                                                docker presents when the server asks
//   DOCKER_CONTENT_TRUST_SERVER=<server url>
//   DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE, DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE (the
//   constants below; docker uses the repository one for targets, snapshot and signer keys)
//   DOCKER_HOST, DOCKER_CONTENT_TRUST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH removed
// The server must outlive this object. Nothing outside the TempDir is touched.
class DockerTrustHome final {
public:
    static constexpr const char* k_root_passphrase = "docker-test-root-passphrase";
    static constexpr const char* k_repository_passphrase = "docker-test-repository-passphrase";

    explicit DockerTrustHome(const NotaryServer& server);
    DockerTrustHome(const DockerTrustHome&) = delete;
    DockerTrustHome& operator=(const DockerTrustHome&) = delete;

    [[nodiscard]] const std::filesystem::path& home() const noexcept { return m_home.path(); }
    [[nodiscard]] std::filesystem::path docker_config_dir() const { return home() / ".docker"; }
    // docker's trust directory: the notary-style home that `tufkey --home` can point at.
    [[nodiscard]] std::filesystem::path trust_dir() const { return docker_config_dir() / "trust"; }
    // The variables above, for ProcessOptions::env.
    [[nodiscard]] std::map<std::string, std::optional<std::string>> env() const;
    // docker_cli() with `args`, in home(), with env() added to options.env (options win).
    // Throws std::runtime_error when docker_cli() is missing.
    [[nodiscard]] ProcessResult docker(const std::vector<std::string>& args, ProcessOptions options = {}) const;

private:
    TempDir m_home;
    std::string m_server_url;
};

}  // namespace tufkey::testing
