#include "tufkey/tuf/updater.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "tufkey/core/encoding.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/hashed_bins.h"
#include "tufkey/tuf/path_match.h"

namespace tufkey::tuf {
namespace {

constexpr const char* kTimestampFile = "timestamp.json";
constexpr const char* kSnapshotFile = "snapshot.json";

std::string strip_trailing_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

core::Error trust(core::TrustReason reason, const std::string& context, const std::string& problem) {
    return core::Error(reason, context + ": " + problem);
}

// The URL path of a target: "dir/HASH.name" under consistent snapshots, else the path.
std::string target_url_path(const TargetInfo& target, bool consistent) {
    if (!consistent || target.file.hashes.empty()) return percent_encode(target.path, true);
    const std::string hash = core::hex_encode(target.file.hashes.begin()->second);
    const auto slash = target.path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : target.path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? target.path : target.path.substr(slash + 1);
    return percent_encode(dir, true) + hash + "." + percent_encode(name, false);
}

}  // namespace

std::string percent_encode(std::string_view text, bool keep_slash) {
    return core::percent_encode(text, keep_slash ? "/" : "");
}

std::string metadata_file_name(const RoleName& role) { return role.quoted() + ".json"; }

std::string target_file_name(std::string_view target_path) {
    if (target_path == ".") return "%2E";
    if (target_path == "..") return "%2E%2E";
    return percent_encode(target_path, false);
}

Updater::Updater(std::string base, Fetcher& fetcher, MetadataStore& store, TrustedSet trusted, UpdaterLimits limits)
    : m_base(std::move(base)),
      m_fetcher(&fetcher),
      m_store(&store),
      m_trusted(std::move(trusted)),
      m_limits(limits),
      m_profile(&DialectProfile::of(m_trusted.dialect())) {}

core::Result<Updater> Updater::create(Dialect dialect, std::string metadata_base_url, Fetcher& fetcher,
                                      MetadataStore& store, Instant reference_time, UpdaterLimits limits) {
    TUFKEY_TRY(auto root_bytes, store.load(metadata_file_name(RoleName::root())));
    if (!root_bytes) {
        return core::Error(core::TrustReason::missing,
                           "root: no trusted root.json in the metadata directory; run init first");
    }
    TUFKEY_TRY(TrustedSet trusted, TrustedSet::create(dialect, *root_bytes, reference_time));
    return Updater(strip_trailing_slashes(std::move(metadata_base_url)), fetcher, store, std::move(trusted), limits);
}

std::string Updater::metadata_url(const RoleName& role, std::optional<Version> version) const {
    return m_base + "/" + m_profile->url_name(role, version);
}

core::Result<std::string> Updater::fetch_required(const std::string& url, std::size_t max_length) {
    TUFKEY_TRY(auto body, m_fetcher->fetch(url, max_length));
    if (!body) return core::Error(core::ErrorCode::remote, url + ": not found on the repository");
    return std::move(*body);
}

core::Result<void> Updater::refresh() {
    TUFKEY_TRY_VOID(load_root());
    TUFKEY_TRY_VOID(load_timestamp());
    TUFKEY_TRY_VOID(load_snapshot());
    TUFKEY_TRY_VOID(load_targets(RoleName::targets(), RoleName::root()));
    m_refreshed = true;
    return core::success();
}

core::Result<void> Updater::load_root() {
    const Root before = m_trusted.root();
    const std::int64_t first = before.version.value() + 1;
    const auto last = first + static_cast<std::int64_t>(m_limits.max_root_rotations);
    for (std::int64_t next = first; next < last; ++next) {
        TUFKEY_TRY(auto body,
                   m_fetcher->fetch(m_base + "/" + std::to_string(next) + ".root.json", m_limits.root_max_length));
        if (!body) break;
        TUFKEY_TRY_VOID(m_trusted.update_root(*body));
        TUFKEY_TRY_VOID(m_store->store(metadata_file_name(RoleName::root()), *body));
    }
    const Root& after = m_trusted.root();
    if (role_keys_rotated(before, after, RoleName::timestamp()) ||
        role_keys_rotated(before, after, RoleName::snapshot())) {
        TUFKEY_TRY_VOID(m_store->remove(kTimestampFile));
        TUFKEY_TRY_VOID(m_store->remove(kSnapshotFile));
    }
    return m_trusted.check_final_root();
}

core::Result<void> Updater::load_timestamp() {
    TUFKEY_TRY(auto local, m_store->load(kTimestampFile));
    if (local) (void)m_trusted.update_timestamp(*local);  // a stale local copy still guards rollback
    TUFKEY_TRY(std::string body,
               fetch_required(metadata_url(RoleName::timestamp(), std::nullopt), m_limits.timestamp_max_length));
    TUFKEY_TRY(TimestampUpdate outcome, m_trusted.update_timestamp(body));
    if (outcome == TimestampUpdate::unchanged) return core::success();
    return m_store->store(kTimestampFile, body);
}

core::Result<void> Updater::load_snapshot() {
    TUFKEY_TRY(auto local, m_store->load(kSnapshotFile));
    if (local && m_trusted.update_snapshot(*local, true)) return core::success();
    const MetaFile* meta = m_trusted.snapshot_meta();
    if (meta == nullptr) return trust(core::TrustReason::not_listed, "timestamp", "lists no snapshot");
    const bool consistent = m_trusted.root().consistent_snapshot.value_or(false);
    const std::string url = metadata_url(RoleName::snapshot(), consistent ? meta->version : std::nullopt);
    TUFKEY_TRY(std::string body, fetch_required(url, m_limits.cap(meta->length, m_limits.snapshot_max_length)));
    TUFKEY_TRY_VOID(m_trusted.update_snapshot(body, false));
    return m_store->store(kSnapshotFile, body);
}

core::Result<void> Updater::load_targets(const RoleName& role, const RoleName& delegator) {
    if (m_trusted.targets(role) != nullptr) return core::success();
    const std::string file_name = metadata_file_name(role);
    TUFKEY_TRY(auto local, m_store->load(file_name));
    if (local && m_trusted.update_targets(*local, role, delegator)) return core::success();
    const MetaFile* meta = m_trusted.role_meta(role);
    if (meta == nullptr)
        return trust(core::TrustReason::not_listed, role.str(), "not listed in the trusted snapshot; not fetching it");
    const bool consistent = m_trusted.root().consistent_snapshot.value_or(false);
    const std::string url = metadata_url(role, consistent ? meta->version : std::nullopt);
    TUFKEY_TRY(std::string body, fetch_required(url, m_limits.cap(meta->length, m_limits.targets_max_length)));
    TUFKEY_TRY_VOID(m_trusted.update_targets(body, role, delegator));
    return m_store->store(file_name, body);
}

core::Result<std::optional<TargetInfo>> Updater::find_target(std::string_view path) {
    if (!m_refreshed) TUFKEY_TRY_VOID(refresh());
    struct Visit {
        RoleName role;
        RoleName delegator;
    };
    std::vector<Visit> stack{{RoleName::targets(), RoleName::root()}};
    std::set<RoleName> visited;
    const std::string path_hash = path_hash_hex(path);
    while (!stack.empty() && visited.size() <= m_limits.max_delegations) {
        const Visit visit = stack.back();
        stack.pop_back();
        if (visited.contains(visit.role)) continue;
        if (visit.role != RoleName::targets() && m_trusted.targets(visit.role) == nullptr &&
            m_trusted.role_meta(visit.role) == nullptr && m_profile->search_skips_unlisted_roles()) {
            visited.insert(visit.role);  // notary: delegated, not signed yet
            continue;
        }
        TUFKEY_TRY_VOID(load_targets(visit.role, visit.delegator));
        const Targets& targets = *m_trusted.targets(visit.role);
        if (auto it = targets.targets.find(path); it != targets.targets.end()) {
            return std::optional<TargetInfo>(TargetInfo{std::string(path), it->second, visit.role});
        }
        visited.insert(visit.role);
        if (!targets.delegations) continue;
        std::vector<Visit> children;
        for (const DelegatedRole& child : targets.delegations->roles) {
            if (!role_covers_path(m_trusted.dialect(), child, path, path_hash)) continue;
            children.push_back({child.name, visit.role});
            if (child.terminating) {
                stack.clear();
                break;
            }
        }
        stack.insert(stack.end(), children.rbegin(), children.rend());
    }
    return std::optional<TargetInfo>();
}

core::Result<std::string> Updater::download_target(const TargetInfo& target, std::string_view target_base_url) {
    const bool consistent = m_trusted.root().consistent_snapshot.value_or(false);
    const std::string url =
        strip_trailing_slashes(std::string(target_base_url)) + "/" + target_url_path(target, consistent);
    TUFKEY_TRY(std::string body, fetch_required(url, target.file.length));
    TUFKEY_TRY_VOID(check_target_file("target " + target.path, target.file, body));
    return body;
}

}  // namespace tufkey::tuf
