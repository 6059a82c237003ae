#include "static_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "temp_dir.h"

namespace tufkey::testing {

namespace fs = std::filesystem;

StaticServer::StaticServer(const fs::path& dir, const fs::path& work, std::vector<std::string> extra)
    : m_log(work / "requests.log") {
    const std::string python = "/usr/bin/python3";
    const fs::path url_file = work / "server-url";
    const std::string script = std::string(TUFKEY_SOURCE_DIR) + "/tests/fixtures/static-server.py";
    std::vector<std::string> args{python,         script,       dir.string(),      "--log",
                                  m_log.string(), "--url-file", url_file.string(), "--die-with-parent"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    m_pid = fork();
    if (m_pid == 0) {
        execv(python.c_str(), argv.data());
        _exit(127);
    }
    for (int i = 0; i < 400 && !fs::exists(url_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::string text = fs::exists(url_file) ? read_text(url_file) : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    m_url = text;
}

StaticServer::~StaticServer() {
    if (m_pid > 0) {
        kill(m_pid, SIGTERM);
        waitpid(m_pid, nullptr, 0);
    }
}

std::string StaticServer::log_text() const { return fs::exists(m_log) ? read_text(m_log) : ""; }

std::vector<std::string> StaticServer::log_lines() const {
    std::vector<std::string> lines;
    std::string line;
    for (char c : log_text()) {
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line.push_back(c);
        }
    }
    return lines;
}

}  // namespace tufkey::testing
