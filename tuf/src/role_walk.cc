#include "tufkey/tuf/role_walk.h"

#include <set>
#include <utility>

#include "tufkey/tuf/dialect_profile.h"

namespace tufkey::tuf {
namespace {

struct Visit final {
    RoleName role;
    RoleName delegator;
};

std::string role_url(const std::string& base, const TrustedSet& trusted, const RoleName& role, const MetaFile& meta) {
    std::string url = base;
    while (!url.empty() && url.back() == '/') url.pop_back();
    const bool consistent = trusted.root().consistent_snapshot.value_or(false);
    return url + "/" + DialectProfile::of(trusted.dialect()).url_name(role, consistent ? meta.version : std::nullopt);
}

core::Result<bool> load_one(TrustedSet& trusted, Fetcher& fetcher, MetadataStore* store, const std::string& base,
                            const Visit& visit, const UpdaterLimits& limits) {
    const MetaFile* meta = trusted.role_meta(visit.role);
    if (meta == nullptr) return false;  // delegated, not signed yet (see role_walk.h)
    const std::string url = role_url(base, trusted, visit.role, *meta);
    TUFKEY_TRY(auto body, fetcher.fetch(url, limits.cap(meta->length, limits.targets_max_length)));
    if (!body) return core::Error(core::ErrorCode::remote, url + ": not found on the repository");
    TUFKEY_TRY_VOID(trusted.update_targets(*body, visit.role, visit.delegator));
    if (store != nullptr) TUFKEY_TRY_VOID(store->store(metadata_file_name(visit.role), *body));
    return true;
}

// Roles the snapshot lists that no trusted role delegates to (any more): their bytes are held
// to the snapshot's entry, nothing else; they are carried, never trusted.
core::Result<void> load_retired(const TrustedSet& trusted, Fetcher& fetcher, MetadataStore* store,
                                const std::string& base, const std::set<RoleName>& visited, const UpdaterLimits& limits,
                                RoleWalk& walk) {
    const DialectProfile& profile = DialectProfile::of(trusted.dialect());
    for (const auto& [name, meta] : trusted.snapshot()->meta) {
        auto role = profile.role_of_meta_key(name);
        if (!role || !role->is_delegated() || visited.contains(*role)) continue;
        if (walk.retired.size() >= limits.max_tree_roles) {
            return core::Error(core::TrustReason::delegation, role->str() + ": more than " +
                                                                  std::to_string(limits.max_tree_roles) +
                                                                  " retired roles listed; refusing to walk further");
        }
        const std::string url = role_url(base, trusted, *role, meta);
        TUFKEY_TRY(auto body, fetcher.fetch(url, limits.cap(meta.length, limits.targets_max_length)));
        if (!body) return core::Error(core::ErrorCode::remote, url + ": not found on the repository");
        TUFKEY_TRY_VOID(check_meta_file(role->str(), meta, *body));
        if (store != nullptr) TUFKEY_TRY_VOID(store->store(metadata_file_name(*role), *body));
        walk.retired.push_back(*role);
    }
    return core::success();
}

}  // namespace

core::Result<RoleWalk> load_delegation_tree(TrustedSet& trusted, Fetcher& fetcher, const std::string& base_url,
                                            const UpdaterLimits& limits, MetadataStore* store) {
    if (trusted.targets(RoleName::targets()) == nullptr)
        return core::Error(core::ErrorCode::internal, "delegation walk: targets is not trusted yet");
    RoleWalk walk;
    std::set<RoleName> visited{RoleName::targets()};
    std::vector<Visit> stack;
    auto push_children = [&](const RoleName& parent) {
        const Targets* t = trusted.targets(parent);
        if (t == nullptr || !t->delegations) return;
        const auto& roles = t->delegations->roles;
        for (auto it = roles.rbegin(); it != roles.rend(); ++it) stack.push_back({it->name, parent});
    };
    push_children(RoleName::targets());
    while (!stack.empty()) {
        const Visit visit = stack.back();
        stack.pop_back();
        if (visited.contains(visit.role)) continue;
        if (visited.size() > limits.max_tree_roles) {
            return core::Error(core::TrustReason::delegation, visit.role.str() + ": more than " +
                                                                  std::to_string(limits.max_tree_roles) +
                                                                  " delegated roles; refusing to walk further");
        }
        visited.insert(visit.role);
        TUFKEY_TRY(bool loaded, load_one(trusted, fetcher, store, base_url, visit, limits));
        if (!loaded) {
            walk.unlisted.push_back(visit.role);
            continue;
        }
        walk.verified.push_back(visit.role);
        push_children(visit.role);
    }
    TUFKEY_TRY_VOID(load_retired(trusted, fetcher, store, base_url, visited, limits, walk));
    return walk;
}

}  // namespace tufkey::tuf
