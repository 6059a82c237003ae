#include "tufkey/ceremony/publish.h"

#include <chrono>
#include <optional>
#include <system_error>
#include <utility>

#include "metadata_set.h"
#include "publish_server.h"
#include "pipeline.h"
#include "policy_document.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/remote/downloader.h"
#include "tufkey/tuf/envelope.h"

namespace tufkey::ceremony {
namespace {

namespace fs = std::filesystem;
using detail::MetadataSet;
using tuf::Dialect;
using tuf::RoleName;

struct OutFile final {
    std::string path;  // relative to the destination
    const std::string* bytes = nullptr;
    std::optional<RoleName> current;  // set for a mutable "<role>.json": the role it holds
};

struct Layout final {
    std::vector<OutFile> immutable;
    std::vector<OutFile> current;
};

std::string hex(core::ByteView digest) { return core::hex_encode(digest); }

void add_hash_names(Layout& out, const std::string& prefix, const std::string& name, const std::string& bytes) {
    out.immutable.push_back({prefix + name + "." + hex(core::sha256(core::as_bytes(bytes))) + ".json", &bytes, {}});
    out.immutable.push_back({prefix + name + "." + hex(core::sha512(core::as_bytes(bytes))) + ".json", &bytes, {}});
}

// The order roles are made current in: root, delegated roles, targets, snapshot, timestamp.
std::vector<RoleName> current_order(const MetadataSet& set) {
    std::vector<RoleName> order{RoleName::root()};
    for (const auto& [role, bytes] : set.roles) {
        if (role.is_delegated()) order.push_back(role);
    }
    order.insert(order.end(), {RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()});
    return order;
}

Layout notary_layout(const MetadataSet& set, const std::map<RoleName, std::uint64_t>& versions,
                     const std::string& gun) {
    Layout out;
    const std::string prefix = "v2/" + gun + "/_trust/tuf/";
    for (const auto& [version, bytes] : set.root_chain) {
        out.immutable.push_back({prefix + std::to_string(version) + ".root.json", &bytes, {}});
        add_hash_names(out, prefix, "root", bytes);
    }
    for (const auto& role : current_order(set)) {
        const std::string& bytes = set.roles.at(role);
        if (role.kind() != tuf::RoleKind::root) {
            out.immutable.push_back(
                {prefix + std::to_string(versions.at(role)) + "." + role.str() + ".json", &bytes, {}});
            if (role.kind() != tuf::RoleKind::timestamp) add_hash_names(out, prefix, role.str(), bytes);
        }
        out.current.push_back({prefix + role.str() + ".json", &bytes, role});
    }
    return out;
}

Layout tuf_layout(const MetadataSet& set, const std::map<RoleName, std::uint64_t>& versions, bool consistent) {
    Layout out;
    for (const auto& [version, bytes] : set.root_chain)
        out.immutable.push_back({std::to_string(version) + ".root.json", &bytes, {}});
    for (const auto& role : current_order(set)) {
        const std::string& bytes = set.roles.at(role);
        const bool always_current = role.kind() == tuf::RoleKind::root || role.kind() == tuf::RoleKind::timestamp;
        // Clients ask for "targets%2Fa.json"; most web servers (nginx, python's http.server)
        // decode that to "targets/a.json" before they look for the file, so a delegated name that
        // percent-encoding changes is written under both names (only names `delegation add`
        // accepts, whose decoded form stays inside the destination).
        std::vector<std::string> names{role.quoted() + ".json"};
        if (role.is_delegated() && role.quoted() != role.str() && RoleName::new_delegated(set.dialect, role.str()).ok())
            names.push_back(role.str() + ".json");
        for (const auto& name : names) {
            if (!always_current) out.immutable.push_back({std::to_string(versions.at(role)) + "." + name, &bytes, {}});
            if (always_current || !consistent) out.current.push_back({name, &bytes, role});
        }
    }
    return out;
}

// The destination of a static repository (publish.h: --to, remembered, origin, --server).
std::string chosen_destination(const PublishRequest& request, const RepositoryConfig& config) {
    if (!request.to.empty()) return request.to;
    if (!config.publish_to.empty()) return config.publish_to;
    if (config.origin.starts_with("file://") || fs::path(config.origin).is_absolute()) return config.origin;
    return request.server;
}

core::Result<fs::path> destination(const std::string& gun, const std::string& to) {
    if (to.empty())
        return core::Error(core::ErrorCode::usage, "publish needs a destination for " + gun + ": run 'tufkey publish " +
                                                       gun +
                                                       " --to DIR' once (a directory any web server can serve); "
                                                       "later publishes remember it");
    if (remote::is_http_url(to))
        return core::Error(core::ErrorCode::usage,
                           "this repository is published as static files (its timestamp key is in this home), and a "
                           "Notary server at " +
                               remote::redact_url(to) +
                               " signs timestamps itself: publish with --to DIR, or make a server repository with "
                               "'tufkey init GUN --server URL'");
    fs::path path(to);
    if (to.starts_with("file://")) {
        TUFKEY_TRY(auto decoded, remote::file_url_path(to));
        path = fs::path(decoded);
    } else if (to.find("://") != std::string::npos) {
        return core::Error(core::ErrorCode::usage, "--to " + to + ": use a directory, a file:// URL");
    }
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec) return core::Error(core::ErrorCode::io, "cannot resolve " + to + ": " + ec.message());
    absolute = absolute.lexically_normal();
    return absolute.has_filename() ? absolute : absolute.parent_path();
}

core::Result<std::optional<std::string>> existing(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::optional<std::string>();
    TUFKEY_TRY(auto bytes, core::read_file(path, tuf::kMaxMetadataLength));
    return std::optional<std::string>(core::to_string(bytes));
}

// Refuses the publish when any file already there disagrees (see publish.h); nothing is written.
core::Result<void> check_conflicts(const fs::path& dir, const Layout& layout, Dialect dialect,
                                   const std::map<RoleName, std::uint64_t>& versions) {
    for (const auto& f : layout.immutable) {
        TUFKEY_TRY(auto old, existing(dir / f.path));
        if (old && *old != *f.bytes)
            return core::Error(core::ErrorCode::refused,
                               (dir / f.path).string() +
                                   " already holds different metadata under the same version or "
                                   "hash (version conflict); pull, or publish to a new directory");
    }
    for (const auto& f : layout.current) {
        TUFKEY_TRY(auto old, existing(dir / f.path));
        if (!old || *old == *f.bytes) continue;
        auto old_version = detail::file_version(dialect, *f.current, *old);
        if (!old_version)
            return core::Error(
                core::ErrorCode::refused,
                (dir / f.path).string() + " is not metadata tufkey can read; remove it or publish elsewhere");
        if (*old_version >= versions.at(*f.current))
            return core::Error(core::ErrorCode::refused,
                               (dir / f.path).string() + " holds " + f.current->str() + " version " +
                                   std::to_string(*old_version) + ", not older than this home's version " +
                                   std::to_string(versions.at(*f.current)) + " (version conflict): pull it first");
    }
    return core::success();
}

core::Result<bool> write_one(const fs::path& dir, const OutFile& f) {
    const fs::path path = dir / f.path;
    TUFKEY_TRY(auto old, existing(path));
    if (old && *old == *f.bytes) return false;
    TUFKEY_TRY_VOID(core::make_directories(path.parent_path(), 0755));
    TUFKEY_TRY_VOID(core::write_file_atomic(path, *f.bytes, 0644));
    return true;
}

// Verifies the home's set as a client would, from the oldest kept root.
core::Result<void> verify_before_publish(const MetadataSet& set, const std::string& gun) {
    const detail::PipelineRequest request{{&tuf::DialectProfile::of(set.dialect), ""},
                                          set.root_chain.begin()->second,
                                          gun,
                                          std::chrono::system_clock::now(),
                                          detail::Walk::every_role};
    auto verified = detail::verify_local_set(set, "the home", request);
    if (!verified) {
        core::Error refused = verified.error();
        refused.message = "refusing to publish " + gun + ", clients would reject it: " + refused.message +
                          " (run 'tufkey status " + gun + "'; 'tufkey refresh " + gun +
                          "' renews snapshot and timestamp)";
        return refused;
    }
    if (verified->roles.size() != set.roles.size())
        return core::Error(
            core::TrustReason::delegation,
            "refusing to publish " + gun + ": the snapshot lists a role that no trusted role delegates to");
    return core::success();
}

// What publish does with the expiry policy (tufkey-policy.json beside timestamp.json). Only a
// policy that verifies against the current root is published: after a root rotation that
// finished without a threshold of the new root's tokens in one room, the home's policy is
// signed by a former root, is left out (warning), and a stale one at the destination is
// removed, since every pull would refuse it.
struct PolicyPlan final {
    std::optional<OutFile> write;
    std::optional<std::string> remove;  // relative path of a stale policy at the destination
};

core::Result<void> remove_one(const fs::path& path) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) return core::Error(core::ErrorCode::io, "cannot remove " + path.string() + ": " + ec.message());
    return core::success();
}

