#include "tufkey/ceremony/token_role_keys.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "tufkey/ceremony/repository.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/notary_root.h"

namespace tufkey::ceremony {
namespace {

// The role keys of `gun` that its current root still lists.
core::Result<std::vector<TokenRoleKey>> repository_token_keys(const keystore::TrustHome& home, const std::string& gun) {
    Repository repo(home, gun);
    TUFKEY_TRY(auto config, repo.load_config());
    std::vector<TokenRoleKey> out;
    if (config.role_keys.empty()) return out;
    TUFKEY_TRY(auto bytes, repo.read_current_root());
    if (!bytes) return out;
    TUFKEY_TRY(auto dialect, tuf::detect_dialect(*bytes));
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, *bytes, "root"));
    TUFKEY_TRY(auto root, tuf::decode_root(dialect, envelope.signed_part));
    for (const auto& [name, refs] : config.role_keys) {
        auto role = tuf::RoleName::parse(dialect, name);
        const tuf::RoleKeys* keys = role ? root.role_keys(*role) : nullptr;
        if (keys == nullptr) continue;
        for (const auto& ref : refs) {
            const bool listed = std::any_of(keys->keyids.begin(), keys->keyids.end(), [&](const tuf::KeyId& id) {
                auto it = root.keys.find(id);
                return it != root.keys.end() && it->second.canonical_id().str() == ref.key_id;
            });
            if (listed) out.push_back({ref.key_id, name, gun, ref.uri});
        }
    }
    return out;
}

}  // namespace

core::Result<std::vector<TokenRoleKey>> list_token_role_keys(const keystore::TrustHome& home) {
    std::vector<TokenRoleKey> out;
    const std::filesystem::path state = home.root() / "tufkey";
    std::error_code ec;
    if (!std::filesystem::is_directory(state, ec)) return out;
    for (auto it = std::filesystem::recursive_directory_iterator(state, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->path().filename() != "repository.json" || !it->is_regular_file(ec)) continue;
        const std::string gun = std::filesystem::relative(it->path().parent_path(), state, ec).generic_string();
        if (ec || !check_gun(gun)) continue;
        auto keys = repository_token_keys(home, gun);
        if (!keys) continue;
        out.insert(out.end(), keys->begin(), keys->end());
    }
    std::sort(out.begin(), out.end(), [](const TokenRoleKey& a, const TokenRoleKey& b) {
        return std::tie(a.gun, a.role, a.id) < std::tie(b.gun, b.role, b.id);
    });
    return out;
}

}  // namespace tufkey::ceremony
