#include "tufkey/ceremony/refresh.h"

#include <algorithm>
#include <chrono>

#include "repository_state.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/json.h"

namespace tufkey::ceremony {
namespace {

struct Plan final {
    detail::ResignPlan resign{false, false};
    std::vector<tuf::RoleName> targets_roles;  // targets or delegations to re-sign and extend
};

core::Result<Plan> plan_for(const detail::RepositoryState& state, const std::vector<std::string>& roles) {
    Plan plan;
    if (roles.empty()) plan.resign = detail::ResignPlan{true, true};
    for (const auto& role : roles) {
        if (role == "snapshot") {
            plan.resign.snapshot = true;
        } else if (role == "timestamp") {
            plan.resign.timestamp = true;
        } else {
            auto name = tuf::RoleName::parse(state.dialect(), role);
            const detail::TargetsRole* found = name ? state.find_targets(*name) : nullptr;
            if (found == nullptr || !found->targets)
                return core::Error(core::ErrorCode::usage,
                                   "refresh re-signs snapshot, timestamp, targets or a delegated role of " +
                                       state.repo().gun() + ", not \"" + role +
                                       "\" (root is renewed by 'tufkey rotate " + state.repo().gun() + " root')");
            plan.targets_roles.push_back(*name);
            plan.resign.snapshot = true;  // snapshot lists the re-signed file
        }
    }
    return plan;
}

// Whether `role` is inside its warning window (or expired) at `now`; not_due records it when not.
bool due(const detail::RepositoryState& state, const tuf::RoleName& role, const tuf::Expiry& expires, tuf::Instant now,
         std::vector<RefreshReport::NotDue>& not_due) {
    if (state.config().server_manages(role.str())) return false;
    const auto now_s = std::chrono::time_point_cast<std::chrono::seconds>(now);
    const std::int64_t left = (expires.seconds() - now_s).count();
    const std::int64_t window = state.config().warn.for_role(role.str()).count();
    if (expires.is_expired_at(now) || left <= window) return true;
    not_due.push_back({role, left, window});
    return false;
}

// --due: keeps in `plan` only the roles inside their warning window.
void keep_due(const detail::RepositoryState& state, Plan& plan, tuf::Instant now,
              std::vector<RefreshReport::NotDue>& not_due) {
    std::vector<tuf::RoleName> targets_roles;
    for (const auto& role : plan.targets_roles) {
        const auto& targets = *state.find_targets(role)->targets;
        if (due(state, role, targets.expires, now, not_due)) targets_roles.push_back(role);
    }
    plan.targets_roles = std::move(targets_roles);
    const bool snapshot_listed = plan.resign.snapshot;
    if (plan.resign.snapshot)
        plan.resign.snapshot = !state.snapshot() ||
                               due(state, tuf::RoleName::snapshot(), state.snapshot()->expires, now, not_due) ||
                               !plan.targets_roles.empty();
    if (plan.resign.timestamp || snapshot_listed)
        plan.resign.timestamp = plan.resign.snapshot || !state.timestamp() ||
                                due(state, tuf::RoleName::timestamp(), state.timestamp()->expires, now, not_due);
}

std::string expires_of(const detail::RoleUpdate& update, tuf::Dialect dialect) {
    auto envelope = tuf::parse_envelope(dialect, update.bytes, update.role.str());
    if (!envelope) return {};
    const tuf::Json* expires = envelope->signed_part.find("expires");
    return expires != nullptr && expires->is_string() ? expires->as_string() : std::string();
}

}  // namespace

core::Result<RefreshReport> refresh_repository(KeyAccess& access, const RefreshRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey refresh " + request.gun));
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, request.gun, true));
    TUFKEY_TRY(auto plan, plan_for(state, request.roles));
    detail::Keyring keyring(access);
    const tuf::Instant now = std::chrono::system_clock::now();
    RefreshReport report;
    report.gun = request.gun;
    const bool only_targets_named = !plan.targets_roles.empty() && request.roles.size() == plan.targets_roles.size();
    if (request.due_only) {
        keep_due(state, plan, now, report.not_due);
        if (plan.targets_roles.empty() && !plan.resign.snapshot && !plan.resign.timestamp) return report;
    }
    std::vector<detail::RoleUpdate> changed;
    for (const auto& role : plan.targets_roles) {
        TUFKEY_TRY(auto keys, keyring.keys_for(state, role));
        TUFKEY_TRY(auto update, detail::sign_targets_role(state, role, *state.find_targets(role)->targets, keys, now));
        changed.push_back(std::move(update));
    }
    // A delegate's home (no snapshot key) re-signs its delegated roles only, as `sign` does there.
    const bool delegate_only = !plan.targets_roles.empty() &&
                               std::none_of(plan.targets_roles.begin(), plan.targets_roles.end(),
                                            [](const tuf::RoleName& r) { return !r.is_delegated(); }) &&
                               only_targets_named &&
                               !(keyring.holds_key_for(state, tuf::RoleName::snapshot()) &&
                                 keyring.holds_key_for(state, tuf::RoleName::timestamp()));
    std::vector<detail::RoleUpdate> updates;
    if (delegate_only) {
        updates = std::move(changed);
    } else {
        TUFKEY_TRY(updates, detail::resign_snapshot_timestamp(state, keyring, std::move(changed), plan.resign, now));
    }
    tuf::JsonArray roles;
    for (const auto& u : updates) roles.push_back(u.role.str());
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(report.files_written,
               detail::write_updates(state, tx, updates, "refresh", tuf::JsonObject{{"roles", std::move(roles)}}));
    TUFKEY_TRY_VOID(tx.commit());
    for (const auto& u : updates) {
        report.versions[u.role] = u.version;
        report.expires[u.role] = expires_of(u, state.dialect());
    }
    return report;
}

}  // namespace tufkey::ceremony
