#include "child.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace tufkey::testing {

Child::Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, bool on_pty) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : env) {
        if (v.empty())
            vars.erase(k);
        else
            vars[k] = v;
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : vars) env_strings.push_back(k + "=" + v);
    std::vector<char*> cenv, cargv;
    for (auto& s : env_strings) cenv.push_back(s.data());
    cenv.push_back(nullptr);
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);

    int slave = -1;
    if (on_pty && ::openpty(&m_master, &slave, nullptr, nullptr, nullptr) != 0)
        throw std::runtime_error("openpty failed");
    m_pid = ::fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        ::setsid();
        int in = on_pty ? slave : ::open("/dev/null", O_RDONLY);
        int out = ::open("/dev/null", O_WRONLY);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execve(cargv[0], cargv.data(), cenv.data());
        ::_exit(127);
    }
    if (slave >= 0) ::close(slave);
}

Child::~Child() {
    if (!m_reaped) {
        ::kill(m_pid, SIGKILL);
        wait();
    }
    if (m_master >= 0) ::close(m_master);
}

void Child::type(const std::string& text) {
    if (m_master >= 0 && ::write(m_master, text.data(), text.size()) < 0) throw std::runtime_error("pty write failed");
}

void Child::kill_now() { ::kill(m_pid, SIGKILL); }

int Child::wait() {
    if (!m_reaped) {
        while (::waitpid(m_pid, &m_status, 0) < 0) {
        }
        m_reaped = true;
    }
    if (WIFSIGNALED(m_status)) return -WTERMSIG(m_status);
    return WEXITSTATUS(m_status);
}

}  // namespace tufkey::testing
