#include "tufkey/ceremony/rotate.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "repository_state.h"
#include "root_rotation.h"
#include "root_signers.h"
#include "role_files.h"
#include "server_settings.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony {
namespace {

using tuf::RoleName;

core::Error usage(const std::string& message) { return core::Error(core::ErrorCode::usage, message); }

core::Result<RoleName> rotatable_role(const std::string& name) {
    for (const auto& role : {RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
        if (role.str() == name) return role;
    }
    return usage("cannot rotate '" + name + "': give root, targets, snapshot or timestamp");
}

// The metadata key IDs of `role` whose canonical ID or metadata ID starts with `prefix`.
core::Result<tuf::KeyId> find_role_key(const tuf::Root& root, const tuf::RoleKeys& keys, const std::string& prefix,
                                       const std::string& role) {
    if (prefix.size() < 7) return usage("'" + prefix + "' is not a key ID: give at least 7 hex digits");
    for (const auto& id : keys.keyids) {
        auto it = root.keys.find(id);
        if (id.str().starts_with(prefix) ||
            (it != root.keys.end() && it->second.canonical_id().str().starts_with(prefix)))
            return id;
    }
    return usage("key " + prefix + " is not a key of role " + role + " (see 'tufkey status')");
}

struct NewKey final {
    std::string canonical_id;
    tuf::Key key;
};

core::Result<NewKey> new_role_key(KeyAccess& access, keystore::HomeTransaction& tx, detail::Keyring& keyring,
                                  const detail::RepositoryState& state, const RotateRequest& request) {
    const tuf::Dialect d = state.dialect();
    const bool replace_all = request.remove_keys.empty();
    if (request.key.starts_with("pkcs11:")) {
        // An existing key, or one generated on the token after confirmation (as init does).
        TUFKEY_TRY(auto token_key,
                   open_token_key(access, TokenKeyRequest{request.key, true, core::kDefaultKeyType, true}));
        const std::string id = tuf::notary_canonical_key_id(token_key.signer->public_key());
        tuf::Key key = detail::metadata_key(d, token_key.signer->public_key());
        TUFKEY_TRY_VOID(detail::remember_role_token_keys(
            state, tx, request.role, TokenKeyRef{token_key.uri, token_key.token.label, token_key.token.serial, id},
            replace_all, request.remove_keys));
        keyring.adopt(id, std::move(token_key.signer));
        return NewKey{id, std::move(key)};
    }
    TUFKEY_TRY_VOID(
        detail::remember_role_token_keys(state, tx, request.role, std::nullopt, replace_all, request.remove_keys));
    if (request.key.empty()) {
        TUFKEY_TRY(auto made, create_file_key(access, tx, request.role, request.gun));
        tuf::Key key = detail::metadata_key(d, made.signer->public_key());
        keyring.adopt(made.id, std::move(made.signer));
        return NewKey{made.id, std::move(key)};
    }
    TUFKEY_TRY(auto stored, access.home.find_key(request.key));
    TUFKEY_TRY(auto signer, open_file_key(access, stored.id));
    tuf::Key key = detail::metadata_key(d, signer->public_key());
    keyring.adopt(stored.id, std::move(signer));
    return NewKey{stored.id, std::move(key)};
}

// Where the role's keys live after this rotation: the roles the Notary server manages, or
// std::nullopt when the request does not fit the repository.
core::Result<std::vector<std::string>> server_roles_after(const RepositoryConfig& config, const RotateRequest& request,
                                                          const RoleName& role) {
    std::vector<std::string> managed = config.server_managed;
    std::erase(managed, request.role);
    if (request.server_managed) {
        if (role == RoleName::targets())
            return usage("a Notary server holds only timestamp and snapshot keys: drop --server-managed");
        if (!config.on_server())
            return usage(request.gun +
                         " is not on a Notary server: --server-managed needs a repository made by 'tufkey init " +
                         request.gun + " --server URL' or pulled from one");
        if (!request.key.empty() || !request.remove_keys.empty())
            return usage("--server-managed takes the new key from the server: drop --key and --remove-key");
        managed.push_back(request.role);
    } else if (config.on_server() && role == RoleName::timestamp()) {
        return usage("the Notary server of " + request.gun + " signs its timestamp: run 'tufkey rotate " + request.gun +
                     " timestamp --server-managed' for a new server key");
    }
    std::sort(managed.begin(), managed.end());
    return managed;
}

}  // namespace

core::Result<RotateReport> rotate_role(KeyAccess& access, const RotateRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    TUFKEY_TRY(const RoleName role, rotatable_role(request.role));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey rotate " + request.gun + " " + request.role));
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, request.gun, true));
    const tuf::Dialect d = state.dialect();
    RotateReport report{request.gun, role, {}, {}, {}, {}};
    TUFKEY_TRY(const auto server_roles, server_roles_after(state.config(), request, role));

    // Tokens first: a missing token or a wrong PIN costs nothing else.
    TUFKEY_TRY(auto root_signers, detail::open_root_signers(access, state));
    detail::Keyring keyring(access);
    tuf::Root root = state.root();
    tuf::RoleKeys& keys = *root.role_keys(role);
    const tuf::RoleKeys before = keys;
    if (!request.remove_keys.empty()) {
        for (const auto& prefix : request.remove_keys) {
            TUFKEY_TRY(auto id, find_role_key(root, keys, prefix, request.role));
            std::erase(keys.keyids, id);
        }
    } else {
        keys.keyids.clear();
    }
    if (request.server_managed) {
        // After the tokens: a refused PIN leaves no unused key on the server.
        TUFKEY_TRY(auto server, detail::open_server(state.config()));
        TUFKEY_TRY(auto key, detail::server_key(server, role, true));
        keys.keyids.push_back(key.id());
        report.added.push_back(key.canonical_id().str());
        root.keys.insert_or_assign(key.id(), std::move(key));
        TUFKEY_TRY_VOID(
            detail::remember_role_token_keys(state, tx, request.role, std::nullopt, true, request.remove_keys));
    } else if (!request.key.empty() || request.remove_keys.empty()) {
        TUFKEY_TRY(auto added, new_role_key(access, tx, keyring, state, request));
        if (std::find(keys.keyids.begin(), keys.keyids.end(), added.key.id()) == keys.keyids.end())
            keys.keyids.push_back(added.key.id());
        root.keys.insert_or_assign(added.key.id(), added.key);
        report.added.push_back(added.canonical_id);
    }
    if (keys.keyids.size() < keys.threshold)
        return usage("role " + request.role + " would keep " + std::to_string(keys.keyids.size()) +
                     " key(s), below its threshold of " + std::to_string(keys.threshold) +
                     ": add a key with --key ID (see 'tufkey key list')");
    for (const auto& id : before.keyids) {
        if (std::find(keys.keyids.begin(), keys.keyids.end(), id) != keys.keyids.end()) continue;
        report.removed.push_back(state.root().keys.at(id).canonical_id().str());
    }
    detail::drop_unused_keys(root);
    root.version = root.version.next();

    // Open every key before signing: a wrong passphrase costs no work.
    const tuf::Instant now = std::chrono::system_clock::now();
    TUFKEY_TRY(auto root_json, tuf::encode_root(d, root));
    TUFKEY_TRY(auto root_bytes, detail::sign_role(d, std::move(root_json), root_signers.signing, root.keys));
    TUFKEY_TRY_VOID(state.replace_root(root_bytes));
    if (server_roles != state.config().server_managed) {
        state.set_server_managed(server_roles);
        TUFKEY_TRY(auto config, state.repo().load_config(tx));
        config.server_managed = server_roles;
        TUFKEY_TRY_VOID(state.repo().save_config(tx, config));
    }
    std::vector<detail::RoleUpdate> changed;
    changed.push_back(detail::RoleUpdate{RoleName::root(), root_bytes, root.version});
    if (role == RoleName::targets()) {
        const detail::TargetsRole* current = state.find_targets(role);
        TUFKEY_TRY(auto signing, keyring.keys_for(state, role));
        TUFKEY_TRY(auto update, detail::sign_targets_role(state, role, *current->targets, signing, now));
        changed.push_back(std::move(update));
    }
    TUFKEY_TRY(auto updates, detail::resign_snapshot_timestamp(state, keyring, std::move(changed), {}, now));

    const Repository& repo = state.repo();
    repo.keep_root_version(tx, static_cast<std::uint64_t>(root.version.value()), root_bytes);
    for (const auto& id : report.removed) {
        auto stored = access.home.find_key(id);
        if (!stored || stored->role != request.role) continue;
        auto pem = tx.read(stored->file, 1u << 20);
        if (!pem || !*pem) continue;
        const auto archived = repo.state_dir() / "archive" / (id + ".key");
        tx.write(archived, std::move(**pem), 0600);
        tx.remove(stored->file);
        report.archived.push_back(archived);
    }
    tuf::JsonArray added, removed;
    for (const auto& id : report.added) added.push_back(id);
    for (const auto& id : report.removed) removed.push_back(id);
    TUFKEY_TRY_VOID(detail::write_updates(
        state, tx, updates, "rotate",
        tuf::JsonObject{{"role", request.role}, {"added", std::move(added)}, {"removed", std::move(removed)}}));
    Transcript transcript(repo.transcript_file(), repo.gun());
    TUFKEY_TRY_VOID(transcript.sign_head(tx, root_signers.signers));
    TUFKEY_TRY_VOID(tx.commit());
    for (const auto& u : updates) report.versions[u.role] = u.version;
    return report;
}

}  // namespace tufkey::ceremony
