#include "tufkey/ceremony/pull.h"

#include <algorithm>
#include <chrono>

#include "metadata_set.h"
#include "pin_check.h"
#include "pipeline.h"
#include "policy_document.h"
#include "repository_state.h"
#include "server_settings.h"
#include "staged_work.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/remote/downloader.h"
#include "tufkey/remote/notary_server.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/root_forward.h"
#include "tufkey/tuf/notary_root.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony {
namespace {

using tuf::DialectProfile;

constexpr std::size_t kMaxRootSize = tuf::kDefaultRootLength;  // tuf/limits.h

struct Anchor final {
    std::string root;
    const DialectProfile* profile = nullptr;
    PullReport::Anchor kind = PullReport::Anchor::home;
    std::optional<tuf::RootPin> pin;      // --root over a home that already trusts a root
    std::string pinned{};                 // --root: the file's bytes
    std::optional<std::string> served{};  // --root: the current root.json the source serves
};

// Counts the files fetched for the progress line.
class CountingFetcher final : public tuf::Fetcher {
public:
    CountingFetcher(tuf::Fetcher& inner, core::Progress* progress, std::string what)
        : m_inner(inner), m_progress(progress), m_what(std::move(what)) {}
    core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override {
        core::report_progress(m_progress, m_what, ++m_count, 0);
        return m_inner.fetch(url, max_length);
    }

private:
    tuf::Fetcher& m_inner;
    core::Progress* m_progress;
    std::string m_what;
    std::uint64_t m_count = 0;
};

// The current root.json `source` serves for the GUN, in whichever layout it has one.
core::Result<std::optional<std::string>> fetch_served_root(tuf::Fetcher& fetcher, const std::string& source,
                                                           const std::string& gun) {
    std::optional<std::string> root;
    for (const DialectProfile* layout : DialectProfile::all()) {
        TUFKEY_TRY(root, fetcher.fetch(layout->metadata_base(source, gun) + "/root.json", kMaxRootSize));
        if (root) break;
    }
    return root;
}

// Trust on first use: the current root the source serves, shown and confirmed.
core::Result<Anchor> first_use_anchor(KeyAccess& access, tuf::Fetcher& fetcher, const PullRequest& request,
                                      const std::string& source) {
    TUFKEY_TRY(auto root, fetch_served_root(fetcher, source, request.gun));
    if (!root)
        return core::Error(core::TrustReason::missing, remote::redact_url(source) + " does not have trust data for " +
                                                           request.gun + " (no root.json)");
    TUFKEY_TRY(const DialectProfile* profile, DialectProfile::detect(*root));
    const auto now = std::chrono::system_clock::now();
    TUFKEY_TRY(auto checked, tuf::TrustedSet::create(profile->dialect(), *root, now));
    if (profile->root_keys_are_certificates())  // what the notary client would refuse is never offered
        TUFKEY_TRY_VOID(tuf::check_notary_root_certificates(checked.root(), request.gun, now));
    TUFKEY_TRY_VOID(
        detail::confirm_first_use(access, request.gun, remote::redact_url(source), profile->dialect(), *root));
    return Anchor{std::move(*root), profile, PullReport::Anchor::first_use, std::nullopt};
}

// A root pinned in one dialect for a source that serves only the other: a repository that
// `tufkey migrate` moved to the other dialect (migrate.h). Its first root (1.root.json) must
// carry valid signatures by a threshold of the pinned root's keys (as the plain keys of its own
// dialect); it then becomes the anchor, and its chain is walked as usual. nullopt: the source
// serves the pinned dialect (or nothing), the usual path.
core::Result<std::optional<Anchor>> migrated_anchor(tuf::Fetcher& fetcher, const PullRequest& request,
                                                    const std::string& source, const std::string& pinned,
                                                    const DialectProfile& pinned_profile) {
    TUFKEY_TRY(auto same,
               fetcher.fetch(pinned_profile.metadata_base(source, request.gun) + "/root.json", kMaxRootSize));
    if (same) return std::optional<Anchor>();
    for (const DialectProfile* other : DialectProfile::all()) {
        if (other->dialect() == pinned_profile.dialect()) continue;
        TUFKEY_TRY(auto first, fetcher.fetch(other->metadata_base(source, request.gun) + "/1.root.json", kMaxRootSize));
        if (!first) continue;
        TUFKEY_TRY(auto old_envelope, tuf::parse_envelope(pinned_profile.dialect(), pinned, request.root_file));
        TUFKEY_TRY(auto old_root, tuf::decode_root(pinned_profile.dialect(), old_envelope.signed_part));
        tuf::KeyMap keys;
        std::vector<tuf::KeyId> ids;
        for (const auto& id : old_root.root.keyids) {
            auto it = old_root.keys.find(id);
            if (it == old_root.keys.end() || !it->second.public_key()) continue;
            tuf::Key plain = other->metadata_key(*it->second.public_key());
            ids.push_back(plain.id());
            keys.emplace(plain.id(), std::move(plain));
        }
        TUFKEY_TRY(auto envelope, tuf::parse_envelope(other->dialect(), *first, "1.root.json"));
        auto signed_by_old = tuf::verify_signatures(other->dialect(), tuf::RoleName::root(), envelope, keys, ids,
                                                    old_root.root.threshold);
        if (!signed_by_old)
            return signed_by_old.error().with_context(
                remote::redact_url(source) + " serves " + request.gun + " in the " + other->name() +
                " dialect, and its first root is not signed by the root keys of " + request.root_file);
        return std::optional<Anchor>(Anchor{std::move(*first), other, PullReport::Anchor::pinned, std::nullopt});
    }
    return std::optional<Anchor>();
}

core::Result<Anchor> choose_anchor(KeyAccess& access, tuf::Fetcher& fetcher, const PullRequest& request,
                                   const Repository& repo, const std::string& source) {
    TUFKEY_TRY(auto home_root, repo.read_current_root());
    if (!request.root_file.empty()) {
        TUFKEY_TRY(auto bytes, core::read_file(request.root_file, kMaxRootSize));
        std::string root = core::to_string(bytes);
        auto profile = DialectProfile::detect(root);
        if (!profile) return profile.error().with_context(request.root_file);
        TUFKEY_TRY(auto served, fetch_served_root(fetcher, source, request.gun));
        if (!home_root) {
            // A move to another dialect (tufkey migrate): the pinned old root anchors the new
            // chain's root 1 when a threshold of its keys signed it; then the dialects differ on purpose.
            // When that fails, a pin of the wrong dialect is named as such first.
            auto moved = migrated_anchor(fetcher, request, source, root, **profile);
            if (moved.ok() && *moved) return std::move(**moved);
            if (!moved.ok()) {
                if (served)
                    TUFKEY_TRY_VOID(detail::check_pin_dialect(root, request.root_file, *served,
                                                              remote::redact_url(source), request.gun));
                return moved.error();
            }
        }
        if (served)
            TUFKEY_TRY_VOID(
                detail::check_pin_dialect(root, request.root_file, *served, remote::redact_url(source), request.gun));
        if (!home_root) return Anchor{root, *profile, PullReport::Anchor::pinned, std::nullopt, root, served};
        // The home's root stays the anchor: a pin may confirm it or a later version of its
        // chain, never replace it (tuf/root_forward.h).
        TUFKEY_TRY(const DialectProfile* home_profile, DialectProfile::detect(*home_root));
        TUFKEY_TRY(auto pin, tuf::compare_root_pin(home_profile->dialect(), *home_root, root,
                                                   detail::trusted_root_name(repo), detail::start_over_hint("pull")));
        return Anchor{std::move(*home_root), home_profile, PullReport::Anchor::pinned, std::move(pin)};
    }
    if (home_root) {
        TUFKEY_TRY(const DialectProfile* profile, DialectProfile::detect(*home_root));
        return Anchor{std::move(*home_root), profile, PullReport::Anchor::home, std::nullopt};
    }
    return first_use_anchor(access, fetcher, request, source);
}

core::Result<std::string> resolve_source(const PullRequest& request, const Repository& repo) {
    if (!request.from.empty()) return request.from;
    if (repo.exists()) {
        TUFKEY_TRY(auto config, repo.load_config());
        if (!config.origin.empty()) return config.origin;
    }
    return core::Error(core::ErrorCode::usage, "pull needs --from URL|DIR (where the repository is published)");
}

core::Result<void> record(const Repository& repo, keystore::HomeTransaction& tx, const PullReport& report,
                          const detail::MetadataSet& set, const std::optional<detail::VerifiedPolicy>& policy) {
    tuf::JsonObject files;
    for (const auto& [role, bytes] : set.roles) files[role.str()] = detail::sha256_hex(bytes);
    const char* anchor = report.anchor == PullReport::Anchor::pinned      ? "pinned"
                         : report.anchor == PullReport::Anchor::first_use ? "first-use"
                                                                          : "home";
    tuf::JsonObject fields{
        {"from", remote::redact_url(report.source)}, {"anchor", anchor}, {"files", std::move(files)}};
    if (policy) fields["policy"] = detail::policy_fields(*policy);
    Transcript transcript(repo.transcript_file(), repo.gun());
    return transcript.append(tx, "pull", std::move(fields));
}

// The expiry policy the source publishes beside timestamp.json, checked against the root the
// pull ended up trusting. Absent (an older publisher, a Notary server): the home keeps its own.
core::Result<std::optional<detail::VerifiedPolicy>> fetch_policy(tuf::Fetcher& fetcher, const Repository& repo,
                                                                 const DialectProfile& profile,
                                                                 const std::string& source,
                                                                 const detail::MetadataSet& set) {
    const std::string url = profile.metadata_base(source, repo.gun()) + "/" + std::string(detail::kPolicyFileName);
    TUFKEY_TRY(auto bytes, fetcher.fetch(url, detail::kMaxPolicySize));
    if (!bytes) return std::optional<detail::VerifiedPolicy>();
    auto checked = detail::check_incoming_policy(repo, set.dialect, *bytes, set.roles.at(tuf::RoleName::root()));
    if (!checked) return checked.error().with_context(remote::redact_url(url));
    return checked;
}

// The roles whose keys the Notary server at `source` holds, as root lists them: timestamp, and
// snapshot when this home holds no snapshot key. Empty for anything that is not a Notary server
// (a static web server answers the key request with 404): asking is best effort.
std::vector<std::string> server_managed_roles(KeyAccess& access, const Repository& repo,
                                              const keystore::HomeTransaction& tx, const detail::MetadataSet& set,
                                              const std::string& source, const TlsSettings& tls,
                                              const RepositoryConfig& config) {
    std::vector<std::string> managed;
    if (set.dialect != tuf::Dialect::notary || !remote::is_http_url(source)) return managed;
    auto server = remote::NotaryServer::open(source, repo.gun(), detail::download_options(tls));
    if (!server) return managed;
    auto root_envelope = tuf::parse_envelope(set.dialect, set.roles.at(tuf::RoleName::root()), "root");
    if (!root_envelope) return managed;
    auto root = tuf::decode_root(set.dialect, root_envelope->signed_part);
    if (!root) return managed;
    auto lists = [&](const tuf::RoleKeys& role, const std::string& body) {
        auto json = tuf::parse_json(body);
        if (!json) return false;
        auto key = tuf::Key::from_json(tuf::Dialect::notary, *json);
        if (!key) return false;
        return std::find(role.keyids.begin(), role.keyids.end(), key->id()) != role.keyids.end();
    };
    // The timestamp key is created by the server on the first request; notary clients ask too.
    auto timestamp = server->fetch_key("timestamp");
    if (!timestamp || !lists(root->timestamp, *timestamp)) return managed;
    // Asking for the snapshot key would make the server create one: only when it must be there.
    auto state = detail::RepositoryState::load(access.home, repo.gun(), false, &tx);
    detail::Keyring keyring(access);
    const bool snapshot_here =
        state && keyring.holds_key_for(*state, tuf::RoleName::snapshot()) && !config.server_manages("snapshot");
    if (!snapshot_here) {
        auto snapshot = server->fetch_key("snapshot");
        if (snapshot && lists(root->snapshot, *snapshot)) managed.push_back("snapshot");
    }
    managed.push_back("timestamp");
    return managed;
}

// repository.json after a pull: the TLS settings used, and whether the source is the
// repository's Notary server.
core::Result<void> remember_server(KeyAccess& access, const Repository& repo, keystore::HomeTransaction& tx,
                                   const detail::MetadataSet& set, const std::string& source, const TlsSettings& tls) {
    TUFKEY_TRY(auto config, repo.load_config(tx));
    config.tls = remote::is_http_url(source) ? tls : TlsSettings{};
    config.server_managed = server_managed_roles(access, repo, tx, set, source, tls, config);
    return repo.save_config(tx, config);
}

}  // namespace

