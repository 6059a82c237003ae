#include "repository_state.h"

#include <algorithm>
#include <set>

#include "role_files.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/key_id.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::Dialect;
using tuf::RoleName;

core::Result<RoleFile> parse_file(Dialect dialect, std::string bytes, const RoleName& role) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, role.str()));
    TUFKEY_TRY_VOID(tuf::check_type(dialect, role, envelope.signed_part));
    return RoleFile{std::move(bytes), std::move(envelope)};
}

core::Result<std::optional<RoleFile>> read_role(const Repository& repo, Dialect dialect, const RoleName& role,
                                                const keystore::HomeTransaction* tx) {
    TUFKEY_TRY(auto bytes, tx != nullptr ? repo.read_metadata(*tx, dialect, role) : repo.read_metadata(dialect, role));
    if (!bytes) return std::optional<RoleFile>();
    TUFKEY_TRY(auto file, parse_file(dialect, std::move(*bytes), role));
    return std::optional<RoleFile>(std::move(file));
}

core::Error missing(const Repository& repo, const RoleName& role) {
    return core::Error(core::TrustReason::missing, "No valid trust data for " + repo.gun() + ": its " + role.str() +
                                                       ".json is missing from this home (run 'tufkey pull " +
                                                       repo.gun() + "')");
}

// The dialect of a home that tufkey did not initialise, from root.json's `_type`.
core::Result<RepositoryConfig> config_from_root(const Repository& repo) {
    RepositoryConfig config;
    config.gun = repo.gun();
    auto path = repo.metadata_dir() / "root.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return repo.unknown_repository();
    TUFKEY_TRY(auto bytes, core::read_file(path, 16u << 20));
    TUFKEY_TRY(const tuf::DialectProfile* profile, tuf::DialectProfile::detect(core::to_string(bytes)));
    config.dialect = profile->dialect();
    return config;
}

std::string sha256_hex(std::string_view bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

}  // namespace

bool is_release_role(Dialect dialect, const RoleName& role) {
    return tuf::DialectProfile::of(dialect).is_release_role(role);
}

core::Result<RepositoryState> RepositoryState::load(const keystore::TrustHome& home, const std::string& gun,
                                                    bool require_config, const keystore::HomeTransaction* tx) {
    TUFKEY_TRY_VOID(check_gun(gun));
    Repository repo(home, gun);
    RepositoryConfig config;
    if (tx != nullptr) {
        TUFKEY_TRY(config, repo.load_config(*tx));
    } else if (require_config || repo.exists()) {
        TUFKEY_TRY(config, repo.load_config());
    } else {
        TUFKEY_TRY(config, config_from_root(repo));
    }
    RepositoryState state(std::move(repo), std::move(config), tx);
    TUFKEY_TRY_VOID(state.load_top_level());
    TUFKEY_TRY_VOID(state.load_targets_tree());
    state.m_tx = nullptr;  // loaded: the state no longer refers to the transaction
    return state;
}

core::Result<void> RepositoryState::load_top_level() {
    const Dialect d = dialect();
    TUFKEY_TRY(auto root, read_role(m_repo, d, RoleName::root(), m_tx));
    if (!root) return missing(m_repo, RoleName::root());
    m_root_file = std::move(*root);
    TUFKEY_TRY(m_root, tuf::decode_root(d, m_root_file.envelope.signed_part));
    TUFKEY_TRY(m_snapshot_file, read_role(m_repo, d, RoleName::snapshot(), m_tx));
    if (m_snapshot_file) {
        TUFKEY_TRY(auto snapshot, tuf::decode_snapshot(d, m_snapshot_file->envelope.signed_part));
        m_snapshot = std::move(snapshot);
    }
    TUFKEY_TRY(m_timestamp_file, read_role(m_repo, d, RoleName::timestamp(), m_tx));
    if (m_timestamp_file) {
        TUFKEY_TRY(auto timestamp, tuf::decode_timestamp(d, m_timestamp_file->envelope.signed_part));
        m_timestamp = std::move(timestamp);
    }
    return core::success();
}

