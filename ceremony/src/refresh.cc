#include "tufkey/ceremony/refresh.h"

#include <chrono>

#include "repository_state.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/json.h"

namespace tufkey::ceremony {
namespace {

core::Result<detail::ResignPlan> plan_for(const std::vector<std::string>& roles) {
    if (roles.empty()) return detail::ResignPlan{true, true};
    detail::ResignPlan plan{false, false};
    for (const auto& role : roles) {
        if (role == "snapshot") {
            plan.snapshot = true;
        } else if (role == "timestamp") {
            plan.timestamp = true;
        } else {
            return core::Error(core::ErrorCode::usage,
                               "refresh re-signs snapshot and timestamp only, not \"" + role +
                                   "\" (targets is re-signed by 'tufkey sign'; see docs/rotation.md for root)");
        }
    }
    return plan;
}

std::string expires_of(const detail::RoleUpdate& update, tuf::Dialect dialect) {
    auto envelope = tuf::parse_envelope(dialect, update.bytes, update.role.str());
    if (!envelope) return {};
    const tuf::Json* expires = envelope->signed_part.find("expires");
    return expires != nullptr && expires->is_string() ? expires->as_string() : std::string();
}

}  // namespace

core::Result<RefreshReport> refresh_repository(KeyAccess& access, const RefreshRequest& request) {
    TUFKEY_TRY(auto plan, plan_for(request.roles));
    TUFKEY_TRY_VOID(check_gun(request.gun));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey refresh " + request.gun));
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, request.gun, true));
    detail::Keyring keyring(access);
    const tuf::Instant now = std::chrono::system_clock::now();
    TUFKEY_TRY(auto updates, detail::resign_snapshot_timestamp(state, keyring, {}, plan, now));
    tuf::JsonArray roles;
    for (const auto& u : updates) roles.push_back(u.role.str());
    RefreshReport report;
    report.gun = request.gun;
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