bool verifies(const Repository& repo, const MetadataSet& set, const std::string& bytes) {
    return detail::verify_policy(set.dialect, bytes, set.roles.at(RoleName::root()), repo.gun()).ok();
}

// The policy at the destination may be replaced only by a newer version (or the same bytes);
// a tuf role file of the same name (a delegation named "tufkey-policy" without consistent
// snapshots) is refused too.
core::Result<PolicyPlan> plan_policy(const fs::path& dir, const Layout& layout, const Repository& repo,
                                     const MetadataSet& set, const std::optional<std::string>& home_policy,
                                     std::vector<std::string>& warnings) {
    const std::string prefix = set.dialect == Dialect::notary ? "v2/" + repo.gun() + "/_trust/tuf/" : "";
    const std::string path = prefix + std::string(detail::kPolicyFileName);
    PolicyPlan plan;
    TUFKEY_TRY(auto old, existing(dir / path));
    const bool old_valid = old && verifies(repo, set, *old);
    if (old && !old_valid) {
        plan.remove = path;
        warnings.push_back("removed " + (dir / path).string() +
                           ": it is not signed by the current root keys, and every pull would refuse it");
    }
    if (!home_policy) return plan;
    if (!verifies(repo, set, *home_policy)) {
        warnings.push_back("the expiry policy of " + repo.gun() +
                           " is not signed by the current root keys (signed before a root rotation?) and was not "
                           "published: sign it again with 'tufkey policy " +
                           repo.gun() + " --expires ROLE=DURATION' where a threshold of the root tokens is");
        return plan;
    }
    for (const auto* part : {&layout.immutable, &layout.current}) {
        for (const auto& f : *part) {
            if (f.path == path)
                return core::Error(core::ErrorCode::refused, "a role file of this repository is named " + f.path +
                                                                 ", where tufkey publishes the expiry policy");
        }
    }
    if (old_valid && *old != *home_policy) {
        TUFKEY_TRY(auto theirs, detail::decode_policy(set.dialect, *old));
        TUFKEY_TRY(auto ours, detail::decode_policy(set.dialect, *home_policy));
        if (theirs.version >= ours.version)
            return core::Error(core::ErrorCode::refused,
                               (dir / path).string() + " holds expiry policy version " +
                                   std::to_string(theirs.version) + ", not older than this home's version " +
                                   std::to_string(ours.version) + " (version conflict): pull it first");
    }
    plan.write = OutFile{path, &*home_policy, {}};
    return plan;
}