core::Result<void> RepositoryState::load_targets_tree() {
    const Dialect d = dialect();
    TUFKEY_TRY(auto top, read_role(m_repo, d, RoleName::targets(), m_tx));
    if (!top) return missing(m_repo, RoleName::targets());
    std::set<std::string> seen{"targets"};
    std::vector<TargetsRole> pending;
    pending.push_back(TargetsRole{RoleName::targets(), std::nullopt, std::move(top), std::nullopt});
    while (!pending.empty()) {
        TargetsRole role = std::move(pending.back());
        pending.pop_back();
        if (role.file) {
            TUFKEY_TRY(auto targets, tuf::decode_targets(d, role.file->envelope.signed_part));
            if (targets.delegations) TUFKEY_TRY_VOID(tuf::check_delegations(d, role.name, *targets.delegations));
            role.targets = std::move(targets);
        }
        std::vector<TargetsRole> children;
        if (role.targets && role.targets->delegations) {
            const auto& delegated = role.targets->delegations->roles;
            for (std::size_t i = 0; i < delegated.size(); ++i) {
                if (!seen.insert(delegated[i].name.str()).second) continue;
                TUFKEY_TRY(auto file, read_role(m_repo, d, delegated[i].name, m_tx));
                children.push_back(TargetsRole{delegated[i].name, role.name, std::move(file), std::nullopt, i});
            }
        }
        m_targets.push_back(std::move(role));
        // Pre-order: the first child is visited next.
        for (auto it = children.rbegin(); it != children.rend(); ++it) pending.push_back(std::move(*it));
    }
    for (std::size_t i = 0; i < m_targets.size(); ++i) m_target_index.emplace(m_targets[i].name, i);
    return core::success();
}

core::Result<void> RepositoryState::replace_root(std::string bytes) {
    const Dialect d = dialect();
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(d, bytes, "root"));
    TUFKEY_TRY(auto root, tuf::decode_root(d, envelope.signed_part));
    m_root_file = RoleFile{std::move(bytes), std::move(envelope)};
    m_root = std::move(root);
    return core::success();
}

const TargetsRole* RepositoryState::find_targets(const RoleName& name) const noexcept {
    auto it = m_target_index.find(name);
    return it == m_target_index.end() ? nullptr : &m_targets[it->second];
}

const tuf::DelegatedRole* RepositoryState::delegation_entry(const RoleName& name) const noexcept {
    const TargetsRole* found = find_targets(name);
    if (found == nullptr || !found->parent) return nullptr;
    const TargetsRole* parent = find_targets(*found->parent);
    return &parent->targets->delegations->roles[found->entry_index];
}

core::Result<Authority> RepositoryState::authority(const RoleName& role) const {
    if (const tuf::RoleKeys* keys = m_root.role_keys(role); keys != nullptr)
        return Authority{&m_root.keys, keys->keyids, keys->threshold};
    const TargetsRole* found = find_targets(role);
    if (found == nullptr || !found->parent)
        return core::Error(core::ErrorCode::usage, "role " + role.str() + " is not delegated in " + m_repo.gun() +
                                                       " (see 'tufkey inspect " + m_repo.gun() + "')");
    const tuf::Delegations& delegations = *find_targets(*found->parent)->targets->delegations;
    const tuf::DelegatedRole* entry = delegation_entry(role);
    return Authority{&delegations.keys, entry->keyids, entry->threshold};
}

bool Keyring::holds_key_for(const RepositoryState& state, const RoleName& role) const {
    if (state.config().server_manages(role.str())) return true;  // the Notary server signs it
    auto authority = state.authority(role);
    if (!authority) return false;
    for (const auto& id : authority->keyids) {
        auto key = authority->keys->find(id);
        if (key == authority->keys->end()) continue;
        const std::string canonical = key->second.canonical_id().str();
        if (m_signers.contains(canonical) || has_file_key(m_access.home, canonical) ||
            role_token_key(state.config(), role, canonical) != nullptr)
            return true;
    }
    return false;
}

void Keyring::adopt(const std::string& canonical_id, std::unique_ptr<core::Signer> signer) {
    m_signers.insert_or_assign(canonical_id, std::move(signer));
}

