#include "publish_server.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "metadata_set.h"
#include "pipeline.h"
#include "server_settings.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/remote/notary_server.h"
#include "tufkey/tuf/dialect_profile.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::RoleName;

// Upload order: root, targets, delegated roles (parents first), snapshot.
int upload_rank(const RoleName& role) {
    if (role == RoleName::root()) return 0;
    if (role == RoleName::targets()) return 1;
    if (role == RoleName::snapshot()) return 3;
    return 2;
}

core::Result<std::vector<remote::UploadFile>> outgoing_uploads(const Repository& repo, const RepositoryConfig& config) {
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(config.dialect);
    std::vector<std::pair<RoleName, std::string>> files;
    for (const auto& path : repo.outgoing_files()) {
        std::string name = path.lexically_relative(repo.outgoing_dir()).generic_string();
        name.resize(name.size() - std::string_view(".json").size());  // outgoing_files(): *.json only
        auto role = name == "root" ? std::optional<RoleName>(RoleName::root())
                                   : profile.role_of_meta_key(name);  // notary: the meta key is the role name
        if (!role)
            return core::Error(core::ErrorCode::io,
                               path.string() + " is not a role file: remove it from outgoing/ and sign again");
        TUFKEY_TRY(auto bytes, repo.read_metadata(config.dialect, *role));
        if (!bytes) continue;
        files.emplace_back(std::move(*role), std::move(*bytes));
    }
    // A root the server has not taken yet (the first publish: init keeps root v1 in metadata/ as
    // the trusted root) goes up too.
    const bool root_outgoing =
        std::any_of(files.begin(), files.end(), [](const auto& f) { return f.first == RoleName::root(); });
    if (!root_outgoing) {
        TUFKEY_TRY(auto root, repo.read_served(config.dialect, RoleName::root()));
        if (root) {
            TUFKEY_TRY(const std::uint64_t version, file_version(config.dialect, RoleName::root(), *root));
            auto published = config.published.find("root");
            if (published == config.published.end() || published->second < version)
                files.emplace_back(RoleName::root(), std::move(*root));
        }
    }
    std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
        return upload_rank(a.first) != upload_rank(b.first) ? upload_rank(a.first) < upload_rank(b.first)
                                                            : a.first.str().size() < b.first.str().size();
    });
    std::vector<remote::UploadFile> uploads;
    for (auto& [role, bytes] : files) uploads.push_back({role.str(), std::move(bytes)});
    return uploads;
}

core::Result<void> record(const Repository& repo, keystore::HomeTransaction& tx, const RepositoryConfig& config,
                          const PublishReport& report) {
    RepositoryConfig updated = config;
    TUFKEY_TRY(updated, repo.load_config(tx));  // store_set recorded what it synced
    for (const auto& [role, version] : report.versions)
        updated.published[role.str()] = static_cast<std::uint64_t>(version.value());
    TUFKEY_TRY_VOID(repo.save_config(tx, updated));
    tuf::JsonObject uploaded;
    for (const auto& f : report.files) uploaded[f.path] = f.written;
    tuf::JsonObject versions;
    for (const auto& [role, version] : report.versions) versions[role.str()] = version.value();
    Transcript transcript(repo.transcript_file(), repo.gun());
    return transcript.append(
        tx, "publish",
        tuf::JsonObject{{"to", config.origin}, {"versions", std::move(versions)}, {"uploaded", std::move(uploaded)}});
}

}  // namespace

core::Result<PublishReport> publish_to_server(const keystore::TrustHome& home, const Repository& repo,
                                              const RepositoryConfig& config) {
    TUFKEY_TRY(auto lock, home.lock("tufkey publish " + repo.gun()));
    TUFKEY_TRY(auto uploads, outgoing_uploads(repo, config));
    TUFKEY_TRY(auto server, open_server(config));
    PublishReport report;
    report.directory = config.origin;
    report.dialect = config.dialect;
    if (uploads.empty()) return report;  // nothing waits: nothing to send
    // A refused upload (the server names an old version) is still checked below: when the
    // server already serves exactly these bytes, an earlier publish of this change was cut off
    // after its upload (a kill, a lost connection), and this run only finishes it.
    auto uploaded = server.publish(uploads);
    if (!uploaded && uploaded.error().code != core::ErrorCode::refused) return uploaded.error();
    for (const auto& u : uploads) report.files.push_back({u.role, true});

    // What the server serves now, verified from the root this home trusts.
    TUFKEY_TRY(auto trusted_root, repo.read_current_root());
    if (!trusted_root) return core::Error(core::ErrorCode::usage, "this home has no root for " + repo.gun());
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(config.dialect);
    const PipelineRequest pipeline{{&profile, server.metadata_base()},
                                   *trusted_root,
                                   repo.gun(),
                                   std::chrono::system_clock::now(),
                                   Walk::every_role};
    RemoteFetcher fetcher(download_options(config.tls));
    TUFKEY_TRY(auto baseline, local_baseline(repo, config.dialect));
    auto served = verify_set(fetcher, pipeline, std::move(baseline));
    if (!served && !uploaded) return uploaded.error();
    if (!served)
        return served.error().with_context(
            "the server took the update, but what it serves now does not verify; "
            "the changes stay in outgoing/ (run 'tufkey pull " +
            repo.gun() + "' to see what it serves)");
    for (const auto& u : uploads) {
        auto role = RoleName::parse(config.dialect, u.role);
        const std::string* now = role ? served->find(*role) : nullptr;
        if ((now == nullptr || *now != u.bytes) && !uploaded) return uploaded.error();
        if (now == nullptr || *now != u.bytes)
            return core::Error(core::ErrorCode::refused, "the server serves another " + u.role +
                                                             " than the one uploaded (a concurrent "
                                                             "publish?): run 'tufkey pull " +
                                                             repo.gun() + " --discard-staged' and sign again");
    }
    TUFKEY_TRY(report.versions, role_versions(*served));
    keystore::HomeTransaction tx(home, lock);
    TUFKEY_TRY(auto written, store_set(repo, tx, *served, config.origin));
    (void)written;
    repo.clear_outgoing(tx);
    TUFKEY_TRY_VOID(record(repo, tx, config, report));
    TUFKEY_TRY_VOID(tx.commit());
    return report;
}

}  // namespace tufkey::ceremony::detail
