// StaticServer: tests/fixtures/static-server.py serving one directory on a free 127.0.0.1 port
// (Debian's /usr/bin/python3), for interop tests that publish or fetch over HTTP. Stopped
// (SIGTERM, waited for) on destruction; the server also dies with the test process.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tufkey::testing {

class StaticServer final {
public:
    // Serves `dir`; `work` holds the request log and the URL file. `extra` is passed on to the
    // script (e.g. {"--tls-cert", CERT, "--tls-key", KEY}). url() is empty if it did not start.
    StaticServer(const std::filesystem::path& dir, const std::filesystem::path& work,
                 std::vector<std::string> extra = {});
    ~StaticServer();
    StaticServer(const StaticServer&) = delete;
    StaticServer& operator=(const StaticServer&) = delete;

    [[nodiscard]] const std::string& url() const { return m_url; }
    // The request log so far, one "METHOD PATH STATUS" line per request.
    [[nodiscard]] std::string log_text() const;
    [[nodiscard]] std::vector<std::string> log_lines() const;

private:
    std::filesystem::path m_log;
    pid_t m_pid = -1;
    std::string m_url;
};

}  // namespace tufkey::testing