const TokenKeyRef* role_token_key(const RepositoryConfig& config, const RoleName& role,
                                  const std::string& canonical_id) {
    auto it = config.role_keys.find(role.str());
    if (it == config.role_keys.end()) return nullptr;
    for (const auto& ref : it->second) {
        if (ref.key_id == canonical_id) return &ref;
    }
    return nullptr;
}

namespace {

// Opens the token key `ref` names and checks it is still the key with ID `ref.key_id`.
core::Result<std::unique_ptr<core::Signer>> open_role_token_key(KeyAccess& access, const TokenKeyRef& ref,
                                                                const RoleName& role) {
    TUFKEY_TRY(auto key, open_token_key(access, TokenKeyRequest{ref.uri, false, core::kDefaultKeyType, true}));
    if (tuf::notary_canonical_key_id(key.signer->public_key()) != ref.key_id)
        return core::Error(core::ErrorCode::key, "the key at " + ref.uri + " is not key " + ref.key_id +
                                                     " that signs " + role.str() +
                                                     ": plug in the token that holds it (token " + ref.token_label +
                                                     ", serial " + ref.token_serial + ")");
    return std::move(key.signer);
}

}  // namespace

core::Result<void> remember_role_token_keys(const RepositoryState& state, keystore::HomeTransaction& tx,
                                            const std::string& role, const std::optional<TokenKeyRef>& added,
                                            bool replace_all, const std::vector<std::string>& removed) {
    RepositoryConfig config = state.config();
    std::vector<TokenKeyRef>& refs = config.role_keys[role];
    const std::size_t before = refs.size();
    std::erase_if(refs, [&](const TokenKeyRef& ref) {
        return replace_all || std::any_of(removed.begin(), removed.end(),
                                          [&](const std::string& p) { return ref.key_id.starts_with(p); });
    });
    bool changed = refs.size() != before;
    if (added) {
        std::erase_if(refs, [&](const TokenKeyRef& ref) { return ref.key_id == added->key_id; });
        refs.push_back(*added);
        changed = true;
    }
    if (refs.empty()) config.role_keys.erase(role);
    if (!changed) return core::success();
    return state.repo().save_config(tx, config);
}

core::Result<std::vector<tuf::SigningKey>> Keyring::keys_for(const RepositoryState& state, const RoleName& role) {
    TUFKEY_TRY(auto authority, state.authority(role));
    std::vector<tuf::SigningKey> out;
    std::string wanted;
    for (const auto& id : authority.keyids) {
        if (out.size() >= authority.threshold) break;
        auto listed = authority.keys->find(id);
        if (listed == authority.keys->end()) continue;
        const std::string canonical = listed->second.canonical_id().str();
        wanted += (wanted.empty() ? "" : ", ") + canonical;
        const TokenKeyRef* token = role_token_key(state.config(), role, canonical);
        if (!m_signers.contains(canonical) && token == nullptr && !has_file_key(m_access.home, canonical)) continue;
        if (!m_signers.contains(canonical) && token != nullptr) {
            TUFKEY_TRY(auto signer, open_role_token_key(m_access, *token, role));
            m_signers.emplace(canonical, std::move(signer));
        } else if (!m_signers.contains(canonical)) {
            TUFKEY_TRY(auto signer, open_file_key(m_access, canonical));
            m_signers.emplace(canonical, std::move(signer));
        }
        auto& key = m_keys[canonical + "/" + id.str()];
        if (!key) key = std::make_unique<tuf::Key>(listed->second);
        out.push_back(tuf::SigningKey{*key, *m_signers.at(canonical)});
    }
    if (out.empty())
        return core::Error(core::ErrorCode::key, "no key for role " + role.str() + " of " + state.repo().gun() +
                                                     " is held in this home: it needs one of " + wanted +
                                                     " (import it with 'tufkey key import')");
    return out;
}

