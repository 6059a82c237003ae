#include "tufkey/ceremony/status.h"

#include <chrono>
#include <filesystem>

#include "repository_state.h"
#include "root_rotation.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony {
namespace {

using tuf::RoleName;

std::vector<std::string> valid_signers(const detail::RepositoryState& state, const detail::Authority& authority,
                                       const tuf::Envelope& envelope) {
    std::vector<std::string> out;
    const std::string message = envelope.signing_bytes();
    for (const auto& sig : envelope.signatures) {
        auto id = tuf::KeyId::parse(sig.keyid);
        if (!id) continue;
        bool authorised = false;
        for (const auto& k : authority.keyids) authorised = authorised || k == *id;
        auto key = authority.keys->find(*id);
        if (!authorised || key == authority.keys->end()) continue;
        if (tuf::signature_verifies(state.dialect(), key->second, sig, message))
            out.push_back(key->second.canonical_id().str());
    }
    return out;
}

RoleStatus role_status(const detail::RepositoryState& state, const RolePolicy& warn, const RoleName& role,
                       const detail::RoleFile& file, tuf::Version version, const tuf::Expiry& expires,
                       tuf::Instant now) {
    RoleStatus s;
    s.role = role;
    s.version = version;
    if (auto p = state.config().published.find(role.str()); p != state.config().published.end())
        s.published = p->second;
    s.unpublished = static_cast<std::uint64_t>(version.value()) > s.published;
    const RepositoryConfig& config = state.config();
    if (config.on_server() && role != RoleName::root()) {
        // A server repository's unpublished changes are what waits in outgoing/ (a pull or a
        // co-signer's publish moves the served versions without this home publishing).
        std::error_code ec;
        s.unpublished = std::filesystem::exists(state.repo().outgoing_file(state.dialect(), role), ec);
    }
    s.server_managed = config.server_manages(role.str());
    if (auto authority = state.authority(role)) {
        s.signers = valid_signers(state, *authority, file.envelope);
        s.threshold = authority->threshold;
    }
    s.expires = expires.to_string();
    auto now_s = std::chrono::time_point_cast<std::chrono::seconds>(now);
    s.seconds_left = (expires.seconds() - now_s).count();
    s.warn_window = warn.for_role(role.str());
    s.expired = expires.is_expired_at(now);
    // The server re-signs the roles it manages when they near expiry; nothing here can.
    s.inside_window = !s.server_managed && (s.expired || s.seconds_left <= s.warn_window.count());
    return s;
}

}  // namespace

std::string describe_time_left(std::int64_t seconds) {
    const bool past = seconds < 0;
    std::int64_t s = past ? -seconds : seconds;
    const std::int64_t years = s / (365 * 86400);
    s %= 365 * 86400;
    const std::int64_t days = s / 86400;
    const std::int64_t hours = (s % 86400) / 3600;
    std::string text;
    if (years > 0)
        text = std::to_string(years) + "y " + std::to_string(days) + "d";
    else if (days > 0)
        text = std::to_string(days) + "d " + std::to_string(hours) + "h";
    else
        text = std::to_string(hours) + "h " + std::to_string((s % 3600) / 60) + "m";
    return past ? "expired " + text + " ago" : text;
}

core::Result<StatusReport> repository_status(const keystore::TrustHome& home, const StatusRequest& request) {
    TUFKEY_TRY(auto state, detail::RepositoryState::load(home, request.gun, false));
    RolePolicy warn = state.config().warn;
    for (const auto& o : request.warn_overrides) TUFKEY_TRY_VOID(warn.apply_override(o));
    StatusReport report;
    report.gun = request.gun;
    report.dialect = state.dialect();
    const auto& root = state.root();
    report.roles.push_back(
        role_status(state, warn, RoleName::root(), state.root_file(), root.version, root.expires, request.now));
    for (const auto& t : state.targets_roles()) {
        if (!t.file) continue;
        report.roles.push_back(
            role_status(state, warn, t.name, *t.file, t.targets->version, t.targets->expires, request.now));
    }
    if (state.snapshot())
        report.roles.push_back(role_status(state, warn, RoleName::snapshot(), *state.snapshot_file(),
                                           state.snapshot()->version, state.snapshot()->expires, request.now));
    if (state.timestamp())
        report.roles.push_back(role_status(state, warn, RoleName::timestamp(), *state.timestamp_file(),
                                           state.timestamp()->version, state.timestamp()->expires, request.now));
    for (const auto& r : report.roles) {
        if (r.unpublished) report.unpublished.push_back(r.role);
        if (r.inside_window) report.expiring.push_back(r.role);
    }
    const RepositoryConfig& config = state.config();
    if (config.on_server() || !config.publish_to.empty())
        report.publish_destination = config.on_server() ? config.origin : config.publish_to;
    else if (config.origin.starts_with("file://") || std::filesystem::path(config.origin).is_absolute())
        report.publish_destination = config.origin;
    auto staged = detail::load_staged_root(state);
    if (!staged)
        report.staged_root = "unusable: " + staged.error().message;
    else if (*staged)
        report.staged_root =
            "version " + std::to_string((*staged)->root.version.value()) + ", signed by " + (*staged)->tally.describe();
    return report;
}

}  // namespace tufkey::ceremony
