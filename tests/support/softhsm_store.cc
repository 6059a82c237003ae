#include "softhsm_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <stdexcept>

#include "process.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

std::string script() { return std::string(TUFKEY_SOURCE_DIR) + "/softhsm-fixtures/make-token-store"; }

void make_store(const fs::path& dir, const SoftHsmOptions& options) {
    std::vector<std::string> argv{script(), dir.string()};
    argv.insert(argv.end(), options.labels.begin(), options.labels.end());
    ProcessOptions po;
    po.env["TUFKEY_FIXTURE_MECHANISMS"] = options.mechanisms;
    po.env["TUFKEY_FIXTURE_USER_PIN"] = options.user_pin;
    po.env["TUFKEY_FIXTURE_SO_PIN"] = std::string(k_test_so_pin);
    po.timeout = std::chrono::seconds(30);
    const auto r = run_process(argv, po);
    if (r.exit_code != 0) throw std::runtime_error("make-token-store failed: " + r.err);
}

void rewrite_conf_line(const fs::path& conf, const std::string& key, const std::string& value) {
    const std::string text = read_text(conf);
    const std::regex line("(^|\n)" + key + " = [^\n]*");
    write_text(conf, std::regex_replace(text, line, "$1" + key + " = " + value));
}

class FileLock final {
public:
    explicit FileLock(const fs::path& path) : m_fd(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
        if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + path.string());
    }
    ~FileLock() { ::close(m_fd); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int m_fd;
};

}  // namespace

SoftHsmStore::SoftHsmStore(const SoftHsmOptions& options) : m_dir("tufkey-softhsm") {
    make_store(m_dir.path(), options);
    activate();
}

SoftHsmStore::SoftHsmStore(CopyTag, const fs::path& from) : m_dir("tufkey-softhsm") {
    fs::copy(from, m_dir.path(), fs::copy_options::recursive);
    rewrite_conf_line(conf_path(), "directories.tokendir", (m_dir.path() / "tokens").string());
    activate();
}

void SoftHsmStore::activate() {
    if (const char* prev = std::getenv("SOFTHSM2_CONF")) m_previous_conf = prev;
    ::setenv("SOFTHSM2_CONF", conf_path().c_str(), 1);
}

SoftHsmStore::~SoftHsmStore() {
    if (m_previous_conf)
        ::setenv("SOFTHSM2_CONF", m_previous_conf->c_str(), 1);
    else
        ::unsetenv("SOFTHSM2_CONF");
}

std::unique_ptr<SoftHsmStore> SoftHsmStore::copy_of_template(const std::string& name, const SoftHsmOptions& options,
                                                             const std::function<void()>& build) {
    const fs::path root = fs::path(TUFKEY_BINARY_DIR) / "tests" / "softhsm-templates";
    fs::create_directories(root);
    const fs::path ready = root / name;
    FileLock lock(root / (name + ".lock"));
    if (!fs::exists(ready / "softhsm2.conf")) {
        {
            SoftHsmStore fresh(options);
            build();
            const fs::path staging = root / (name + ".staging");
            fs::remove_all(staging);
            fs::copy(fresh.dir(), staging, fs::copy_options::recursive);
            fs::rename(staging, ready);
        }
    }
    return std::unique_ptr<SoftHsmStore>(new SoftHsmStore(CopyTag{}, ready));
}

std::map<std::string, std::optional<std::string>> SoftHsmStore::env() const {
    return {{"SOFTHSM2_CONF", conf_path().string()}};
}

void SoftHsmStore::set_mechanisms(const std::string& mechanisms) const {
    // The same SoftHSM 2.6.1 workaround as make-token-store: "-A,-B" is written "-,A,B".
    std::string value = mechanisms;
    if (!value.empty() && value[0] == '-') {
        value = "-";
        std::size_t start = 1;
        while (start <= mechanisms.size()) {
            std::size_t end = mechanisms.find(',', start);
            if (end == std::string::npos) end = mechanisms.size();
            std::string entry = mechanisms.substr(start, end - start);
            if (!entry.empty() && entry[0] == '-') entry.erase(0, 1);
            if (!entry.empty()) value += "," + entry;
            start = end + 1;
        }
    }
    rewrite_conf_line(conf_path(), "slots.mechanisms", value);
}

fs::path SoftHsmStore::write_pin_file(const std::string& pin, const std::string& name) const {
    const fs::path path = m_dir.path() / name;
    write_text(path, pin + "\n");
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return path;
}

}  // namespace tufkey::testing
