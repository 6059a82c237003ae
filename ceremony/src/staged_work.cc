#include "staged_work.h"

#include <algorithm>

#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::RoleName;

bool carries_work(const RoleName& role) {
    return role.kind() == tuf::RoleKind::root || role.kind() == tuf::RoleKind::targets || role.is_delegated();
}

std::uint64_t base_version(const RepositoryConfig& config, const RoleName& role) {
    std::uint64_t base = 0;
    for (const auto* map : {&config.published, &config.synced}) {
        if (auto it = map->find(role.str()); it != map->end()) base = std::max(base, it->second);
    }
    return base;
}

std::optional<tuf::Targets> decode(tuf::Dialect dialect, const RoleName& role, const std::string* bytes) {
    if (bytes == nullptr) return std::nullopt;
    auto envelope = tuf::parse_envelope(dialect, *bytes, role.str());
    if (!envelope) return std::nullopt;
    auto targets = tuf::decode_targets(dialect, envelope->signed_part);
    if (!targets) return std::nullopt;
    return std::move(*targets);
}

// The tags of the local role that the incoming one lacks or lists with other content, then the
// tags only the incoming one lists (an unsign made here would be undone by it).
std::vector<std::string> lost_tags(tuf::Dialect dialect, const RoleName& role, const std::string& local,
                                   const std::string* incoming) {
    std::vector<std::string> lost;
    auto mine = decode(dialect, role, &local);
    if (!mine) return lost;
    auto theirs = decode(dialect, role, incoming);
    for (const auto& [path, file] : mine->targets) {
        const tuf::TargetFile* other = nullptr;
        if (theirs) {
            if (auto it = theirs->targets.find(path); it != theirs->targets.end()) other = &it->second;
        }
        if (other == nullptr || other->length != file.length || other->hashes != file.hashes) lost.push_back(path);
    }
    if (theirs) {
        for (const auto& [path, file] : theirs->targets) {
            if (!mine->targets.contains(path)) lost.push_back(path + " (not here; the incoming copy has it)");
        }
    }
    return lost;
}

std::string describe(const RoleName& role, std::uint64_t version, const std::vector<std::string>& tags) {
    std::string text = role.str() + " v" + std::to_string(version);
    if (tags.empty()) return text;
    text += " (tags ";
    for (std::size_t i = 0; i < tags.size() && i < 10; ++i) text += (i ? ", " : "") + tags[i];
    if (tags.size() > 10) text += ", and " + std::to_string(tags.size() - 10) + " more";
    return text + ")";
}

// Descriptions of the home's staged roles that `incoming` replaces with other bytes (every
// staged role when `incoming` is null).
core::Result<std::vector<std::string>> staged_roles_replaced(const Repository& repo, const MetadataSet* incoming) {
    std::vector<std::string> lost;
    if (!repo.exists()) return lost;
    TUFKEY_TRY(auto config, repo.load_config());
    TUFKEY_TRY(auto local, read_local_set(repo, config.dialect));
    for (const auto& [role, bytes] : local.roles) {
        if (!carries_work(role)) continue;
        TUFKEY_TRY(auto version, file_version(config.dialect, role, bytes));
        if (version <= base_version(config, role)) continue;
        const std::string* theirs = incoming != nullptr ? incoming->find(role) : nullptr;
        if (theirs != nullptr && *theirs == bytes) continue;
        lost.push_back(describe(role, version, lost_tags(config.dialect, role, bytes, theirs)));
    }
    return lost;
}

}  // namespace

core::Result<std::map<std::string, std::string>> rollback_baseline(const Repository& repo, tuf::Dialect dialect) {
    TUFKEY_TRY(auto staged, staged_roles_replaced(repo, nullptr));
    if (!staged.empty()) return std::map<std::string, std::string>{};
    return local_baseline(repo, dialect);
}

core::Result<void> check_not_rolled_back(const Repository& repo, const MetadataSet& incoming) {
    if (!repo.exists()) return core::success();
    TUFKEY_TRY(auto config, repo.load_config());
    for (const auto& [role, bytes] : incoming.roles) {
        TUFKEY_TRY(auto version, file_version(incoming.dialect, role, bytes));
        const std::uint64_t seen = base_version(config, role);
        if (version < seen)
            return core::Error(core::ErrorCode::trust, role.str() + ": version " + std::to_string(version) +
                                                           " is older than version " + std::to_string(seen) +
                                                           " this home already saw (a rollback); nothing was changed");
    }
    return core::success();
}

core::Result<void> check_staged_work_kept(const Repository& repo, const MetadataSet& incoming, bool discard_staged,
                                          std::string_view command) {
    if (discard_staged) return core::success();
    TUFKEY_TRY(auto lost, staged_roles_replaced(repo, &incoming));
    if (lost.empty()) return core::success();
    std::string list;
    for (const auto& l : lost) list += (list.empty() ? "" : "; ") + l;
    return core::Error(core::ErrorCode::refused,
                       std::string(command) + " would discard unpublished changes of this home to " + repo.gun() +
                           ": " + list + ". Publish them first ('tufkey publish " + repo.gun() +
                           "'), or pass --discard-staged to drop them on purpose and sign them again afterwards");
}

core::Result<void> record_synced(RepositoryConfig& config, const MetadataSet& set, bool published) {
    for (const auto& [role, bytes] : set.roles) {
        TUFKEY_TRY(auto version, file_version(set.dialect, role, bytes));
        config.synced[role.str()] = version;
        if (published) config.published[role.str()] = version;
    }
    return core::success();
}

}  // namespace tufkey::ceremony::detail
