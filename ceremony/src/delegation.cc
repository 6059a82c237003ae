#include "tufkey/ceremony/delegation.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "delegation_edit.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/hashed_bins.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony {
namespace detail {
namespace {

using tuf::Dialect;
using tuf::RoleName;

core::Error usage(const std::string& message) { return core::Error(core::ErrorCode::usage, message); }

std::string canonical(const tuf::Delegations& delegations, const tuf::KeyId& id) {
    auto it = delegations.keys.find(id);
    return it == delegations.keys.end() ? id.str() : it->second.canonical_id().str();
}

// The listed key IDs of `role` that `wanted` (an ID or a prefix of at least 7 hex digits, of the
// canonical or the metadata ID) names.
core::Result<std::vector<tuf::KeyId>> resolve_keys(const tuf::Delegations& delegations, const tuf::DelegatedRole& role,
                                                   const std::string& wanted) {
    if (wanted.size() < 7) return usage("key ID " + wanted + " is too short: give at least 7 hex digits");
    std::vector<tuf::KeyId> found;
    std::set<std::string> distinct;
    for (const auto& id : role.keyids) {
        const std::string c = canonical(delegations, id);
        if (id.str().starts_with(wanted) || c.starts_with(wanted)) {
            found.push_back(id);
            distinct.insert(c);
        }
    }
    if (found.empty())
        return usage("key " + wanted + " is not a key of " + role.name.str() + " (see 'tufkey delegation list')");
    if (distinct.size() > 1) return usage("key ID prefix " + wanted + " names several keys of " + role.name.str());
    return found;
}

std::size_t distinct_keys(const tuf::Delegations& delegations, const tuf::DelegatedRole& role) {
    std::set<core::PublicKey> keys;
    std::size_t unparsed = 0;
    for (const auto& id : role.keyids) {
        auto it = delegations.keys.find(id);
        if (it != delegations.keys.end() && it->second.public_key())
            keys.insert(*it->second.public_key());
        else
            ++unparsed;
    }
    return keys.size() + unparsed;
}

void add_paths(tuf::DelegatedRole& role, const RolePaths& paths) {
    if (role.paths.index() != paths.index()) {
        role.paths = paths;
        return;
    }
    auto merge = [](std::vector<std::string>& into, const std::vector<std::string>& more) {
        for (const auto& p : more)
            if (std::find(into.begin(), into.end(), p) == into.end()) into.push_back(p);
    };
    if (const auto* patterns = std::get_if<tuf::PathPatterns>(&paths))
        merge(std::get<tuf::PathPatterns>(role.paths).patterns, patterns->patterns);
    else
        merge(std::get<tuf::PathHashPrefixes>(role.paths).prefixes, std::get<tuf::PathHashPrefixes>(paths).prefixes);
}

void drop_unused_keys(tuf::Delegations& delegations) {
    std::set<tuf::KeyId> used;
    for (const auto& role : delegations.roles) used.insert(role.keyids.begin(), role.keyids.end());
    std::erase_if(delegations.keys, [&](const auto& entry) { return !used.contains(entry.first); });
}

core::Result<DelegationChange> apply_edit(tuf::Delegations& delegations, const RoleEdit& edit, const RoleName& parent) {
    DelegationChange change{edit.role, parent, false, false, {}, {}};
    auto it = std::find_if(delegations.roles.begin(), delegations.roles.end(),
                           [&](const tuf::DelegatedRole& r) { return r.name == edit.role; });
    if (it == delegations.roles.end()) {
        if (edit.remove_role || !edit.remove_keys.empty())
            return usage(edit.role.str() + " is not delegated (see 'tufkey delegation list')");
        if (edit.add_keys.empty()) return usage("a new role needs at least one --key FILE");
        if (!edit.paths) return usage("a new role needs --paths P..., --all-paths or --hash-prefixes H...");
        tuf::DelegatedRole role;
        role.name = edit.role;
        role.paths = *edit.paths;
        delegations.roles.push_back(std::move(role));  // last: it never shadows a signed sibling
        it = std::prev(delegations.roles.end());
        change.created = true;
    } else if (edit.paths) {
        add_paths(*it, *edit.paths);
    }
    tuf::DelegatedRole& role = *it;
    for (const auto& wanted : edit.remove_keys) {
        TUFKEY_TRY(auto ids, resolve_keys(delegations, role, wanted));
        change.removed_keys.push_back(canonical(delegations, ids.front()));
        std::erase_if(role.keyids,
                      [&](const tuf::KeyId& id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); });
    }
    if (edit.remove_role || (edit.remove_if_keyless && role.keyids.empty())) {
        if (edit.remove_role)
            for (const auto& id : role.keyids) change.removed_keys.push_back(canonical(delegations, id));
        delegations.roles.erase(it);
        drop_unused_keys(delegations);
        change.removed = true;
        return change;
    }
    for (const auto& key : edit.add_keys) {
        const tuf::KeyId id = key.id();
        if (std::find(role.keyids.begin(), role.keyids.end(), id) != role.keyids.end()) continue;
        delegations.keys.insert_or_assign(id, key);
        role.keyids.push_back(id);
        change.added_keys.push_back(key.canonical_id().str());
    }
    if (edit.threshold != 0) role.threshold = edit.threshold;
    if (edit.terminating) role.terminating = *edit.terminating;
    if (role.keyids.empty())
        return usage(role.name.str() + " would keep no key: remove the role with 'tufkey delegation remove GUN " +
                     role.name.str() + "'");
    if (const std::size_t n = distinct_keys(delegations, role); n < role.threshold)
        return usage(role.name.str() + " has " + std::to_string(n) + " distinct key(s), fewer than its threshold of " +
                     std::to_string(role.threshold) + " (one key listed under two IDs counts once)");
    if (!change.removed_keys.empty()) drop_unused_keys(delegations);  // one pass per removal, not per edit
    return change;
}

// A role that keeps a signed file must still verify under its new keys.
core::Result<void> check_still_signed(const RepositoryState& state, const tuf::Delegations& delegations,
                                      const DelegationChange& change) {
    if (change.removed || change.removed_keys.empty()) return core::success();
    const TargetsRole* current = state.find_targets(change.role);
    if (current == nullptr || !current->file) return core::success();
    if (tuf::verify_delegated(state.dialect(), delegations, change.role, current->file->envelope).ok())
        return core::success();
    return core::Error(core::ErrorCode::refused,
                       change.role.str() + " of " + state.repo().gun() +
                           " is signed by keys this change removes: have a remaining delegate re-sign it first "
                           "('tufkey refresh " +
                           state.repo().gun() + " --role " + change.role.str() +
                           "' where their key is, then 'tufkey bundle export'), or remove the role; nothing was "
                           "changed");
}

tuf::JsonObject transcript_fields(const std::vector<DelegationChange>& changes) {
    tuf::JsonArray roles;
    for (const auto& c : changes) {
        tuf::JsonArray added, removed;
        for (const auto& id : c.added_keys) added.push_back(id);
        for (const auto& id : c.removed_keys) removed.push_back(id);
        roles.push_back(tuf::JsonObject{{"role", c.role.str()},
                                        {"parent", c.parent.str()},
                                        {"created", c.created},
                                        {"removed", c.removed},
                                        {"added_keys", std::move(added)},
                                        {"removed_keys", std::move(removed)}});
    }
    return tuf::JsonObject{{"roles", std::move(roles)}};
}

}  // namespace

