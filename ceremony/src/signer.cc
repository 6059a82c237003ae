// signer add/remove: docker's two-role rule (targets/NAME and targets/releases) on top of the
// delegation engine (delegation_edit.h).
#include <algorithm>

#include "delegation_edit.h"
#include "tufkey/ceremony/delegation.h"
#include "tufkey/tuf/dialect_profile.h"

namespace tufkey::ceremony {
namespace {

using tuf::Dialect;
using tuf::RoleName;

constexpr const char* kReleases = "targets/releases";

core::Error usage(const std::string& message) { return core::Error(core::ErrorCode::usage, message); }

// docker's validateSignerName: [a-z0-9][a-z0-9_-]*, and not "releases".
core::Result<RoleName> signer_role(Dialect dialect, const std::string& name) {
    const bool valid = !name.empty() && name.front() != '_' && name.front() != '-' &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                       });
    if (!valid)
        return usage("signer name \"" + name + "\" must start with a-z or 0-9 and hold only a-z, 0-9, \"_\" and \"-\"");
    if (name == "releases") return usage("releases is a reserved keyword, please use a different signer name");
    return RoleName::new_delegated(dialect, "targets/" + name);
}

RoleName releases(Dialect dialect) { return *RoleName::delegated(dialect, kReleases); }

// The canonical IDs of the keys `role` lists (empty when it is not delegated).
std::vector<std::string> role_key_ids(const detail::RepositoryState& state, const RoleName& role) {
    std::vector<std::string> out;
    auto authority = state.authority(role);
    if (!authority) return out;
    for (const auto& id : authority->keyids) {
        auto key = authority->keys->find(id);
        if (key != authority->keys->end()) out.push_back(key->second.canonical_id().str());
    }
    return out;
}

}  // namespace

core::Result<DelegationReport> add_signer(KeyAccess& access, const SignerAddRequest& request) {
    if (request.key_files.empty()) return usage("signer add needs at least one --key FILE.pub");
    auto edits = [&](const detail::RepositoryState& state) -> core::Result<std::vector<detail::RoleEdit>> {
        const Dialect d = state.dialect();
        TUFKEY_TRY(auto role, signer_role(d, request.name));
        TUFKEY_TRY(auto keys, detail::read_delegate_keys(d, request.key_files, access));
        const tuf::PathPatterns every{{d == Dialect::notary ? "" : "*"}};
        std::vector<detail::RoleEdit> out;
        for (const RoleName& r : {role, releases(d)}) {
            detail::RoleEdit edit;
            edit.role = r;
            edit.add_keys = keys;
            if (state.find_targets(r) == nullptr) edit.paths = every;
            out.push_back(std::move(edit));
        }
        return out;
    };
    return detail::change_delegations(access, request.gun, edits, "signer-add");
}

core::Result<DelegationReport> remove_signer(KeyAccess& access, const SignerRemoveRequest& request) {
    auto edits = [&](const detail::RepositoryState& state) -> core::Result<std::vector<detail::RoleEdit>> {
        const Dialect d = state.dialect();
        TUFKEY_TRY(auto role, signer_role(d, request.name));
        const auto ids = role_key_ids(state, role);
        if (state.find_targets(role) == nullptr)
            return usage("no signer " + request.name + " in " + state.repo().gun() + " (see 'tufkey inspect " +
                         state.repo().gun() + "')");
        std::vector<detail::RoleEdit> out;
        detail::RoleEdit signer;
        signer.role = role;
        signer.remove_role = true;
        out.push_back(std::move(signer));
        const RoleName rel = releases(d);
        const auto release_ids = role_key_ids(state, rel);
        detail::RoleEdit release;
        release.role = rel;
        release.remove_if_keyless = true;
        for (const auto& id : ids) {
            if (std::find(release_ids.begin(), release_ids.end(), id) != release_ids.end())
                release.remove_keys.push_back(id);
        }
        if (!release.remove_keys.empty()) out.push_back(std::move(release));
        return out;
    };
    auto confirm = [&](const detail::RepositoryState& state,
                       const std::vector<DelegationChange>& changes) -> core::Result<void> {
        const RoleName rel = releases(state.dialect());
        const bool releases_go = std::any_of(changes.begin(), changes.end(),
                                             [&](const DelegationChange& c) { return c.role == rel && c.removed; });
        if (!releases_go) return core::success();
        const std::string& gun = state.repo().gun();
        access.warn("The signer \"" + request.name + "\" holds the last key of " + std::string(kReleases) + " in " +
                    gun + ". Removing this signer removes " + kReleases +
                    ": tags only it signs will no longer "
                    "verify.");
        TUFKEY_TRY(bool yes, access.confirm("Remove signer " + request.name + " from " + gun + "?"));
        if (!yes) return core::Error(core::ErrorCode::refused, "signer " + request.name + " kept; nothing was changed");
        return core::success();
    };
    return detail::change_delegations(access, request.gun, edits, "signer-remove", confirm);
}

}  // namespace tufkey::ceremony
