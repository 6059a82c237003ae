// A tufkey child process the test can kill at any moment, optionally on a pseudo-terminal.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace tufkey::testing {

class Child final {
public:
    // Starts `argv` with `env` added to (or, when the value is empty, removed from) the
    // inherited environment. With `on_pty`, stdin is the slave side of a new pseudo-terminal
    // (so the program sees a terminal) and `type()` writes to it; otherwise stdin is /dev/null.
    Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, bool on_pty);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    void type(const std::string& text);
    void kill_now();
    // Waits for the end; the exit code, or -signal when killed.
    int wait();

private:
    pid_t m_pid = -1;
    int m_master = -1;
    bool m_reaped = false;
    int m_status = 0;
};

}  // namespace tufkey::testing