core::Result<RoleName> parent_of(const RepositoryState& state, const RoleName& role) {
    const std::string& name = role.str();
    const auto slash = name.rfind('/');
    if (slash == std::string::npos) {
        if (state.dialect() == Dialect::tuf) return RoleName::targets();
        return usage("role " + name + " has no parent");
    }
    auto parent = RoleName::parse(state.dialect(), name.substr(0, slash));
    if (parent && (*parent == RoleName::targets() || (parent->is_delegated() && state.find_targets(*parent))))
        return *parent;
    return usage("role " + name + " would be delegated by " + name.substr(0, slash) + ", which is not delegated in " +
                 state.repo().gun() + ": add it first (see 'tufkey delegation list " + state.repo().gun() + "')");
}

core::Result<DelegationReport> change_delegations(
    KeyAccess& access, const std::string& gun,
    const std::function<core::Result<std::vector<RoleEdit>>(const RepositoryState&)>& make_edits, std::string_view step,
    const BeforeSigning& before_signing, const DescribeStep& describe) {
    TUFKEY_TRY_VOID(check_gun(gun));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey " + std::string(step) + " " + gun));
    TUFKEY_TRY(auto state, RepositoryState::load(access.home, gun, true));
    TUFKEY_TRY(auto edits, make_edits(state));

    DelegationReport report;
    report.gun = gun;
    std::map<RoleName, tuf::Targets> parents;  // edited copies
    for (const auto& edit : edits) {
        TUFKEY_TRY(auto parent, parent_of(state, edit.role));
        auto [slot, fresh] = parents.try_emplace(parent);
        if (fresh) {
            const TargetsRole* current = state.find_targets(parent);
            if (current->targets) slot->second = *current->targets;
        }
        if (!slot->second.delegations) slot->second.delegations = tuf::Delegations{};
        TUFKEY_TRY(auto change, apply_edit(*slot->second.delegations, edit, parent));
        report.changes.push_back(std::move(change));
    }
    for (const auto& change : report.changes) {
        TUFKEY_TRY_VOID(check_still_signed(state, *parents.at(change.parent).delegations, change));
    }
    if (before_signing) TUFKEY_TRY_VOID(before_signing(state, report.changes));

    // Every key is opened before anything is signed: a wrong passphrase costs no work.
    Keyring keyring(access);
    std::map<RoleName, std::vector<tuf::SigningKey>> keys;
    for (const auto& entry : parents) {
        TUFKEY_TRY(keys[entry.first], keyring.keys_for(state, entry.first));
    }
    // A delegate changing its own delegations signs only its role, as `sign` does there (sign.h).
    const bool owner = parents.contains(RoleName::targets()) || (keyring.holds_key_for(state, RoleName::snapshot()) &&
                                                                 keyring.holds_key_for(state, RoleName::timestamp()));
    if (owner) {
        TUFKEY_TRY_VOID(detail::open_resign_keys(state, keyring));
    }
    const tuf::Instant now = std::chrono::system_clock::now();
    std::vector<RoleUpdate> updates;
    for (auto& [role, targets] : parents) {
        TUFKEY_TRY(auto update, sign_targets_role(state, role, std::move(targets), keys.at(role), now));
        updates.push_back(std::move(update));
        if (!owner)
            report.warnings.push_back("this home holds no snapshot key for " + gun + ": only " + role.str() +
                                      " was signed; hand it to the repository owner ('tufkey bundle export " + gun +
                                      " -o FILE', there 'tufkey bundle import FILE' and 'tufkey publish " + gun + "')");
    }
    if (owner) {
        TUFKEY_TRY(updates, resign_snapshot_timestamp(state, keyring, std::move(updates), {}, now));
    }
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(report.files_written,
               write_updates(state, tx, updates, step,
                             describe ? describe(report.changes) : transcript_fields(report.changes)));
    TUFKEY_TRY_VOID(tx.commit());
    for (const auto& u : updates) report.versions[u.role] = u.version;
    return report;
}

