#include "init_preflight.h"

#include <filesystem>
#include <system_error>

#include "tufkey/pkcs11/uri.h"

namespace tufkey::ceremony::detail {
namespace {

namespace fs = std::filesystem;

core::Error same_key(const std::string& uri) {
    return core::Error(core::ErrorCode::usage,
                       "two --root-key URIs name the same key (" + uri + "): each root key must be a different key");
}

// The first regular file under `dir`, or an empty path.
fs::path first_file_under(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return {};
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_regular_file(ec)) return it->path();
    }
    return {};
}

// Two keys still to be generated with the same token, label and id would be one key twice.
bool same_key_to_generate(const PreparedTokenKey& a, const PreparedTokenKey& b) {
    if (a.existing || b.existing) return false;
    const auto& ta = a.session->token();
    const auto& tb = b.session->token();
    return ta.serial == tb.serial && ta.label == tb.label && a.uri.object == b.uri.object && a.uri.id == b.uri.id;
}

core::Result<void> check_prepared_roots(const InitRequest& request, const std::vector<PreparedTokenKey>& roots) {
    for (std::size_t i = 0; i < roots.size(); ++i) {
        const auto& key = roots[i];
        if (key.existing && request.dialect == tuf::Dialect::notary && key.existing->public_key &&
            key.existing->public_key->algorithm() == core::KeyAlgorithm::ed25519)
            return core::Error(core::ErrorCode::usage,
                               "Notary needs X.509 root certificates, which tufkey makes only for ECDSA or RSA "
                               "keys; " +
                                   key.request.uri + " is Ed25519 (use --dialect tuf)");
        for (std::size_t j = 0; j < i; ++j) {
            const auto& other = roots[j];
            const bool same_existing = key.existing && other.existing && key.existing->public_key &&
                                       key.existing->public_key == other.existing->public_key;
            if (same_existing || same_key_to_generate(key, other)) return same_key(key.request.uri);
        }
    }
    return core::success();
}

}  // namespace

core::Result<void> check_root_uris_unique(const InitRequest& request) {
    std::vector<pkcs11::Uri> seen;
    for (const auto& text : request.root_key_uris) {
        TUFKEY_TRY(auto uri, pkcs11::Uri::parse(text));
        for (const auto& other : seen) {
            if (other == uri) return same_key(text);
        }
        seen.push_back(std::move(uri));
    }
    return core::success();
}

core::Result<void> check_gun_free(const Repository& repo) {
    const std::string start_over = ": choose another GUN, or rotate keys with 'tufkey rotate' instead";
    if (repo.exists())
        return core::Error(core::ErrorCode::refused,
                           "repository " + repo.gun() + " already exists in this home" + start_over);
    for (const auto& dir : {repo.metadata_dir(), repo.state_dir()}) {
        const fs::path found = first_file_under(dir);
        if (!found.empty())
            return core::Error(core::ErrorCode::refused,
                               "the home already holds " + found.string() + " for " + repo.gun() + start_over);
    }
    return core::success();
}

core::Result<InitPreflight> run_init_preflight(KeyAccess& access, const InitRequest& request) {
    InitPreflight out;
    for (const auto& uri : request.root_key_uris) {
        TUFKEY_TRY(auto prepared, prepare_token_key(access, {uri, true, request.root_key_type, true}));
        out.root_keys.push_back(std::move(prepared));
    }
    TUFKEY_TRY_VOID(check_prepared_roots(request, out.root_keys));
    for (const auto& role : {tuf::RoleName::targets(), tuf::RoleName::snapshot(), tuf::RoleName::timestamp()}) {
        if (request.server_keys.contains(role)) continue;  // the Notary server holds it
        TUFKEY_TRY(auto key, prepare_file_key(access, role.str(), request.gun));
        out.role_keys.emplace(role, std::move(key));
    }
    return out;
}

}  // namespace tufkey::ceremony::detail
