#include "crash_world.h"

#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <map>
#include <optional>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/keystore/key_file.h"
#include "tufkey/keystore/passphrase.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFakeTimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
constexpr std::uint32_t kCheapIterations = 2048;

// "YYYY-MM-DD HH:MM:SS" of now (UTC): libfaketime's absolute form, which stops the clock there.
std::string frozen_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    return text;
}

void copy_dir(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::remove_all(to, ec);
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace

CrashWorld::CrashWorld()
    : m_store(std::make_unique<SoftHsmStore>(SoftHsmOptions{{"ceremony"}})),
      m_pin_file(m_store->write_pin_file()),
      m_faketime(frozen_now()) {
    fs::create_directories(run_dir());
}

ProcessResult CrashWorld::tufkey(const fs::path& home, const std::vector<std::string>& args,
                                 const std::vector<std::string>& wrapper) const {
    std::vector<std::string> argv = wrapper;
    argv.push_back(tufkey_binary());
    argv.push_back("--home");
    argv.push_back(home.string());
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions po;
    po.env["SOFTHSM2_CONF"] = m_store->conf_path().string();
    po.env["TUFKEY_PKCS11_MODULE"] = std::string(k_softhsm_module);
    po.env["TUFKEY_PKCS11_PIN"] = std::nullopt;
    po.env["TUFKEY_HOME"] = std::nullopt;
    po.env["TUFKEY_SERVER"] = std::nullopt;
    for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"}) {
        po.env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::string("passphrase-") + role;
        po.env[std::string("NOTARY_") + role + "_PASSPHRASE"] = std::nullopt;
    }
    po.env["DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"] = std::nullopt;
    po.env["DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"] = std::nullopt;
    po.env["LD_PRELOAD"] = std::string(kFakeTimeLibrary);
    po.env["FAKETIME"] = m_faketime;
    po.env["FAKETIME_DONT_FAKE_MONOTONIC"] = std::string("1");
    po.timeout = std::chrono::seconds(120);
    return run_process(argv, po);
}

std::vector<std::string> CrashWorld::init_args(tuf::Dialect dialect) const {
    return {"init",
            kGun,
            "--root-key",
            "pkcs11:token=ceremony;object=root",
            "--pin-file",
            m_pin_file.string(),
            "-y",
            "--dialect",
            std::string(tuf::to_string(dialect))};
}

std::string CrashWorld::digest_of(const std::string& tag) {
    return core::hex_encode(core::sha256(core::as_bytes(std::string_view("crash-safety tag " + tag))));
}

std::vector<std::string> CrashWorld::sign_args(const std::string& tag) {
    return {"sign",   std::string(kGun) + ":" + tag,   "--digest", "sha256:" + digest_of(tag),
            "--size", std::to_string(100 + tag.size())};
}

void CrashWorld::save_before() const {
    copy_dir(run_dir(), m_scratch.path() / "before");
    copy_dir(m_store->dir() / "tokens", m_scratch.path() / "before-tokens");
}

void CrashWorld::restore_before() const {
    copy_dir(m_scratch.path() / "before", run_dir());
    copy_dir(m_scratch.path() / "before-tokens", m_store->dir() / "tokens");
}

void CrashWorld::restore_token_store() const {
    copy_dir(m_scratch.path() / "before-tokens", m_store->dir() / "tokens");
}

std::string passphrase_for_role(const std::string& role) {
    return std::string("passphrase-") + keystore::role_class_name(keystore::classify_role(role));
}

void make_key_files_cheap(const fs::path& home) {
    keystore::TrustHome trust_home(home);
    auto keys = trust_home.list_keys();
    if (!keys) throw std::runtime_error("cannot list keys: " + keys.error().message);
    for (const auto& key : *keys) {
        auto block = trust_home.read_key(key);
        if (!block) throw std::runtime_error(block.error().message);
        const auto passphrase = core::SecretBytes::copy_of(passphrase_for_role(block->role()));
        auto signer = block->decrypt(passphrase);
        if (!signer) throw std::runtime_error(signer.error().message);
        keystore::KeyHeaders headers{block->role(), block->gun(), ""};
        auto pem = keystore::encrypt_key_pem(**signer, passphrase, headers, kCheapIterations);
        if (!pem) throw std::runtime_error(pem.error().message);
        write_text(key.file, *pem);
        ::chmod(key.file.c_str(), 0600);
    }
}

}  // namespace tufkey::testing::crash
