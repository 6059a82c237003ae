// generate, import, export, passwd: the key operations behind `tufkey key ...`.
#include "tufkey/keystore/key_operations.h"
#include "tufkey/keystore/home_transaction.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "tufkey/core/atomic_file.h"
#include "tufkey/core/pem.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::keystore {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

bool valid_signer_name(std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; };
    return std::all_of(name.begin(), name.end(), ok) && name.front() != '_' && name.front() != '-';
}

// Opens `block` with the passphrase of its role; returns the signer and the passphrase.
struct Opened final {
    std::unique_ptr<core::SoftwareSigner> signer;
    SecretBytes passphrase;
};
Result<Opened> open_block(const PrivateKeyBlock& block, PassphraseSource& passphrases, const KeyLabel& label) {
    std::unique_ptr<core::SoftwareSigner> signer;
    auto attempt = [&](const SecretBytes& pass) -> Result<bool> {
        TUFKEY_TRY(auto opened, block.try_decrypt(pass));
        if (!opened) return false;
        signer = std::move(*opened);
        return true;
    };
    TUFKEY_TRY(SecretBytes pass, passphrases.unlock(label, attempt));
    return Opened{std::move(signer), std::move(pass)};
}

Result<void> check_private_file_mode(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        return Error(ErrorCode::io, "cannot read " + file.string() + ": " + std::strerror(errno));
    }
    if ((st.st_mode & 077) != 0) {
        return Error(ErrorCode::refused, "private key file " + file.string() +
                                             " is readable or writable by others; run 'chmod 600 " + file.string() +
                                             "' and retry");
    }
    return core::success();
}

// Notary 0.1-0.3 exports name the GUN in a `path: tuf_keys/<gun>/<file>` header.
std::string gun_from_legacy_path(const std::string& path) {
    constexpr std::string_view prefix = "tuf_keys/";
    auto at = path.find(prefix);
    if (at == std::string::npos) return {};
    auto rest = path.substr(at + prefix.size());
    auto slash = rest.rfind('/');
    return slash == std::string::npos ? std::string() : rest.substr(0, slash);
}

struct BlockPlan final {
    std::string role;
    std::string gun;
};
Result<BlockPlan> plan_block(const PrivateKeyBlock& block, const ImportRequest& request, std::size_t index) {
    BlockPlan plan;
    plan.role = !block.role().empty() ? block.role() : request.role;
    plan.gun = !block.gun().empty() ? block.gun() : gun_from_legacy_path(block.path());
    if (plan.gun.empty()) plan.gun = request.gun;
    const std::string where = request.file.string() + " (key " + std::to_string(index + 1) + ")";
    if (plan.role.empty()) {
        return Error(ErrorCode::usage, where + " has no role: header; give --role (e.g. --role targets/releases)");
    }
    if (role_needs_gun(plan.role) && plan.gun.empty()) {
        return Error(ErrorCode::usage, where + " is a " + plan.role + " key and needs a GUN; give --gun");
    }
    if (!role_needs_gun(plan.role)) plan.gun.clear();
    return plan;
}

Result<ImportedKey> import_block(const TrustHome& home, HomeTransaction& tx, PassphraseSource& passphrases,
                                 const PrivateKeyBlock& block, const BlockPlan& plan,
                                 const std::vector<StoredKey>& existing) {
    KeyLabel label{plan.role, block.path(), block.origin()};
    std::unique_ptr<core::SoftwareSigner> signer;
    SecretBytes pass;
    if (block.encrypted()) {
        TUFKEY_TRY(auto opened, open_block(block, passphrases, label));
        signer = std::move(opened.signer);
        pass = std::move(opened.passphrase);
    } else {
        TUFKEY_TRY(signer, block.load_plain());
    }
    ImportedKey report{tuf::notary_canonical_key_id(signer->public_key()), plan.role, plan.gun, {}, false};
    auto found = std::find_if(existing.begin(), existing.end(), [&](const StoredKey& k) { return k.id == report.id; });
    if (found != existing.end()) {
        report.file = found->file;
        report.already_present = true;
        return report;
    }
    if (!block.encrypted()) {
        label.id = report.id;
        TUFKEY_TRY(pass, passphrases.new_passphrase(label));
    }
    TUFKEY_TRY(std::string pem, encrypt_key_pem(*signer, pass, KeyHeaders{plan.role, plan.gun, {}}));
    StoredKey stored{report.id, plan.role, plan.gun, {}, KeyLayout::flat};
    TUFKEY_TRY(report.file, home.write_key(tx, stored, pem));
    return report;
}

Result<std::string> public_key_pem(const core::PublicKey& key, const std::string& role) {
    core::PemBlock block;
    block.type = "PUBLIC KEY";
    block.headers.emplace_back("role", role);
    block.der = key.spki_der();
    return core::encode_pem(block);
}

}  // namespace

bool role_needs_gun(std::string_view role) noexcept {
    return role == "targets" || role == "snapshot" || role == "timestamp";
}

