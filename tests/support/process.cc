#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace tufkey::testing {
namespace {

std::vector<std::string> build_env(const ProcessOptions& options) {
    std::map<std::string, std::string> vars;
    if (!options.clear_env) {
        for (char** e = environ; *e; ++e) {
            std::string kv(*e);
            auto eq = kv.find('=');
            if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
    } else if (const char* path = std::getenv("PATH")) {
        vars["PATH"] = path;
    }
    for (const auto& [k, v] : options.env) {
        if (v)
            vars[k] = *v;
        else
            vars.erase(k);
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
    return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    if (argv.empty()) throw std::invalid_argument("run_process: empty argv");
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
        throw std::runtime_error("pipe failed");

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);

    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    auto env_strings = build_env(options);
    std::vector<char*> cenv;
    for (auto& e : env_strings) cenv.push_back(e.data());
    cenv.push_back(nullptr);

    // posix_spawnp searches the PATH of the *parent*; honour an overridden PATH by resolving here.
    std::string program = argv[0];
    auto path_it = options.env.find("PATH");
    if (program.find('/') == std::string::npos && path_it != options.env.end() && path_it->second) {
        std::string paths = *path_it->second;
        size_t start = 0;
        while (start <= paths.size()) {
            size_t end = paths.find(':', start);
            if (end == std::string::npos) end = paths.size();
            std::string candidate = paths.substr(start, end - start) + "/" + program;
            if (access(candidate.c_str(), X_OK) == 0) {
                program = candidate;
                break;
            }
            start = end + 1;
        }
    }

    pid_t pid = 0;
    auto started = std::chrono::steady_clock::now();
    int rc = posix_spawnp(&pid, program.c_str(), &fa, &attr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }

    ProcessResult result;
    size_t written = 0;
    const std::string& input = options.stdin_data;
    int in_fd = in_pipe[1];
    if (input.empty()) {
        close(in_fd);
        in_fd = -1;
    } else
        fcntl(in_fd, F_SETFL, O_NONBLOCK);
    int out_fd = out_pipe[0], err_fd = err_pipe[0];
    signal(SIGPIPE, SIG_IGN);
    auto deadline = started + options.timeout;
    while (out_fd >= 0 || err_fd >= 0) {
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        pollfd fds[3];
        int n = 0;
        if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
        if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
        if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
        int wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
        if (poll(fds, n, std::min(wait_ms, 200)) < 0 && errno != EINTR) break;
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (fds[i].fd == in_fd) {
                ssize_t w = write(in_fd, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<size_t>(w);
                if (w < 0 || written == input.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            char buf[8192];
            ssize_t r = read(fds[i].fd, buf, sizeof buf);
            std::string& sink = fds[i].fd == out_fd ? result.out : result.err;
            if (r > 0)
                sink.append(buf, static_cast<size_t>(r));
            else {
                if (fds[i].fd == out_fd) {
                    close(out_fd);
                    out_fd = -1;
                } else {
                    close(err_fd);
                    err_fd = -1;
                }
            }
        }
    }
    if (in_fd >= 0) close(in_fd);
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    int status = 0;
    waitpid(pid, &status, 0);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    if (result.timed_out) result.exit_code = -1;
    return result;
}

std::string tufkey_binary() {
    if (const char* b = std::getenv("TUFKEY_BIN"); b && *b) return b;
#ifdef TUFKEY_CLI_PATH
    return TUFKEY_CLI_PATH;
#else
    return std::string(TUFKEY_BINARY_DIR) + "/cli/tufkey";
#endif
}

}  // namespace tufkey::testing