core::Result<RoleUpdate> sign_targets_role(const RepositoryState& state, const RoleName& role, tuf::Targets targets,
                                           std::span<const tuf::SigningKey> keys, tuf::Instant now) {
    const Dialect d = state.dialect();
    const TargetsRole* current = state.find_targets(role);
    const bool has_file = current != nullptr && current->targets.has_value();
    targets.version = has_file ? current->targets->version.next() : tuf::Version();
    targets.expires = expiry_after(d, now, state.config().expires.for_role(role.str()));
    if (tuf::DialectProfile::of(d).targets_always_delegate() && !targets.delegations)
        targets.delegations = tuf::Delegations{};
    TUFKEY_TRY(auto json, tuf::encode_targets(d, targets));
    TUFKEY_TRY(auto authority, state.authority(role));
    TUFKEY_TRY(auto bytes, sign_role(d, std::move(json), keys, *authority.keys));
    return RoleUpdate{role, std::move(bytes), targets.version};
}

namespace {

// The bytes and version a targets-type role will have once `changed` is written.
struct Planned final {
    std::string_view bytes;
    std::int64_t version;
};
std::optional<Planned> planned_file(const TargetsRole& role, const std::map<RoleName, const RoleUpdate*>& changed) {
    if (auto it = changed.find(role.name); it != changed.end())
        return Planned{it->second->bytes, it->second->version.value()};
    if (!role.file) return std::nullopt;
    return Planned{role.file->bytes, role.targets->version.value()};
}

core::Result<RoleUpdate> sign_snapshot(const RepositoryState& state, Keyring& keyring,
                                       const std::vector<RoleUpdate>& changed, tuf::Instant now) {
    const Dialect d = state.dialect();
    if (!state.snapshot()) return missing(state.repo(), RoleName::snapshot());
    tuf::Snapshot snapshot = *state.snapshot();
    tuf::MetaMap meta;
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(d);
    if (profile.snapshot_lists_root())
        meta.emplace(profile.meta_key(RoleName::root()), meta_for_file(d, state.root_file().bytes, 0));
    // A role no longer delegated keeps its entry (and its file stays in the home): TUF clients
    // refuse a snapshot that drops a file the previous one listed.
    for (const auto& [name, file] : snapshot.meta) {
        auto role = profile.role_of_meta_key(name);
        if (role && role->is_delegated() && state.find_targets(*role) == nullptr) meta.insert_or_assign(name, file);
    }
    std::map<RoleName, const RoleUpdate*> by_role;
    for (const auto& u : changed) by_role.insert_or_assign(u.role, &u);  // the last update of a role wins
    for (const auto& role : state.targets_roles()) {
        const std::string name = meta_name(d, role.name);
        if (auto planned = planned_file(role, by_role)) {
            meta.insert_or_assign(name, meta_for_file(d, planned->bytes, static_cast<std::uint64_t>(planned->version)));
        } else if (auto old = snapshot.meta.find(name); old != snapshot.meta.end()) {
            meta.insert_or_assign(name, old->second);  // delegated, file not in this home: keep its entry
        }
    }
    snapshot.meta = std::move(meta);
    snapshot.version = snapshot.version.next();
    snapshot.expires = expiry_after(d, now, state.config().expires.for_role("snapshot"));
    TUFKEY_TRY(auto keys, keyring.keys_for(state, RoleName::snapshot()));
    TUFKEY_TRY(auto json, tuf::encode_snapshot(d, snapshot));
    TUFKEY_TRY(auto bytes, sign_role(d, std::move(json), keys, state.root().keys));
    return RoleUpdate{RoleName::snapshot(), std::move(bytes), snapshot.version};
}

core::Result<RoleUpdate> sign_timestamp(const RepositoryState& state, Keyring& keyring, std::string_view snapshot_bytes,
                                        std::int64_t snapshot_version, tuf::Instant now) {
    const Dialect d = state.dialect();
    if (!state.timestamp()) return missing(state.repo(), RoleName::timestamp());
    tuf::Timestamp timestamp = *state.timestamp();
    timestamp.meta.clear();
    timestamp.meta.emplace(meta_name(d, RoleName::snapshot()),
                           meta_for_file(d, snapshot_bytes, static_cast<std::uint64_t>(snapshot_version)));
    timestamp.version = timestamp.version.next();
    timestamp.expires = expiry_after(d, now, state.config().expires.for_role("timestamp"));
    TUFKEY_TRY(auto keys, keyring.keys_for(state, RoleName::timestamp()));
    TUFKEY_TRY(auto json, tuf::encode_timestamp(d, timestamp));
    TUFKEY_TRY(auto bytes, sign_role(d, std::move(json), keys, state.root().keys));
    return RoleUpdate{RoleName::timestamp(), std::move(bytes), timestamp.version};
}

}  // namespace