Result<GeneratedKey> generate_key(const TrustHome& home, const HomeLock& lock, PassphraseSource& passphrases,
                                  const GenerateRequest& request) {
    HomeTransaction tx(home, lock);
    if (!valid_signer_name(request.name) || classify_role(request.name) != RoleClass::delegation) {
        return Error(ErrorCode::usage, "'" + request.name +
                                           "' is not a signer name: use lowercase letters, digits, '_' and '-', "
                                           "not root/targets/snapshot/timestamp");
    }
    std::error_code ec;
    if (!fs::is_directory(request.dir, ec)) {
        return Error(ErrorCode::io, "directory " + request.dir.string() + " does not exist; create it or give --dir");
    }
    GeneratedKey report;
    report.public_key_file = request.dir / (request.name + ".pub");
    if (fs::exists(report.public_key_file, ec)) {
        return Error(ErrorCode::refused, report.public_key_file.string() + " already exists; remove it or use --dir");
    }
    TUFKEY_TRY(auto signer, core::SoftwareSigner::generate(request.type));
    report.id = tuf::notary_canonical_key_id(signer->public_key());
    TUFKEY_TRY(SecretBytes pass, passphrases.new_passphrase(KeyLabel{request.name, report.id, {}}));
    TUFKEY_TRY(std::string pem, encrypt_key_pem(*signer, pass, KeyHeaders{request.name, {}, {}}));
    StoredKey stored{report.id, request.name, {}, {}, KeyLayout::flat};
    TUFKEY_TRY(report.private_key_file, home.write_key(tx, stored, pem));
    TUFKEY_TRY(std::string pub, public_key_pem(signer->public_key(), request.name));
    TUFKEY_TRY_VOID(tx.commit());
    TUFKEY_TRY_VOID(core::write_file_atomic(report.public_key_file, pub, 0644));
    return report;
}

Result<std::vector<ImportedKey>> import_keys(const TrustHome& home, HomeTransaction& tx, PassphraseSource& passphrases,
                                             const ImportRequest& request) {
    TUFKEY_TRY_VOID(check_private_file_mode(request.file));
    TUFKEY_TRY(SecretBytes text, read_secret_file(request.file));
    TUFKEY_TRY(auto pem_blocks, parse_key_pem(text, request.file.string()));
    std::vector<PrivateKeyBlock> blocks;
    for (auto& pem : pem_blocks) {
        if (pem.type.find("PRIVATE KEY") == std::string::npos) continue;  // certificates, public keys
        TUFKEY_TRY(auto block, PrivateKeyBlock::from_pem(std::move(pem), request.file.string()));
        blocks.push_back(std::move(block));
    }
    if (blocks.empty()) return Error(ErrorCode::key, "no private key in " + request.file.string());
    std::vector<BlockPlan> plans;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        TUFKEY_TRY(auto plan, plan_block(blocks[i], request, i));
        plans.push_back(std::move(plan));
    }
    std::vector<ImportedKey> reports;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        TUFKEY_TRY(auto existing, home.list_keys());
        TUFKEY_TRY(auto report, import_block(home, tx, passphrases, blocks[i], plans[i], existing));
        reports.push_back(std::move(report));
    }
    return reports;
}

Result<ExportedKeys> export_keys(const TrustHome& home, const ExportRequest& request) {
    TUFKEY_TRY(auto all, home.list_keys());
    ExportedKeys out;
    std::set<std::string> seen;
    auto add = [&](const StoredKey& key) {
        if (seen.insert(key.id).second) out.keys.push_back(key);
    };
    for (const auto& prefix : request.keys) {
        TUFKEY_TRY(auto key, home.find_key(prefix));
        add(key);
    }
    const bool everything = request.gun.empty() && request.keys.empty();
    for (const auto& key : all) {
        if (everything || (!request.gun.empty() && key.gun == request.gun)) add(key);
    }
    if (out.keys.empty()) {
        return Error(ErrorCode::key, request.gun.empty() ? "no keys to export in " + home.private_dir().string()
                                                         : "no keys for " + request.gun + " in the trust home");
    }
    for (const auto& key : out.keys) {
        TUFKEY_TRY(auto block, home.read_key(key));
        if (!block.encrypted()) {
            return Error(ErrorCode::refused, "key " + key.id.substr(0, 7) + " is stored unencrypted (" +
                                                 key.file.string() + "); run 'tufkey key passwd " +
                                                 key.id.substr(0, 7) + "' first");
        }
        out.pem += block.rearmour(KeyHeaders{key.role, key.gun, key.id});
    }
    return out;
}

Result<StoredKey> change_passphrase(const TrustHome& home, const HomeLock& lock, PassphraseSource& passphrases,
                                    std::string_view id_prefix) {
    TUFKEY_TRY(StoredKey key, home.find_key(id_prefix));
    TUFKEY_TRY(auto block, home.read_key(key));
    const KeyLabel label{key.role, key.id, key.file.string()};
    TUFKEY_TRY(auto opened, open_block(block, passphrases, label));
    const std::string found_id = tuf::notary_canonical_key_id(opened.signer->public_key());
    if (found_id != key.id) {
        return Error(ErrorCode::key, "damaged key file " + key.file.string() + ": it holds key " + found_id);
    }
    TUFKEY_TRY(SecretBytes fresh, passphrases.new_passphrase(label, /*allow_env=*/false));
    TUFKEY_TRY(std::string pem, encrypt_key_pem(*opened.signer, fresh, KeyHeaders{key.role, key.gun, {}}));
    HomeTransaction tx(home, lock);
    TUFKEY_TRY(key.file, home.write_key(tx, key, pem));
    TUFKEY_TRY_VOID(tx.commit());
    return key;
}

Result<std::unique_ptr<core::SoftwareSigner>> load_signer(const TrustHome& home, PassphraseSource& passphrases,
                                                          const StoredKey& key) {
    TUFKEY_TRY(auto block, home.read_key(key));
    TUFKEY_TRY(auto opened, open_block(block, passphrases, KeyLabel{key.role, key.id, key.file.string()}));
    const std::string found_id = tuf::notary_canonical_key_id(opened.signer->public_key());
    if (found_id != key.id) {
        return Error(ErrorCode::key, "damaged key file " + key.file.string() + ": it holds key " + found_id);
    }
    opened.signer->set_description(key.file.string());
    return std::move(opened.signer);
}

}  // namespace tufkey::keystore
