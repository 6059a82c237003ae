#include "tufkey/ceremony/client.h"

#include <chrono>
#include <system_error>

#include "pipeline.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/remote/downloader.h"
#include "tufkey/tuf/root_forward.h"

namespace tufkey::ceremony {
namespace {

namespace fs = std::filesystem;
using tuf::RoleName;

constexpr std::size_t kMaxTrustedRootSize = tuf::kDefaultRootLength;  // tuf/limits.h

const tuf::DialectProfile& client_profile() { return tuf::DialectProfile::of(tuf::Dialect::tuf); }

core::Result<void> require(const std::string& value, const char* option) {
    if (value.empty()) return core::Error(core::ErrorCode::usage, std::string(option) + " is required");
    return core::success();
}

// --offline: every URL the command would fetch from must be local, checked before anything runs.
core::Result<void> check_offline(const ClientRequest& request, bool with_targets) {
    if (!request.offline) return core::success();
    const std::pair<const std::string*, const char*> sources[] = {{&request.metadata_url, "--metadata-url"},
                                                                  {&request.target_base_url, "--target-base-url"}};
    for (const auto& [url, option] : sources) {
        if (!with_targets && url == &request.target_base_url) continue;
        if (remote::is_http_url(*url))
            return core::Error(core::ErrorCode::usage, std::string("--offline: ") + option + " " +
                                                           remote::redact_url(*url) +
                                                           " needs the network; give a directory or a file:// URL, "
                                                           "or drop --offline");
    }
    return core::success();
}

// Local repositories are read only inside their directories (symlinks followed only there).
remote::DownloadOptions download_options(const ClientRequest& request) {
    remote::DownloadOptions options{.ca_file = request.ca_file, .offline = request.offline};
    for (const std::string* source : {&request.metadata_url, &request.target_base_url})
        if (!source->empty() && !remote::is_http_url(*source)) options.local_roots.push_back(*source);
    return options;
}

// One pipeline run over the metadata directory: the top-level roles refreshed; delegated roles
// are loaded on demand by the target search.
core::Result<detail::Verified> refresh(const ClientRequest& request, detail::DirectoryStore& store,
                                       tuf::Fetcher& fetcher) {
    TUFKEY_TRY_VOID(require(request.metadata_dir, "--metadata-dir"));
    TUFKEY_TRY_VOID(require(request.metadata_url, "--metadata-url"));
    TUFKEY_TRY(auto root, store.load(tuf::metadata_file_name(RoleName::root())));
    if (!root)
        return core::Error(core::TrustReason::missing,
                           "root: no trusted root.json in the metadata directory; run init first");
    const detail::PipelineRequest pipeline{{&client_profile(), detail::source_url(request.metadata_url)},
                                           std::move(*root),
                                           "",
                                           std::chrono::system_clock::now(),
                                           detail::Walk::on_demand};
    return detail::run_pipeline(pipeline, fetcher, store);
}

// A target already in the target directory with the right length and hashes.
bool cached(const fs::path& path, const tuf::TargetInfo& target) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return false;
    auto bytes = core::read_file(path, target.file.length + 1);
    return bytes && tuf::check_target_file(target.path, target.file, core::to_string(*bytes)).ok();
}

core::Result<std::optional<fs::path>> download_one(tuf::Updater& updater, const ClientRequest& request,
                                                   const std::string& name) {
    TUFKEY_TRY(auto found, updater.find_target(name));
    if (!found)
        return core::Error(core::TrustReason::not_found, "target '" + name + "' is not listed by any trusted role");
    const fs::path path = fs::path(request.target_dir) / tuf::target_file_name(name);
    if (cached(path, *found)) return std::optional<fs::path>();
    TUFKEY_TRY(std::string bytes, updater.download_target(*found, detail::source_url(request.target_base_url)));
    TUFKEY_TRY_VOID(core::write_file_atomic(path, bytes, 0644));
    return std::optional<fs::path>(path);
}

}  // namespace

core::Result<void> client_init(const ClientRequest& request) {
    TUFKEY_TRY_VOID(require(request.metadata_dir, "--metadata-dir"));
    TUFKEY_TRY_VOID(require(request.trusted_root, "TRUSTED_ROOT"));
    TUFKEY_TRY(core::Bytes bytes, core::read_file(request.trusted_root, kMaxTrustedRootSize));
    const std::string root = core::to_string(bytes);
    const auto now = std::chrono::system_clock::now();
    const tuf::Dialect dialect = client_profile().dialect();
    auto checked = tuf::TrustedSet::create(dialect, root, now);
    if (!checked) return checked.error().with_context(request.trusted_root);
    detail::DirectoryStore store(request.metadata_dir);
    const std::string name = tuf::metadata_file_name(RoleName::root());
    TUFKEY_TRY(auto trusted, store.load(name));
    if (trusted) {
        // A root already trusted here only moves forward (tuf/root_forward.h).
        TUFKEY_TRY(bool newer, tuf::check_root_successor(dialect, *trusted, root, now,
                                                         "the root trusted in " + request.metadata_dir,
                                                         "init a new, empty --metadata-dir"));
        if (!newer) return core::success();
    }
    TUFKEY_TRY_VOID(core::make_directories(request.metadata_dir, 0755));
    return store.store(name, root);
}

core::Result<void> client_refresh(const ClientRequest& request) {
    TUFKEY_TRY_VOID(check_offline(request, false));
    detail::DirectoryStore store(request.metadata_dir);
    detail::RemoteFetcher fetcher(download_options(request));
    TUFKEY_TRY_VOID(refresh(request, store, fetcher));
    return core::success();
}

core::Result<ClientDownload> client_download(const ClientRequest& request) {
    if (request.target_names.empty()) return core::Error(core::ErrorCode::usage, "--target-name is required");
    TUFKEY_TRY_VOID(require(request.target_dir, "--target-dir"));
    TUFKEY_TRY_VOID(require(request.target_base_url, "--target-base-url"));
    TUFKEY_TRY_VOID(check_offline(request, true));
    detail::DirectoryStore store(request.metadata_dir);
    detail::RemoteFetcher fetcher(download_options(request));
    TUFKEY_TRY(auto verified, refresh(request, store, fetcher));
    TUFKEY_TRY_VOID(core::make_directories(request.target_dir, 0755));
    ClientDownload report;
    for (const std::string& name : request.target_names) {
        auto done = download_one(verified.updater, request, name);
        if (!done) {
            report.failures.push_back(std::move(done).error());
        } else if (*done) {
            report.written.push_back(**done);
        }
    }
    return report;
}

}  // namespace tufkey::ceremony
