#include "tufkey/ceremony/verify.h"

#include "tufkey/ceremony/status.h"

#include <algorithm>
#include <set>

#include "pipeline.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/notary_root.h"
#include "tufkey/tuf/path_match.h"

namespace tufkey::ceremony {
namespace {

using tuf::RoleName;

core::Error trust(core::TrustReason reason, const std::string& message) { return core::Error(reason, message); }

std::string no_trust_data(const VerifyRequest& request) {
    return "No valid trust data for " + request.gun + (request.tag ? ":" + *request.tag : std::string());
}

struct Anchor final {
    std::string bytes;
    std::vector<std::uint64_t> kept;
    std::optional<std::string> current_root;  // metadata/root.json
};

core::Result<Anchor> load_anchor(const Repository& repo) {
    Anchor anchor;
    TUFKEY_TRY(anchor.kept, repo.root_versions());
    TUFKEY_TRY(anchor.current_root, repo.read_current_root());
    if (!anchor.kept.empty()) {
        TUFKEY_TRY(anchor.bytes, repo.read_root_version(anchor.kept.front()));
    } else if (anchor.current_root) {
        anchor.bytes = *anchor.current_root;
    } else {
        return repo.unknown_repository();
    }
    if (!anchor.current_root)
        return trust(core::TrustReason::missing, "root: metadata/root.json is missing from the home");
    return anchor;
}

core::Result<void> check_dialect_setting(const Repository& repo, const tuf::DialectProfile& profile) {
    if (!repo.exists()) return core::success();
    TUFKEY_TRY(auto config, repo.load_config());
    if (config.dialect != profile.dialect())
        return trust(core::TrustReason::dialect_mismatch, std::string("root: written in the ") + profile.name() +
                                                              " dialect, but repository.json says " +
                                                              tuf::to_string(config.dialect));
    return core::success();
}

// metadata/root.json must be the newest root of the chain; notary: the snapshot's entry for
// root must match it too.
core::Result<void> check_root_consistency(const tuf::TrustedSet& set, const Anchor& anchor,
                                          detail::MemoryStore& store) {
    TUFKEY_TRY(auto final_root, store.load(tuf::metadata_file_name(RoleName::root())));
    if (!final_root || *final_root != *anchor.current_root) {
        return trust(core::TrustReason::rollback,
                     "root: metadata/root.json is not the newest root of the chain (version " +
                         std::to_string(set.root().version.value()) + ")");
    }
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(set.dialect());
    if (profile.snapshot_lists_root() && set.snapshot() != nullptr) {
        auto it = set.snapshot()->meta.find(profile.meta_key(RoleName::root()));
        if (it != set.snapshot()->meta.end()) TUFKEY_TRY_VOID(tuf::check_meta_file("root", it->second, *final_root));
    }
    return core::success();
}

template <typename T>
VerifiedRole role_entry(const RoleName& role, const T& metadata) {
    return {role, metadata.version, metadata.expires.to_string()};
}

void summarise(const tuf::TrustedSet& set, const tuf::RoleWalk& walk, VerifyReport& report) {
    report.roles.push_back(role_entry(RoleName::root(), set.root()));
    report.roles.push_back(role_entry(RoleName::timestamp(), *set.timestamp()));
    report.roles.push_back(role_entry(RoleName::snapshot(), *set.snapshot()));
    report.roles.push_back(role_entry(RoleName::targets(), *set.targets(RoleName::targets())));
    std::set<std::string> names;
    for (const auto& [path, file] : set.targets(RoleName::targets())->targets) names.insert(path);
    for (const auto& role : walk.verified) {
        const tuf::Targets* t = set.targets(role);
        report.roles.push_back(role_entry(role, *t));
        for (const auto& [path, file] : t->targets) names.insert(path);
    }
    for (const auto& role : walk.unlisted) report.unsigned_roles.push_back(role.str());
    report.target_count = names.size();
}

// The dialect's preferred role first (docker reads targets/releases first:
// GetTargetByName(tag, releases, targets)), when targets delegates to it and its paths cover the tag.
std::optional<tuf::TargetInfo> preferred_target(const tuf::TrustedSet& set, const std::string& tag) {
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(set.dialect());
    auto preferred = profile.preferred_tag_role();
    const tuf::Targets* top = set.targets(RoleName::targets());
    if (!preferred || top == nullptr || !top->delegations) return std::nullopt;
    const tuf::DelegatedRole* entry = top->delegations->find(*preferred);
    const tuf::Targets* t = set.targets(*preferred);
    if (entry == nullptr || t == nullptr || !tuf::role_covers_path(set.dialect(), *entry, tag)) return std::nullopt;
    auto it = t->targets.find(tag);
    if (it == t->targets.end()) return std::nullopt;
    return tuf::TargetInfo{tag, it->second, *preferred};
}

core::Result<VerifiedTarget> find_tag(tuf::Updater& updater, const tuf::TrustedSet& walked,
                                      const VerifyRequest& request) {
    const std::string& tag = *request.tag;
    std::optional<tuf::TargetInfo> found = preferred_target(walked, tag);
    if (!found) {
        TUFKEY_TRY(found, updater.find_target(tag));
    }
    if (!found) return trust(core::TrustReason::not_found, no_trust_data(request));
    VerifiedTarget target{tag, "", found->file.length, found->role};
    auto sha = found->file.hashes.find("sha256");
    if (sha == found->file.hashes.end())
        return trust(core::TrustReason::unsupported,
                     found->role.str() + ": target " + tag + " lists no sha256 digest; " + no_trust_data(request));
    target.sha256_hex = core::hex_encode(sha->second);
    return target;
}

// The client stops at the first failure; the person at the terminal wants every problem at
// once. After a trust failure the home's roles are read as `status` reads them, and every
// other expired role or unmet threshold is added to the one line.
core::Error with_every_problem(const keystore::TrustHome& home, const std::string& gun, core::Error failure,
                               tuf::Instant now) {
    if (failure.code != core::ErrorCode::trust) return failure;
    auto status = repository_status(home, {gun, {}, now});
    if (!status) return failure;
    std::vector<std::string> others;
    for (const auto& r : status->roles) {
        const std::string role = r.role.str();
        const bool named = failure.message.starts_with(role + ":") || failure.message.starts_with(role + ".json");
        if (r.expired && !(named && failure.reason == core::TrustReason::expired))
            others.push_back(role + " " + describe_time_left(r.seconds_left) + " (" + r.expires + ")");
        if (r.signers.size() < r.threshold && !(named && failure.reason == core::TrustReason::threshold))
            others.push_back(role + ": " + std::to_string(r.signers.size()) + " of " + std::to_string(r.threshold) +
                             " required valid signatures");
    }
    if (others.empty()) return failure;
    std::string list;
    for (const auto& o : others) list += (list.empty() ? "" : "; ") + o;
    failure.message += " (" + std::to_string(others.size() + 1) + " problems; also: " + list + ")";
    return failure;
}

}  // namespace

core::Result<VerifyReport> verify_repository(const keystore::TrustHome& home, const VerifyRequest& request,
                                             tuf::Instant now) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    Repository repo(home, request.gun);
    TUFKEY_TRY(auto anchor, load_anchor(repo));
    TUFKEY_TRY(const tuf::DialectProfile* profile, tuf::DialectProfile::detect(anchor.bytes));
    TUFKEY_TRY_VOID(check_dialect_setting(repo, *profile));