std::optional<DelegationInfo> describe_delegation(const tuf::Delegations& delegations, const tuf::RoleName& parent,
                                                  const tuf::RoleName& role) {
    const tuf::DelegatedRole* entry = delegations.find(role);
    if (entry == nullptr) return std::nullopt;
    DelegationInfo info;
    info.role = role;
    info.parent = parent;
    for (const auto& id : entry->keyids) {
        auto key = delegations.keys.find(id);
        info.key_ids.push_back(key == delegations.keys.end() ? id.str() : key->second.canonical_id().str());
    }
    info.threshold = entry->threshold;
    if (const auto* prefixes = std::get_if<tuf::PathHashPrefixes>(&entry->paths)) {
        info.hashed = true;
        info.paths = prefixes->prefixes;
    } else {
        info.paths = std::get<tuf::PathPatterns>(entry->paths).patterns;
    }
    info.terminating = entry->terminating;
    return info;
}

}  // namespace detail

namespace {

using tuf::Dialect;
using tuf::RoleName;

core::Error usage(const std::string& message) { return core::Error(core::ErrorCode::usage, message); }

core::Result<detail::RolePaths> requested_paths(Dialect dialect, const DelegationAddRequest& request) {
    const int kinds = !request.paths.empty() + request.all_paths + !request.hash_prefixes.empty();
    if (kinds > 1) return usage("give one of --paths, --all-paths and --hash-prefixes");
    if (!request.hash_prefixes.empty()) {
        if (dialect == Dialect::notary)
            return usage("--hash-prefixes (hashed bins) exist only in the tuf dialect; use --paths prefixes");
        for (const auto& p : request.hash_prefixes) {
            const bool hex = !p.empty() && p.size() <= 64 && std::all_of(p.begin(), p.end(), [](char c) {
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            });
            if (!hex) return usage("hash prefix \"" + p + "\" is not 1 to 64 lowercase hex digits");
        }
        return detail::RolePaths(tuf::PathHashPrefixes{request.hash_prefixes});
    }
    if (request.all_paths) return detail::RolePaths(tuf::PathPatterns{{dialect == Dialect::notary ? "" : "*"}});
    for (const auto& p : request.paths) {
        if (p.empty() && dialect == Dialect::tuf) return usage("an empty --paths pattern matches nothing in tuf");
        if (p.find('\n') != std::string::npos || p.find('\0') != std::string::npos)
            return usage("--paths patterns must be one line");
    }
    return detail::RolePaths(tuf::PathPatterns{request.paths});
}

}  // namespace