core::Result<void> record(const Repository& repo, keystore::HomeTransaction& tx, const PublishReport& report) {
    TUFKEY_TRY(auto config, repo.load_config());
    bool changed = config.publish_to != report.directory.string();
    config.publish_to = report.directory.string();
    for (const auto& f : report.files) changed = changed || f.written;
    for (const auto& [role, version] : report.versions) {
        const auto value = static_cast<std::uint64_t>(version.value());
        changed = changed || config.published[role.str()] != value;
        config.published[role.str()] = value;
    }
    if (!changed) return core::success();  // publishing the same state again changes nothing
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    tuf::JsonObject written;
    for (const auto& f : report.files) {
        if (f.written) written[f.path] = true;
    }
    tuf::JsonObject versions;
    for (const auto& [role, version] : report.versions) versions[role.str()] = version.value();
    Transcript transcript(repo.transcript_file(), repo.gun());
    return transcript.append(tx, "publish",
                             tuf::JsonObject{{"to", report.directory.string()},
                                             {"versions", std::move(versions)},
                                             {"files_written", std::move(written)}});
}

}  // namespace

core::Result<PublishReport> publish_repository(const keystore::TrustHome& home, const PublishRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    Repository repo(home, request.gun);
    if (repo.exists()) {
        TUFKEY_TRY(auto server_config, repo.load_config());
        if (server_config.on_server()) {
            if (!request.to.empty() && request.to != server_config.origin)
                return core::Error(core::ErrorCode::usage,
                                   request.gun + " lives on the Notary server " + server_config.origin +
                                       ", which signs its timestamp: publish it with 'tufkey publish " + request.gun +
                                       "' (no --to)");
            return detail::publish_to_server(home, repo, server_config);
        }
    }
    TUFKEY_TRY(auto config, repo.load_config());
    TUFKEY_TRY(const fs::path dir, destination(request.gun, chosen_destination(request, config)));
    TUFKEY_TRY(auto lock, home.lock("tufkey publish " + request.gun));
    TUFKEY_TRY(auto set, detail::read_local_set(repo, config.dialect));
    TUFKEY_TRY_VOID(verify_before_publish(set, request.gun));

    std::map<RoleName, std::uint64_t> versions;
    PublishReport report;
    report.directory = dir;
    report.dialect = config.dialect;
    TUFKEY_TRY(report.versions, detail::role_versions(set));
    for (const auto& [role, version] : report.versions) versions[role] = static_cast<std::uint64_t>(version.value());
    TUFKEY_TRY(auto root, tuf::parse_envelope(config.dialect, set.roles.at(RoleName::root()), "root"));
    const tuf::Json* consistent = root.signed_part.find("consistent_snapshot");
    TUFKEY_TRY(auto policy_bytes, detail::read_home_policy(repo));
    const Layout layout =
        config.dialect == Dialect::notary
            ? notary_layout(set, versions, request.gun)
            : tuf_layout(set, versions, consistent != nullptr && consistent->is_bool() && consistent->as_bool());
    TUFKEY_TRY_VOID(check_conflicts(dir, layout, config.dialect, versions));
    TUFKEY_TRY(const PolicyPlan policy, plan_policy(dir, layout, repo, set, policy_bytes, report.warnings));
    TUFKEY_TRY_VOID(core::make_directories(dir, 0755));
    // What an interrupted publish left half-written is never served (the home lock is held).
    core::remove_stale_temporaries(dir);
    // The policy goes before the current files: a client that sees the new timestamp finds it.
    std::vector<OutFile> policy_part;
    if (policy.write) policy_part.push_back(*policy.write);
    if (policy.remove) TUFKEY_TRY_VOID(remove_one(dir / *policy.remove));
    const std::size_t total = layout.immutable.size() + policy_part.size() + layout.current.size();
    for (const std::vector<OutFile>* part : {&layout.immutable, &std::as_const(policy_part), &layout.current}) {
        for (const auto& f : *part) {
            core::report_progress(request.progress, "publishing " + request.gun, report.files.size(), total);
            TUFKEY_TRY(bool written, write_one(dir, f));
            report.files.push_back({f.path, written});
        }
    }
    keystore::HomeTransaction tx(home, lock);
    TUFKEY_TRY_VOID(record(repo, tx, report));
    TUFKEY_TRY_VOID(tx.commit());
    return report;
}

}  // namespace tufkey::ceremony