    TUFKEY_TRY(const detail::MetadataSet files, detail::read_home_set(repo, profile->dialect()));
    detail::PipelineRequest pipeline{{profile, "home"}, anchor.bytes, request.gun, now, detail::Walk::every_role};
    detail::LocalFetcher fetcher(files, pipeline.layout.base_url, "the home");
    detail::MemoryStore store(*profile, {});
    auto pipeline_result = detail::run_pipeline(pipeline, fetcher, store);
    if (!pipeline_result) return with_every_problem(home, request.gun, pipeline_result.error(), now);
    auto verified = std::move(*pipeline_result);
    TUFKEY_TRY_VOID(check_root_consistency(verified.trusted, anchor, store));

    VerifyReport report;
    report.gun = request.gun;
    report.dialect = profile->dialect();
    const auto first = tuf::TrustedSet::create(profile->dialect(), anchor.bytes, now);
    report.root_chain =
        first ? static_cast<std::size_t>(verified.trusted.root().version.value() - first->root().version.value() + 1)
              : 1;
    summarise(verified.trusted, verified.walk, report);
    if (request.tag) {
        TUFKEY_TRY(report.target, find_tag(verified.updater, verified.trusted, request));
    }
    return report;
}

core::Result<std::vector<core::PublicKey>> repository_root_keys(const Repository& repository) {
    std::vector<std::string> files;
    TUFKEY_TRY(auto kept, repository.root_versions());
    for (auto v : kept) {
        TUFKEY_TRY(files.emplace_back(), repository.read_root_version(v));
    }
    if (files.empty()) {
        TUFKEY_TRY(auto current, repository.read_current_root());
        if (!current) return repository.unknown_repository();
        files.push_back(std::move(*current));
    }
    return root_keys_of(files);
}

core::Result<std::vector<core::PublicKey>> root_keys_of(const std::vector<std::string>& files) {
    std::vector<core::PublicKey> keys;
    for (const auto& bytes : files) {
        TUFKEY_TRY(auto dialect, tuf::detect_dialect(bytes));
        TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, "root"));
        TUFKEY_TRY(auto root, tuf::decode_root(dialect, envelope.signed_part));
        for (const auto& id : root.root.keyids) {
            auto it = root.keys.find(id);
            if (it == root.keys.end() || !it->second.public_key()) continue;
            const auto& key = *it->second.public_key();
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
        }
    }
    return keys;
}

}  // namespace tufkey::ceremony
