#include "tufkey/ceremony/list.h"

#include <limits>

#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/status.h"

namespace tufkey::ceremony {

std::vector<RepositorySummary> list_repositories(const keystore::TrustHome& home, tuf::Instant now) {
    std::vector<RepositorySummary> out;
    for (const auto& gun : home_guns(home)) {
        RepositorySummary summary;
        summary.gun = gun;
        summary.managed = Repository(home, gun).exists();
        auto status = repository_status(home, {gun, {}, now});
        if (!status) {
            summary.problem = status.error().message;
            out.push_back(std::move(summary));
            continue;
        }
        summary.dialect = status->dialect;
        summary.staged_root = status->staged_root;
        summary.publish_destination = status->publish_destination;
        for (const auto& role : status->unpublished) summary.unpublished.push_back(role.str());
        summary.inside_window = !status->expiring.empty();
        std::int64_t nearest = std::numeric_limits<std::int64_t>::max();
        for (const auto& r : status->roles) {
            if (r.role.kind() == tuf::RoleKind::root)
                summary.root_version = static_cast<std::uint64_t>(r.version.value());
            if (r.server_managed || r.seconds_left >= nearest) continue;
            nearest = r.seconds_left;
            summary.next_role = r.role.str();
            summary.next_expires = r.expires;
            summary.next_seconds_left = r.seconds_left;
        }
        out.push_back(std::move(summary));
    }
    return out;
}

}  // namespace tufkey::ceremony
