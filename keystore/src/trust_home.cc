// Key files in the trust home: listing (current and legacy layouts), lookup, reading, writing.
#include "tufkey/keystore/trust_home.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <tuple>

#include "tufkey/core/atomic_file.h"
#include "tufkey/keystore/home_transaction.h"

namespace tufkey::keystore {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::Result;

bool is_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Role and GUN from the first PEM block's headers; empty when the file cannot be read.
void read_headers(StoredKey& key) {
    auto text = read_secret_file(key.file);
    if (!text) return;
    auto blocks = parse_key_pem(*text, key.file.string());
    if (!blocks || blocks->empty()) return;
    const auto& block = blocks->front();
    if (auto role = block.header("role")) key.role = *role;
    if (auto gun = block.header("gun")) key.gun = *gun;
}

// Notary 0.1 names files <id>_<role>.key; later versions <id>.key.
void split_legacy_name(const std::string& stem, StoredKey& key) {
    auto underscore = stem.find('_');
    key.id = stem.substr(0, underscore);
    if (underscore != std::string::npos) key.role = stem.substr(underscore + 1);
}

bool is_key_file(const fs::directory_entry& entry) {
    std::error_code ec;
    const auto name = entry.path().filename().string();
    return entry.is_regular_file(ec) && entry.path().extension() == ".key" && !name.starts_with(".");
}

void finish(StoredKey& key, const std::string& role_default, const std::string& gun_default) {
    const std::string suffix_role = key.role;
    key.role.clear();
    read_headers(key);
    if (key.role.empty()) key.role = suffix_role.empty() ? role_default : suffix_role;
    if (key.gun.empty()) key.gun = gun_default;
    const auto cls = key.role;
    if (cls != "targets" && cls != "snapshot" && cls != "timestamp") key.gun.clear();
}

void list_flat(const fs::path& dir, std::vector<StoredKey>& out) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!is_key_file(entry)) continue;
        StoredKey key;
        key.id = entry.path().stem().string();
        if (!is_key_id(key.id)) continue;
        key.file = entry.path();
        finish(key, "", "");
        out.push_back(std::move(key));
    }
}

void list_legacy(const fs::path& private_dir, std::vector<StoredKey>& out) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(private_dir / "root_keys", ec)) {
        if (!is_key_file(entry)) continue;
        StoredKey key;
        split_legacy_name(entry.path().stem().string(), key);
        key.file = entry.path();
        key.layout = KeyLayout::legacy_root_keys;
        finish(key, "root", "");
        out.push_back(std::move(key));
    }
    const fs::path tuf_keys = private_dir / "tuf_keys";
    for (const auto& entry : fs::recursive_directory_iterator(tuf_keys, ec)) {
        if (!is_key_file(entry)) continue;
        StoredKey key;
        split_legacy_name(entry.path().stem().string(), key);
        key.file = entry.path();
        key.layout = KeyLayout::legacy_tuf_keys;
        const fs::path gun = entry.path().parent_path().lexically_relative(tuf_keys);
        finish(key, "", gun == "." ? std::string() : gun.generic_string());
        out.push_back(std::move(key));
    }
}

}  // namespace

bool is_key_id(std::string_view text) noexcept { return text.size() == 64 && is_hex(text); }

Result<HomeLock> TrustHome::lock(std::string_view command) const {
    TUFKEY_TRY_VOID(core::make_directories(m_root, 0700));
    TUFKEY_TRY_VOID(core::make_directories(private_dir(), 0700));
    TUFKEY_TRY(HomeLock lock, HomeLock::acquire(lock_file(), command));
    TUFKEY_TRY_VOID(recover_home(*this, lock));
    return lock;
}

Result<void> TrustHome::recover_interrupted() const {
    std::error_code ec;
    if (!fs::exists(journal_dir(*this), ec)) return core::success();
    auto lock = HomeLock::acquire(lock_file(), "tufkey recovery");
    if (!lock) return core::success();  // the holder is the writer, and it completes its own change
    TUFKEY_TRY_VOID(recover_home(*this, *lock));
    return core::success();
}

Result<std::vector<StoredKey>> TrustHome::list_keys() const {
    std::vector<StoredKey> keys;
    std::error_code ec;
    if (!fs::exists(private_dir(), ec)) return keys;
    list_flat(private_dir(), keys);
    list_legacy(private_dir(), keys);
    std::sort(keys.begin(), keys.end(), [](const StoredKey& a, const StoredKey& b) {
        return std::tie(a.role, a.gun, a.id, a.layout) < std::tie(b.role, b.gun, b.id, b.layout);
    });
    return keys;
}

Result<StoredKey> TrustHome::find_key(std::string_view id_or_prefix) const {
    std::string prefix(id_or_prefix);
    std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                   [](char c) { return static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c); });
    if (prefix.size() < 7 || prefix.size() > 64 || !is_hex(prefix)) {
        return Error(ErrorCode::usage, "'" + std::string(id_or_prefix) +
                                           "' is not a key ID: give at least 7 hex digits (see 'tufkey key list')");
    }
    TUFKEY_TRY(auto keys, list_keys());
    std::vector<StoredKey> matches;
    for (auto& key : keys) {
        if (!key.id.starts_with(prefix)) continue;
        if (!matches.empty() && matches.front().id != key.id) {
            return Error(ErrorCode::usage, "key ID prefix " + prefix + " is ambiguous (" + matches.front().id + ", " +
                                               key.id + "); give more digits");
        }
        matches.push_back(std::move(key));
    }
    if (matches.empty()) {
        return Error(ErrorCode::key, "no key " + prefix + " in " + private_dir().string() + " (see 'tufkey key list')");
    }
    auto flat =
        std::find_if(matches.begin(), matches.end(), [](const StoredKey& k) { return k.layout == KeyLayout::flat; });
    return flat != matches.end() ? std::move(*flat) : std::move(matches.front());
}

Result<PrivateKeyBlock> TrustHome::read_key(const StoredKey& key) const {
    TUFKEY_TRY(auto text, read_secret_file(key.file));
    TUFKEY_TRY(auto blocks, parse_key_pem(text, key.file.string()));
    if (blocks.empty()) {
        return Error(ErrorCode::key, "damaged key file " + key.file.string() + ": no PEM block in it");
    }
    return PrivateKeyBlock::from_pem(std::move(blocks.front()), key.file.string());
}

Result<fs::path> TrustHome::write_key(HomeTransaction& tx, const StoredKey& key, std::string_view pem) const {
    if (!pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
        return Error(ErrorCode::internal, "refusing to write a key file that is not encrypted");
    }
    const fs::path path = key.layout == KeyLayout::flat ? private_dir() / (key.id + ".key") : key.file;
    tx.write(path, std::string(pem), 0600);
    return path;
}

void TrustHome::remove_key(HomeTransaction& tx, const StoredKey& key) const { tx.remove(key.file); }

}  // namespace tufkey::keystore