core::Result<void> open_resign_keys(const RepositoryState& state, Keyring& keyring, ResignPlan plan) {
    if (plan.snapshot) plan.timestamp = true;
    if (plan.snapshot && !state.config().server_manages("snapshot"))
        TUFKEY_TRY_VOID(keyring.keys_for(state, RoleName::snapshot()));
    if (plan.timestamp && !state.config().server_manages("timestamp"))
        TUFKEY_TRY_VOID(keyring.keys_for(state, RoleName::timestamp()));
    return core::success();
}

core::Result<std::vector<RoleUpdate>> resign_snapshot_timestamp(const RepositoryState& state, Keyring& keyring,
                                                                std::vector<RoleUpdate> changed, ResignPlan plan,
                                                                tuf::Instant now) {
    if (plan.snapshot) plan.timestamp = true;
    // On a Notary server repository the server signs what it holds keys for when it takes the
    // update (publish).
    if (state.config().server_manages("snapshot")) plan.snapshot = false;
    if (state.config().server_manages("timestamp")) plan.timestamp = false;
    if (!plan.snapshot && !plan.timestamp) return changed;
    if (!state.snapshot_file()) return missing(state.repo(), RoleName::snapshot());
    TUFKEY_TRY_VOID(open_resign_keys(state, keyring, plan));
    std::string_view snapshot_bytes = state.snapshot_file()->bytes;
    std::int64_t snapshot_version = state.snapshot()->version.value();
    if (plan.snapshot) {
        TUFKEY_TRY(auto snapshot, sign_snapshot(state, keyring, changed, now));
        changed.push_back(std::move(snapshot));
        snapshot_bytes = changed.back().bytes;
        snapshot_version = changed.back().version.value();
    }
    if (plan.timestamp) {
        TUFKEY_TRY(auto timestamp, sign_timestamp(state, keyring, snapshot_bytes, snapshot_version, now));
        changed.push_back(std::move(timestamp));
    }
    return changed;
}

core::Result<std::vector<std::filesystem::path>> write_updates(const RepositoryState& state,
                                                               keystore::HomeTransaction& tx,
                                                               const std::vector<RoleUpdate>& updates,
                                                               std::string_view step, tuf::JsonObject fields) {
    const Repository& repo = state.repo();
    std::vector<std::filesystem::path> written;
    tuf::JsonObject hashes;
    // Never write what readers refuse: every reader parses metadata up to JsonLimits' size.
    for (const auto& u : updates) {
        if (u.bytes.size() > tuf::JsonLimits{}.max_size)
            return core::Error(core::ErrorCode::refused,
                               u.role.str() + " would be " + std::to_string(u.bytes.size() >> 20) +
                                   " MiB, more than clients read (" + std::to_string(tuf::JsonLimits{}.max_size >> 20) +
                                   " MiB); spread its targets over hashed bins ('tufkey delegation add " + repo.gun() +
                                   " NAME --hash-bins N'); nothing was changed");
    }
    // A server repository's changes wait in outgoing/ until publish (repository.h).
    const bool outgoing = state.config().on_server();
    for (const auto& u : updates) {
        if (outgoing) {
            repo.write_outgoing(tx, state.dialect(), u.role, u.bytes);
        } else {
            repo.write_metadata(tx, state.dialect(), u.role, u.bytes);
        }
        auto path =
            outgoing ? repo.outgoing_file(state.dialect(), u.role) : repo.metadata_file(state.dialect(), u.role);
        const auto& dir = outgoing ? repo.outgoing_dir() : repo.metadata_dir();
        hashes[std::filesystem::relative(path, dir).generic_string()] = sha256_hex(u.bytes);
        written.push_back(std::move(path));
    }
    fields["files_written"] = std::move(hashes);
    Transcript transcript(repo.transcript_file(), repo.gun());
    TUFKEY_TRY_VOID(transcript.append(tx, step, std::move(fields)));
    return written;
}

}  // namespace tufkey::ceremony::detail
