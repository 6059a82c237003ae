#include "tufkey/ceremony/migrate.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include "metadata_set.h"
#include "migrate_convert.h"
#include "policy_document.h"
#include "publish_server.h"
#include "repository_state.h"
#include "role_files.h"
#include "root_rotation.h"
#include "root_signers.h"
#include "server_settings.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/remote/notary_server.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/key_id.h"

#include "migrate_plan.h"

namespace tufkey::ceremony {
namespace {

namespace fs = std::filesystem;
using detail::RepositoryState;
using detail::TargetsRole;
using tuf::Dialect;
using tuf::RoleName;
using namespace detail::migration;

// Opened keys: each signer once, looked up by canonical ID.
class OpenKeys final {
public:
    explicit OpenKeys(KeyAccess& access) : m_access(access) {}

    core::Result<core::Signer*> file(const std::string& canonical) {
        auto it = m_signers.find(canonical);
        if (it != m_signers.end()) return it->second.get();
        TUFKEY_TRY(auto signer, open_file_key(m_access, canonical));
        core::Signer* raw = signer.get();
        m_signers.emplace(canonical, std::move(signer));
        return raw;
    }
    // Keeps a key object alive for as long as the SigningKeys that refer to it.
    const tuf::Key& keep(tuf::Key key) { return m_keys.emplace_back(std::move(key)); }

private:
    KeyAccess& m_access;
    std::map<std::string, std::unique_ptr<core::Signer>> m_signers;
    std::deque<tuf::Key> m_keys;
};

// The old root keys this home holds, opened (token keys through repository.json's root tokens).
core::Result<std::vector<std::pair<OldKey, core::Signer*>>> open_old_root(KeyAccess& access, const Plan& plan,
                                                                          const RepositoryState& state, OpenKeys& keys,
                                                                          std::optional<detail::RootSigners>& tokens) {
    std::vector<std::pair<OldKey, core::Signer*>> out;
    const bool any_token = std::any_of(plan.old_root_held.begin(), plan.old_root_held.end(),
                                       [](const auto& k) { return k.held == Held::token; });
    if (any_token) {
        TUFKEY_TRY(tokens, detail::open_root_signers(access, state));
        for (auto& key : tokens->keys) {
            const std::string canonical = tuf::notary_canonical_key_id(key.signer->public_key());
            for (const auto& k : plan.old_root_held) {
                if (k.canonical == canonical) out.emplace_back(k, key.signer.get());
            }
        }
    }
    for (const auto& k : plan.old_root_held) {
        if (k.held != Held::file) continue;
        TUFKEY_TRY(core::Signer * signer, keys.file(k.canonical));
        out.emplace_back(k, signer);
    }
    return out;
}

struct NewRootKey final {
    core::Signer* signer = nullptr;
    const tuf::Key* metadata = nullptr;
    std::optional<TokenKeyRef> token;
};

core::Result<std::vector<NewRootKey>> open_new_root(KeyAccess& access, const MigrateRequest& request, const Plan& plan,
                                                    const RepositoryState& state,
                                                    const std::vector<std::pair<OldKey, core::Signer*>>& old_root,
                                                    OpenKeys& keys, std::vector<TokenKey>& tokens, tuf::Instant now) {
    std::vector<NewRootKey> out;
    const Duration lifetime = state.config().expires.for_role("root");
    if (plan.new_root_on_tokens) {
        std::vector<PreparedTokenKey> prepared;
        for (const auto& uri : request.root_key_uris) {
            TUFKEY_TRY(auto p, prepare_token_key(access, TokenKeyRequest{uri, true, core::kDefaultKeyType, true}));
            prepared.push_back(std::move(p));
        }
        for (auto& p : prepared) {
            TUFKEY_TRY(auto key, finish_token_key(std::move(p)));
            tokens.push_back(std::move(key));
        }
        for (auto& key : tokens) {
            TUFKEY_TRY(auto metadata, detail::root_metadata_key(plan.to, request.gun, *key.signer, now, lifetime));
            out.push_back({key.signer.get(), &keys.keep(std::move(metadata)),
                           TokenKeyRef{key.uri, key.token.label, key.token.serial,
                                       tuf::notary_canonical_key_id(key.signer->public_key())}});
        }
        return out;
    }
    for (const auto& [old, signer] : old_root) {
        TUFKEY_TRY(auto metadata, detail::root_metadata_key(plan.to, request.gun, *signer, now, lifetime));
        std::optional<TokenKeyRef> token;
        for (const auto& ref : state.config().root_keys) {
            if (ref.key_id == old.canonical) token = ref;
        }
        out.push_back({signer, &keys.keep(std::move(metadata)), token});
    }
    return out;
}

struct Built final {
    std::string root;
    tuf::Root root_model;
    std::map<RoleName, std::string> tree;  // targets-type roles
    std::map<RoleName, std::uint64_t> tree_versions;
    std::string snapshot, timestamp;  // empty: the server signs it
    std::string policy;
};

// Signs the targets-type roles of the new repository (or copies them, in the same dialect).
core::Result<void> build_tree(const Plan& plan, const RepositoryState& state, OpenKeys& keys, Built& out,
                              tuf::Instant now) {
    // Converted delegation entries by role, to check paths and find each role's new key objects.
    std::map<RoleName, tuf::Targets> converted;
    for (const auto& t : plan.tree) {
        const RoleName& name = t.source->name;
        if (t.copy) {
            out.tree.emplace(name, t.source->file->bytes);
            out.tree_versions.emplace(name, static_cast<std::uint64_t>(t.source->targets->version.value()));
            continue;
        }
        TUFKEY_TRY(auto targets, detail::convert_targets(plan.from, plan.to, name, *t.source->targets));
        targets.expires = detail::expiry_after(plan.to, now, state.config().expires.for_role(name.str()));
        // The new key objects of this role's signers: root's targets keys, or the parent's delegation.
        const tuf::KeyMap* new_keys = nullptr;
        if (t.source->parent) {
            auto parent = converted.find(*t.source->parent);
            if (parent == converted.end() || !parent->second.delegations)
                return core::Error(core::ErrorCode::usage, "cannot migrate " + name.str() + ": its delegating role " +
                                                               t.source->parent->str() + " has no file");
            const tuf::DelegatedRole* entry = parent->second.delegations->find(name);
            if (entry == nullptr)
                return core::Error(core::ErrorCode::usage, "cannot migrate " + name.str() + ": not delegated");
            TUFKEY_TRY_VOID(detail::check_paths_kept(plan.to, *entry, targets));
            new_keys = &parent->second.delegations->keys;
        } else {
            new_keys = &out.root_model.keys;
        }
        std::vector<tuf::SigningKey> signing;
        for (const auto& k : t.signers) {
            TUFKEY_TRY(core::Signer * signer, keys.file(k.canonical));
            const tuf::Key* listed = nullptr;
            for (const auto& [id, key] : *new_keys) {
                if (key.public_key() && *key.public_key() == signer->public_key()) listed = &key;
            }
            if (listed == nullptr)
                return core::Error(core::ErrorCode::key, "the key " + k.canonical.substr(0, 12) + " of " + name.str() +
                                                             " is not listed in the migrated metadata");
            signing.push_back({*listed, *signer});
        }
        TUFKEY_TRY(auto json, tuf::encode_targets(plan.to, targets));
        TUFKEY_TRY(auto bytes, detail::sign_role(plan.to, std::move(json), signing, *new_keys));
        out.tree.emplace(name, std::move(bytes));
        out.tree_versions.emplace(name, static_cast<std::uint64_t>(targets.version.value()));
        converted.emplace(name, std::move(targets));
    }
    return core::success();
}

// Snapshot and timestamp over the new files, with their new or kept keys (not the server's).
core::Result<void> build_snapshot_timestamp(const Plan& plan, const RepositoryState& state,
                                            const std::map<RoleName, tuf::SigningKey>& role_signing, Built& out,
                                            tuf::Instant now) {
    const Dialect d = plan.to;
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(d);
    if (plan.top.at(RoleName::snapshot()).kind == TopKeys::Kind::server) return core::success();
    tuf::Snapshot snapshot;
    if (plan.continues && state.snapshot()) snapshot.version = state.snapshot()->version.next();
    snapshot.expires = detail::expiry_after(d, now, state.config().expires.for_role("snapshot"));
    if (profile.snapshot_lists_root())
        snapshot.meta.emplace(profile.meta_key(RoleName::root()),
                              detail::meta_for_file(d, out.root, out.root_model.version.value()));
    for (const auto& [role, bytes] : out.tree)
        snapshot.meta.emplace(detail::meta_name(d, role), detail::meta_for_file(d, bytes, out.tree_versions.at(role)));
    TUFKEY_TRY(auto snapshot_json, tuf::encode_snapshot(d, snapshot));
    TUFKEY_TRY(out.snapshot, detail::sign_role(d, std::move(snapshot_json), {&role_signing.at(RoleName::snapshot()), 1},
                                               out.root_model.keys));
    if (plan.top.at(RoleName::timestamp()).kind == TopKeys::Kind::server) return core::success();
    tuf::Timestamp timestamp;
    if (plan.continues && state.timestamp()) timestamp.version = state.timestamp()->version.next();
    timestamp.expires = detail::expiry_after(d, now, state.config().expires.for_role("timestamp"));
    timestamp.meta.emplace(detail::meta_name(d, RoleName::snapshot()),
                           detail::meta_for_file(d, out.snapshot, snapshot.version.value()));
    TUFKEY_TRY(auto timestamp_json, tuf::encode_timestamp(d, timestamp));
    TUFKEY_TRY(out.timestamp, detail::sign_role(d, std::move(timestamp_json),
                                                {&role_signing.at(RoleName::timestamp()), 1}, out.root_model.keys));
    return core::success();
}

struct RoleSigner final {
    const tuf::Key* key = nullptr;
    core::Signer* signer = nullptr;
};

// The key each top-level role has in the new root, and the signer of snapshot/timestamp.
core::Result<std::map<RoleName, std::vector<const tuf::Key*>>> top_role_keys(
    const Plan& plan, OpenKeys& keys, std::map<RoleName, PreparedFileKey>& generated,
    const std::map<RoleName, tuf::Key>& server_keys, std::map<RoleName, RoleSigner>& signers) {
    std::map<RoleName, std::vector<const tuf::Key*>> out;
    for (const auto& [role, t] : plan.top) {
        switch (t.kind) {
            case TopKeys::Kind::server:
                out[role].push_back(&keys.keep(server_keys.at(role)));
                break;
            case TopKeys::Kind::generate: {
                const tuf::Key& key = keys.keep(detail::metadata_key(plan.to, generated.at(role).signer->public_key()));
                out[role].push_back(&key);
                signers[role] = {&key, generated.at(role).signer.get()};
                break;
            }
            case TopKeys::Kind::keep:
                for (const auto& k : t.keep) {
                    TUFKEY_TRY(auto converted, detail::convert_key(plan.to, k.key, role.str()));
                    const tuf::Key& key = keys.keep(std::move(converted));
                    out[role].push_back(&key);
                    if (role != RoleName::targets() && !signers.contains(role)) {
                        TUFKEY_TRY(core::Signer * signer, keys.file(k.canonical));
                        signers[role] = {&key, signer};
                    }
                }
                break;
        }
    }
    return out;
}

core::Result<void> build_root(const MigrateRequest& request, const Plan& plan, const RepositoryState& state,
                              const std::vector<NewRootKey>& new_root,
                              const std::vector<std::pair<OldKey, core::Signer*>>& old_root,
                              const std::map<RoleName, std::vector<const tuf::Key*>>& top, OpenKeys& keys, Built& out,
                              tuf::Instant now) {
    const Dialect d = plan.to;
    tuf::Root& root = out.root_model;
    if (plan.continues) root.version = state.root().version.next();
    root.expires = detail::expiry_after(d, now, state.config().expires.for_role("root"));
    root.consistent_snapshot = same_dialect(plan)
                                   ? state.root().consistent_snapshot
                                   : std::optional<bool>(tuf::DialectProfile::of(d).consistent_snapshot_by_default());
    std::vector<tuf::SigningKey> signing;
    for (const auto& k : new_root) {
        root.keys.emplace(k.metadata->id(), *k.metadata);
        root.root.keyids.push_back(k.metadata->id());
        signing.push_back({*k.metadata, *k.signer});
    }
    root.root.threshold = plan.new_threshold;
    for (const auto& [role, role_keys] : top) {
        tuf::RoleKeys* rk = root.role_keys(role);
        rk->threshold = role == RoleName::targets() ? plan.top.at(role).threshold : 1;
        for (const tuf::Key* key : role_keys) {
            root.keys.emplace(key->id(), *key);
            rk->keyids.push_back(key->id());
        }
    }
    if (plan.continues) {
        for (const auto& [old, signer] : old_root) signing.push_back({old.key, *signer});
    } else {
        // A new chain: the old root keys sign it too, as their plain keys in this dialect (not
        // listed in it, so readers of the new chain ignore them), so that a client holding the old
        // root can check the move (`tufkey pull --root OLD-ROOT`, pull.cc).
        for (const auto& [old, signer] : old_root) {
            const tuf::Key& plain = keys.keep(d == Dialect::tuf ? tuf::Key::tuf(signer->public_key())
                                                                : tuf::Key::notary(signer->public_key()));
            const bool already = std::any_of(signing.begin(), signing.end(),
                                             [&](const tuf::SigningKey& s) { return s.key.id() == plain.id(); });
            if (!already) signing.push_back({plain, *signer});
        }
    }
    TUFKEY_TRY(auto json, tuf::encode_root(d, root));
    TUFKEY_TRY(out.root, detail::sign_role(d, std::move(json), signing, root.keys));
    if (plan.continues) {
        TUFKEY_TRY(auto proposal, detail::read_root_proposal(d, state.root(), out.root, "the migrated root"));
        if (!proposal.tally.complete())
            return core::Error(core::ErrorCode::key, "the migrated root of " + request.gun + " is signed by " +
                                                         proposal.tally.describe() + ", short of both thresholds");
    }
    return core::success();
}

core::Result<detail::VerifiedPolicy> build_policy(const MigrateRequest& request, Dialect to,
                                                  const RepositoryState& state, const std::vector<NewRootKey>& new_root,
                                                  Built& out) {
    std::uint64_t version = 1;
    TUFKEY_TRY(auto old, detail::read_home_policy(state.repo()));
    if (old) {
        auto decoded = detail::decode_policy(state.dialect(), *old);
        if (decoded) version = decoded->version + 1;
    }
    std::vector<tuf::SigningKey> signing;
    for (const auto& k : new_root) signing.push_back({*k.metadata, *k.signer});
    const detail::ExpiryPolicy policy{request.gun, version, state.config().expires, state.config().warn};
    TUFKEY_TRY(out.policy, detail::sign_policy(to, policy, signing, out.root_model.keys));
    return detail::verify_policy(to, out.policy, out.root, request.gun);
}

// Stages the migrated repository in `tx`: new key files, the root chain (continued, or a new one
// with the old kept under archive/migrated-roots/), the files, repository.json, policy, transcript.
core::Result<void> stage_home(KeyAccess& access, keystore::HomeTransaction& tx, const MigrateRequest& request,
                              const Plan& plan, const RepositoryState& state, Built& built,
                              std::map<RoleName, PreparedFileKey>& generated, const std::vector<NewRootKey>& new_root,
                              const detail::VerifiedPolicy& policy, MigrateReport& report,
                              std::vector<FileKey>& stored) {
    const Repository& repo = state.repo();
    for (auto& [role, prepared] : generated) {
        TUFKEY_TRY(auto key, store_file_key(access, tx, std::move(prepared)));
        for (auto& g : report.generated) {
            if (g.starts_with(role.str() + ":")) g = role.str() + ": new key file " + key.id;
        }
        stored.push_back(std::move(key));
    }
    const std::uint64_t version = static_cast<std::uint64_t>(built.root_model.version.value());
    if (!plan.continues) {
        TUFKEY_TRY(auto kept, repo.root_versions());
        const fs::path archive = repo.state_dir() / "archive" / "migrated-roots";
        for (auto v : kept) {
            TUFKEY_TRY(auto bytes, repo.read_root_version(v));
            tx.write(archive / (std::to_string(v) + ".root.json"), bytes);
            tx.remove(repo.roots_dir() / (std::to_string(v) + ".root.json"));
        }
        if (kept.empty()) {
            tx.write(archive / (std::to_string(state.root().version.value()) + ".root.json"), state.root_file().bytes);
        }
    }
    repo.keep_root_version(tx, version, built.root);
    // Files of the old dialect that the new one names differently go.
    // Files in metadata/ that the new repository does not write go (another dialect names roles
    // differently; a server destination's files wait in outgoing/ until it serves them).
    std::set<fs::path> written{repo.metadata_file(plan.to, RoleName::root())};
    if (!plan.server) {
        for (const auto& [role, bytes] : built.tree) written.insert(repo.metadata_file(plan.to, role));
        written.insert(repo.metadata_file(plan.to, RoleName::snapshot()));
        written.insert(repo.metadata_file(plan.to, RoleName::timestamp()));
    }
    for (const auto& role : state.targets_roles()) {
        const fs::path f = repo.metadata_file(plan.from, role.name);
        if (role.file && !written.contains(f)) tx.remove(f);
    }
    for (const RoleName& role : {RoleName::snapshot(), RoleName::timestamp()}) {
        const fs::path f = repo.metadata_file(plan.from, role);
        std::error_code ec;
        if (!written.contains(f) && fs::exists(f, ec)) tx.remove(f);
    }
    repo.write_metadata(tx, plan.to, RoleName::root(), built.root);
    for (const auto& [role, bytes] : built.tree) {
        if (plan.server) {
            repo.write_outgoing(tx, plan.to, role, bytes);
        } else {
            repo.write_metadata(tx, plan.to, role, bytes);
        }
    }
    if (!built.snapshot.empty()) {
        if (plan.server) {
            repo.write_outgoing(tx, plan.to, RoleName::snapshot(), built.snapshot);
        } else {
            repo.write_metadata(tx, plan.to, RoleName::snapshot(), built.snapshot);
        }
    }
    if (!built.timestamp.empty()) repo.write_metadata(tx, plan.to, RoleName::timestamp(), built.timestamp);

    RepositoryConfig config;
    config.gun = request.gun;
    config.dialect = plan.to;
    config.expires = state.config().expires;
    config.warn = state.config().warn;
    for (const auto& k : new_root) {
        if (k.token) config.root_keys.push_back(*k.token);
    }
    if (plan.server) {
        config.origin = plan.url;
        config.tls = request.tls;
        for (const auto& [role, t] : plan.top) {
            if (t.kind == TopKeys::Kind::server) config.server_managed.push_back(role.str());
        }
    }
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    TUFKEY_TRY_VOID(detail::store_policy(repo, tx, policy, "migrate"));
    Transcript transcript(repo.transcript_file(), request.gun);
    tuf::JsonObject files{{"root.json", detail::sha256_hex(built.root)}};
    for (const auto& [role, bytes] : built.tree) files[role.str() + ".json"] = detail::sha256_hex(bytes);
    if (!built.snapshot.empty()) files["snapshot.json"] = detail::sha256_hex(built.snapshot);
    if (!built.timestamp.empty()) files["timestamp.json"] = detail::sha256_hex(built.timestamp);
    TUFKEY_TRY_VOID(transcript.append(tx, "migrate",
                                      tuf::JsonObject{{"from_dialect", std::string(tuf::to_string(plan.from))},
                                                      {"dialect", std::string(tuf::to_string(plan.to))},
                                                      {"to", report.destination},
                                                      {"root_version", static_cast<std::int64_t>(version)},
                                                      {"continues_chain", plan.continues},
                                                      {"files_written", std::move(files)}}));
    std::vector<core::Signer*> signers;
    for (const auto& k : new_root) signers.push_back(k.signer);
    return transcript.sign_head(tx, signers);
}

core::Result<MigrateReport> execute(KeyAccess& access, const MigrateRequest& request, const Plan& plan,
                                    const RepositoryState& state, const keystore::HomeLock& lock) {
    const tuf::Instant now = std::chrono::system_clock::now();
    MigrateReport report = describe(request, plan, state);
    OpenKeys keys(access);
    // Every token and key file is opened (PINs, passphrases) before anything is signed.
    std::optional<detail::RootSigners> old_tokens;
    std::vector<std::pair<OldKey, core::Signer*>> old_root;
    if (plan.old_root_here) {
        TUFKEY_TRY(old_root, open_old_root(access, plan, state, keys, old_tokens));
    }
    std::vector<TokenKey> new_tokens;
    TUFKEY_TRY(auto new_root, open_new_root(access, request, plan, state, old_root, keys, new_tokens, now));
    for (const auto& t : plan.tree) {
        for (const auto& k : t.signers) {
            TUFKEY_TRY(core::Signer * signer, keys.file(k.canonical));
            (void)signer;
        }
    }
    std::map<RoleName, tuf::Key> server_keys;
    if (plan.server) {
        TUFKEY_TRY(auto server,
                   remote::NotaryServer::open(plan.url, request.gun, detail::download_options(request.tls)));
        for (const auto& [role, t] : plan.top) {
            if (t.kind != TopKeys::Kind::server) continue;
            TUFKEY_TRY(auto key, detail::server_key(server, role));
            server_keys.emplace(role, std::move(key));
        }
    }
    std::map<RoleName, PreparedFileKey> generated;
    for (const auto& [role, t] : plan.top) {
        if (t.kind != TopKeys::Kind::generate) continue;
        TUFKEY_TRY(auto prepared, prepare_file_key(access, role.str(), request.gun));
        generated.emplace(role, std::move(prepared));
    }

    Built built;
    std::map<RoleName, RoleSigner> role_signers;
    TUFKEY_TRY(auto top, top_role_keys(plan, keys, generated, server_keys, role_signers));
    TUFKEY_TRY_VOID(build_root(request, plan, state, new_root, old_root, top, keys, built, now));
    TUFKEY_TRY_VOID(build_tree(plan, state, keys, built, now));
    std::map<RoleName, tuf::SigningKey> role_signing;
    for (const auto& [role, s] : role_signers) role_signing.emplace(role, tuf::SigningKey{*s.key, *s.signer});
    TUFKEY_TRY_VOID(build_snapshot_timestamp(plan, state, role_signing, built, now));
    TUFKEY_TRY(auto policy, build_policy(request, plan.to, state, new_root, built));

    keystore::HomeTransaction tx(access.home, lock);
    std::vector<FileKey> stored;
    TUFKEY_TRY_VOID(stage_home(access, tx, request, plan, state, built, generated, new_root, policy, report, stored));
    TUFKEY_TRY_VOID(tx.commit());
    return report;
}

}  // namespace

core::Result<MigrateReport> migrate_repository(KeyAccess& access, const MigrateRequest& given) {
    TUFKEY_TRY_VOID(check_gun(given.gun));
    MigrateRequest request = given;
    if (!request.tls.ca_file.empty() || !request.tls.client_cert.empty() || !request.tls.client_key.empty()) {
        TUFKEY_TRY(request.tls, detail::checked_tls(request.tls));
    }
    std::optional<keystore::HomeLock> lock;
    if (!request.dry_run) {
        TUFKEY_TRY(auto taken, access.home.lock("tufkey migrate " + request.gun));
        lock.emplace(std::move(taken));
    }
    TUFKEY_TRY_VOID(check_source(access, request.gun));
    TUFKEY_TRY(auto state, RepositoryState::load(access.home, request.gun, false));
    TUFKEY_TRY(auto plan, make_plan(access, request, state));
    TUFKEY_TRY_VOID(check_destination_free(plan, request.gun, request.tls));
    if (request.dry_run) return describe(request, plan, state);

    TUFKEY_TRY(auto report, execute(access, request, plan, state, *lock));
    lock.reset();  // publish takes the home's lock itself
    const std::string to = plan.server ? plan.url : plan.dir.string();
    auto published = publish_repository(access.home, PublishRequest{request.gun, to});
    if (!published)
        return published.error().with_context(
            "the home holds the migrated repository, but publishing it failed; "
            "finish with 'tufkey publish " +
            request.gun + (plan.server ? "'" : " --to " + to + "'"));
    report.published = std::move(*published);
    return report;
}

}  // namespace tufkey::ceremony
