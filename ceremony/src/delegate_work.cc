#include "delegate_work.h"

#include <algorithm>
#include <chrono>

#include "repository_state.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::RoleName;

// The delegated roles whose bytes the bundle's snapshot does not list.
std::vector<RoleName> unlisted_roles(const MetadataSet& bundle) {
    std::vector<RoleName> out;
    const std::string* snapshot_bytes = bundle.find(RoleName::snapshot());
    if (snapshot_bytes == nullptr) return out;
    auto envelope = tuf::parse_envelope(bundle.dialect, *snapshot_bytes, "snapshot");
    if (!envelope) return out;
    auto snapshot = tuf::decode_snapshot(bundle.dialect, envelope->signed_part);
    if (!snapshot) return out;
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(bundle.dialect);
    for (const auto& [role, bytes] : bundle.roles) {
        if (!role.is_delegated()) continue;
        auto listed = snapshot->meta.find(profile.meta_key(role));
        bool same = listed != snapshot->meta.end() && tuf::check_meta_file(role.str(), listed->second, bytes).ok();
        if (same && listed->second.version) {
            auto version = file_version(bundle.dialect, role, bytes);
            same = version && *version == static_cast<std::uint64_t>(listed->second.version->value());
        }
        if (!same) out.push_back(role);
    }
    return out;
}

}  // namespace

core::Result<AdoptedWork> adopt_delegate_work(KeyAccess& access, const Repository& repo, MetadataSet bundle) {
    const std::vector<RoleName> pending = unlisted_roles(bundle);
    AdoptedWork unchanged{std::move(bundle), {}};
    if (pending.empty() || !repo.exists()) return unchanged;
    TUFKEY_TRY(auto state, RepositoryState::load(access.home, repo.gun(), true));
    Keyring keyring(access);
    if (!keyring.holds_key_for(state, RoleName::snapshot()) || !keyring.holds_key_for(state, RoleName::timestamp()))
        return unchanged;
    TUFKEY_TRY(MetadataSet home, read_local_set(repo, state.dialect()));
    // The bundle's other roles must be ones this home already has (or older): only the
    // delegate's roles are new.
    for (const auto& [role, bytes] : unchanged.set.roles) {
        if (std::find(pending.begin(), pending.end(), role) != pending.end() || role == RoleName::snapshot() ||
            role == RoleName::timestamp())
            continue;
        const std::string* mine = home.find(role);
        if (mine == nullptr) return unchanged;
        auto theirs = file_version(state.dialect(), role, bytes);
        auto ours = file_version(state.dialect(), role, *mine);
        if (!theirs || !ours || *theirs > *ours || (*theirs == *ours && bytes != *mine)) return unchanged;
    }
    std::vector<RoleUpdate> changed;
    for (const auto& role : pending) {
        const TargetsRole* current = state.find_targets(role);
        if (current == nullptr) return unchanged;  // not delegated here: the import refuses it
        const std::string& bytes = unchanged.set.roles.at(role);
        TUFKEY_TRY(const std::uint64_t version, file_version(state.dialect(), role, bytes));
        TUFKEY_TRY(auto v, tuf::Version::create(static_cast<std::int64_t>(version)));
        changed.push_back(RoleUpdate{role, bytes, v});
    }
    TUFKEY_TRY(auto updates,
               resign_snapshot_timestamp(state, keyring, std::move(changed), {}, std::chrono::system_clock::now()));
    AdoptedWork out{std::move(home), pending};
    for (auto& u : updates) out.set.roles[u.role] = std::move(u.bytes);
    return out;
}

}  // namespace tufkey::ceremony::detail