core::Result<DelegationReport> add_delegation(KeyAccess& access, const DelegationAddRequest& request) {
    auto edits = [&](const detail::RepositoryState& state) -> core::Result<std::vector<detail::RoleEdit>> {
        const Dialect d = state.dialect();
        TUFKEY_TRY(auto role, RoleName::new_delegated(d, request.role));
        detail::RoleEdit edit;
        edit.role = role;
        if (d == Dialect::notary && request.threshold > 1)
            return usage(
                "thresholds above 1 for delegations exist only in the tuf dialect (Notary signs with one key)");
        if (d == Dialect::notary && request.terminating) return usage("--terminating exists only in the tuf dialect");
        if (request.key_files.empty() && request.paths.empty() && !request.all_paths && request.hash_prefixes.empty() &&
            request.threshold == 0 && !request.terminating)
            return usage("nothing to add: give --key FILE, paths, --threshold or --terminating");
        TUFKEY_TRY(edit.add_keys, detail::read_delegate_keys(d, request.key_files, access));
        if (!request.paths.empty() || request.all_paths || !request.hash_prefixes.empty()) {
            TUFKEY_TRY(edit.paths, requested_paths(d, request));
        }
        edit.threshold = request.threshold;
        if (request.terminating) edit.terminating = true;
        return std::vector<detail::RoleEdit>{std::move(edit)};
    };
    return detail::change_delegations(access, request.gun, edits, "delegation-add");
}

core::Result<DelegationReport> add_hash_bins(KeyAccess& access, const HashBinsAddRequest& request) {
    auto edits = [&](const detail::RepositoryState& state) -> core::Result<std::vector<detail::RoleEdit>> {
        const Dialect d = state.dialect();
        if (d == Dialect::notary)
            return usage(
                "hashed bins (--hash-bins) exist only in the tuf dialect; in the notary dialect delegate "
                "path prefixes with --paths");
        if (request.key_files.empty()) return usage("hashed bins need at least one --key FILE");
        TUFKEY_TRY(auto bins, tuf::hashed_bin_layout(request.name, request.count));
        TUFKEY_TRY(auto keys, detail::read_delegate_keys(d, request.key_files, access));
        std::vector<detail::RoleEdit> out;
        out.reserve(bins.size());
        for (auto& bin : bins) {
            TUFKEY_TRY(auto role, RoleName::new_delegated(d, bin.name));
            if (state.find_targets(role) != nullptr)
                return usage(role.str() + " is already delegated in " + request.gun +
                             ": choose another name for the bins, or remove the old ones first (see 'tufkey "
                             "delegation list " +
                             request.gun + "')");
            detail::RoleEdit edit;
            edit.role = std::move(role);
            edit.add_keys = keys;
            edit.paths = detail::RolePaths(tuf::PathHashPrefixes{std::move(bin.prefixes)});
            edit.threshold = request.threshold;
            out.push_back(std::move(edit));
        }
        return out;
    };
    // One transcript entry for the layout, not one per bin.
    auto describe = [&](const std::vector<DelegationChange>& changes) {
        tuf::JsonArray keys;
        for (const auto& id : changes.front().added_keys) keys.push_back(id);
        return tuf::JsonObject{{"hash_bins", static_cast<std::int64_t>(changes.size())},
                               {"first", changes.front().role.str()},
                               {"last", changes.back().role.str()},
                               {"parent", changes.front().parent.str()},
                               {"added_keys", std::move(keys)}};
    };
    TUFKEY_TRY(auto report, detail::change_delegations(access, request.gun, edits, "delegation-add", {}, describe));
    report.hash_bins = request.count;
    return report;
}

core::Result<DelegationReport> remove_delegation(KeyAccess& access, const DelegationRemoveRequest& request) {
    auto edits = [&](const detail::RepositoryState& state) -> core::Result<std::vector<detail::RoleEdit>> {
        TUFKEY_TRY(auto role, RoleName::delegated(state.dialect(), request.role));
        if (request.keys.empty()) {
            for (const auto& r : state.targets_roles()) {
                if (r.parent && *r.parent == role)
                    return usage(role.str() + " delegates to " + r.name.str() + ": remove that first");
            }
        }
        detail::RoleEdit edit;
        edit.role = role;
        edit.remove_keys = request.keys;
        edit.remove_role = request.keys.empty();
        return std::vector<detail::RoleEdit>{std::move(edit)};
    };
    return detail::change_delegations(access, request.gun, edits, "delegation-remove");
}

core::Result<std::vector<DelegationInfo>> list_delegations(KeyAccess& access, const std::string& gun) {
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, gun, false));
    detail::Keyring keyring(access);
    std::vector<DelegationInfo> out;
    for (const auto& role : state.targets_roles()) {
        if (!role.parent) continue;
        const detail::TargetsRole* parent = state.find_targets(*role.parent);
        const tuf::Delegations& delegations = *parent->targets->delegations;
        auto described = detail::describe_delegation(delegations, *role.parent, role.name);
        if (!described) continue;
        DelegationInfo info = std::move(*described);
        if (role.targets) info.version = role.targets->version;
        info.key_held = keyring.holds_key_for(state, role.name);
        out.push_back(std::move(info));
    }
    return out;
}

}  // namespace tufkey::ceremony