core::Result<PullReport> pull_repository(KeyAccess& access, const PullRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    Repository repo(access.home, request.gun);
    TUFKEY_TRY(const std::string from, resolve_source(request, repo));
    const std::string source = detail::source_url(from);
    if (request.offline && remote::is_http_url(source))
        return core::Error(core::ErrorCode::usage, "--offline: pulling from " + remote::redact_url(source) +
                                                       " needs the network; pull from a directory or drop --offline");
    TUFKEY_TRY(const TlsSettings given_tls, detail::checked_tls(request.tls));
    RepositoryConfig remembered;
    if (repo.exists()) {
        TUFKEY_TRY(remembered, repo.load_config());
    }
    const TlsSettings tls = detail::tls_or_remembered(given_tls, remembered.tls);
    remote::DownloadOptions download = detail::download_options(tls);
    download.offline = request.offline;                                 // a second guard behind the check above
    if (!remote::is_http_url(source)) download.local_roots = {source};  // symlinks followed only inside
    detail::RemoteFetcher remote_fetcher(download);
    CountingFetcher fetcher(remote_fetcher, request.progress, "pulling " + request.gun + ": files fetched");
    TUFKEY_TRY(auto lock, access.home.lock("tufkey pull " + request.gun));
    TUFKEY_TRY(Anchor anchor, choose_anchor(access, fetcher, request, repo, source));
    const tuf::Dialect dialect = anchor.profile->dialect();
    if (repo.exists()) {
        TUFKEY_TRY(auto config, repo.load_config());
        if (config.dialect != dialect)
            return core::Error(core::TrustReason::dialect_mismatch,
                               "the trusted root is " + std::string(anchor.profile->name()) +
                                   " dialect but this home records " + request.gun + " as " +
                                   tuf::to_string(config.dialect));
    }
    const detail::PipelineRequest pipeline{{anchor.profile, anchor.profile->metadata_base(source, request.gun)},
                                           anchor.root,
                                           request.gun,
                                           std::chrono::system_clock::now(),
                                           detail::Walk::every_role};
    TUFKEY_TRY(auto baseline, detail::rollback_baseline(repo, dialect));
    auto verified = detail::verify_set(fetcher, pipeline, std::move(baseline));
    if (!verified && anchor.served && verified.error().code == core::ErrorCode::trust)
        return detail::explain_pin_failure(verified.error(), anchor.pinned, request.root_file, *anchor.served,
                                           remote::redact_url(source), request.gun);
    if (!verified) return verified.error();
    auto set = std::move(*verified);
    if (anchor.pin)
        TUFKEY_TRY_VOID(tuf::check_pin_reached(dialect, *anchor.pin, set.root_chain, detail::trusted_root_name(repo),
                                               detail::start_over_hint("pull")));
    TUFKEY_TRY_VOID(detail::check_not_rolled_back(repo, set));
    if (request.unchanged_writes_nothing) {
        TUFKEY_TRY(auto held, repo.read_served(dialect, tuf::RoleName::timestamp()));
        const std::string* fetched = set.find(tuf::RoleName::timestamp());
        if (held && fetched != nullptr && *held == *fetched) {
            PullReport same;
            same.dialect = dialect;
            same.source = from;
            same.anchor = anchor.kind;
            same.changed = false;
            TUFKEY_TRY(same.versions, detail::role_versions(set));
            return same;
        }
    }
    const bool outgoing = !repo.outgoing_files().empty();
    if (outgoing && !request.discard_staged)
        return core::Error(core::ErrorCode::refused,
                           "this home has signed changes to " + request.gun + " that wait for 'tufkey publish " +
                               request.gun + "' (in " + repo.outgoing_dir().string() +
                               "): publish them first, or pull with --discard-staged to drop them");
    if (!remembered.on_server())
        TUFKEY_TRY_VOID(detail::check_staged_work_kept(repo, set, request.discard_staged, "pull"));
    TUFKEY_TRY(auto policy, fetch_policy(fetcher, repo, *anchor.profile, source, set));

    PullReport report;
    report.dialect = dialect;
    report.source = from;
    report.anchor = anchor.kind;
    TUFKEY_TRY(report.versions, detail::role_versions(set));
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(report.files_written, detail::store_set(repo, tx, set, remote::redact_url(source)));
    if (outgoing) repo.clear_outgoing(tx);
    TUFKEY_TRY_VOID(remember_server(access, repo, tx, set, source, tls));
    TUFKEY_TRY_VOID(record(repo, tx, report, set, policy));
    if (policy) {
        TUFKEY_TRY_VOID(detail::store_policy(repo, tx, *policy, ""));  // recorded by the pull step
        report.policy_version = policy->policy.version;
        report.files_written.push_back(detail::policy_path(repo));
    }
    TUFKEY_TRY_VOID(tx.commit());
    return report;
}

core::Result<ServerRefresh> refresh_from_server(KeyAccess& access, const std::string& gun, const TlsSettings& tls,
                                                bool offline) {
    ServerRefresh refresh;
    TUFKEY_TRY_VOID(check_gun(gun));
    Repository repo(access.home, gun);
    if (offline || !repo.exists()) return refresh;
    TUFKEY_TRY(auto config, repo.load_config());
    if (!config.on_server()) return refresh;
    if (!repo.outgoing_files().empty()) {
        refresh.skipped_for_staged_changes = true;
        return refresh;
    }
    PullRequest request{gun, "", "", tls};
    request.unchanged_writes_nothing = true;
    auto pulled = pull_repository(access, request);
    if (!pulled) {
        if (pulled.error().code == core::ErrorCode::remote)
            return pulled.error().with_context("could not ask the server of " + gun +
                                               " for its current trust data (run with --offline to use the copy "
                                               "in this home)");
        return pulled.error();
    }
    refresh.pulled = std::move(*pulled);
    return refresh;
}

}  // namespace tufkey::ceremony
