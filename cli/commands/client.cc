// tufkey client init | refresh | download: a TUF 1.0 client on the command-line protocol of
// the TUF project's client conformance suite (tuf-conformance CLIENT-CLI.md). Exit codes are
// the protocol's: 0 when everything succeeded, 1 for any failure (never SPEC's other codes).
// The workflow itself is tuf::Updater; this file only wires it to remote::Downloader and to
// the metadata directory, and stores verified targets.
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "command.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/remote/downloader.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/root_forward.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::cli {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::Result;

constexpr std::size_t kMaxTrustedRootSize = 512000;

struct ClientOptions final {
    std::string metadata_dir;
    std::string metadata_url;
    std::vector<std::string> target_names;
    std::string target_dir;
    std::string target_base_url;
    std::string trusted_root;
};

// The metadata directory: one file per role, byte-exact as served, nothing else in it.
class DirectoryStore final : public tuf::MetadataStore {
public:
    explicit DirectoryStore(fs::path dir) : m_dir(std::move(dir)) {}

    Result<std::optional<std::string>> load(const std::string& file_name) override {
        TUFKEY_TRY(fs::path path, path_of(file_name));
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) return std::optional<std::string>();
        TUFKEY_TRY(core::Bytes bytes, core::read_file(path));
        return std::optional<std::string>(core::to_string(bytes));
    }
    Result<void> store(const std::string& file_name, std::string_view bytes) override {
        TUFKEY_TRY(fs::path path, path_of(file_name));
        return core::write_file_atomic(path, bytes, 0644);
    }
    Result<void> remove(const std::string& file_name) override {
        TUFKEY_TRY(fs::path path, path_of(file_name));
        std::error_code ec;
        fs::remove(path, ec);
        if (ec) return Error(ErrorCode::io, "cannot remove " + path.string() + ": " + ec.message());
        return core::success();
    }

private:
    Result<fs::path> path_of(const std::string& file_name) const {
        if (file_name.empty() || file_name == "." || file_name == ".." || file_name.find('/') != std::string::npos ||
            file_name.find('\0') != std::string::npos) {
            return Error(ErrorCode::internal, "unsafe metadata file name '" + file_name + "'");
        }
        return m_dir / file_name;
    }
    fs::path m_dir;
};

class RemoteFetcher final : public tuf::Fetcher {
public:
    explicit RemoteFetcher(remote::DownloadOptions options) : m_downloader(std::move(options)) {}
    Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override {
        return m_downloader.get(url, max_length);
    }

private:
    remote::Downloader m_downloader;
};

// An http(s):// or file:// URL stays as is; anything else is a directory, made a file:// URL.
std::string source_url(const std::string& source) {
    if (remote::is_http_url(source) || source.starts_with("file://")) return source;
    return remote::file_url(source);
}

Result<void> require(const std::string& value, const char* option) {
    if (value.empty()) return Error(ErrorCode::usage, std::string(option) + " is required");
    return core::success();
}

// One updater over the metadata directory, with the update start time fixed now (§5.1).
struct Session final {
    DirectoryStore store;
    RemoteFetcher fetcher;
    std::unique_ptr<tuf::Updater> updater;

    Session(const ClientOptions& options, const GlobalOptions& globals)
        : store(options.metadata_dir), fetcher(remote::DownloadOptions{.ca_file = globals.tls_ca}) {}
};

Result<std::unique_ptr<Session>> open_session(const ClientOptions& options, const GlobalOptions& globals) {
    TUFKEY_TRY_VOID(require(options.metadata_dir, "--metadata-dir"));
    TUFKEY_TRY_VOID(require(options.metadata_url, "--metadata-url"));
    auto session = std::make_unique<Session>(options, globals);
    TUFKEY_TRY(tuf::Updater updater,
               tuf::Updater::create(tuf::Dialect::tuf, source_url(options.metadata_url), session->fetcher,
                                    session->store, std::chrono::system_clock::now()));
    session->updater = std::make_unique<tuf::Updater>(std::move(updater));
    return session;
}

Result<void> run_init(const ClientOptions& options) {
    TUFKEY_TRY_VOID(require(options.metadata_dir, "--metadata-dir"));
    TUFKEY_TRY_VOID(require(options.trusted_root, "TRUSTED_ROOT"));
    TUFKEY_TRY(core::Bytes bytes, core::read_file(options.trusted_root, kMaxTrustedRootSize));
    const std::string root = core::to_string(bytes);
    const auto now = std::chrono::system_clock::now();
    auto checked = tuf::TrustedSet::create(tuf::Dialect::tuf, root, now);
    if (!checked) return checked.error().with_context(options.trusted_root);
    DirectoryStore store(options.metadata_dir);
    const std::string name = tuf::metadata_file_name(tuf::RoleName::root());
    TUFKEY_TRY(auto trusted, store.load(name));
    if (trusted) {
        // A root already trusted here only moves forward (tuf/root_forward.h).
        TUFKEY_TRY(bool newer, tuf::check_root_successor(tuf::Dialect::tuf, *trusted, root, now,
                                                         "the root trusted in " + options.metadata_dir,
                                                         "init a new, empty --metadata-dir"));
        if (!newer) return core::success();
    }
    TUFKEY_TRY_VOID(core::make_directories(options.metadata_dir, 0755));
    return store.store(name, root);
}

Result<void> run_refresh(const ClientOptions& options, const GlobalOptions& globals) {
    TUFKEY_TRY(auto session, open_session(options, globals));
    return session->updater->refresh();
}

// A target already in the target directory with the right length and hashes is not fetched again.
bool cached(const fs::path& path, const tuf::TargetInfo& target) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return false;
    auto bytes = core::read_file(path, target.file.length + 1);
    return bytes && tuf::check_target_file(target.path, target.file, core::to_string(*bytes)).ok();
}

Result<void> download_one(tuf::Updater& updater, const ClientOptions& options, const std::string& name) {
    TUFKEY_TRY(auto found, updater.find_target(name));
    if (!found) return Error(ErrorCode::trust, "target '" + name + "' is not listed by any trusted role");
    const fs::path path = fs::path(options.target_dir) / tuf::target_file_name(name);
    if (cached(path, *found)) return core::success();
    TUFKEY_TRY(std::string bytes, updater.download_target(*found, source_url(options.target_base_url)));
    TUFKEY_TRY_VOID(core::write_file_atomic(path, bytes, 0644));
    fmt::print("{}\n", path.string());
    return core::success();
}

Result<int> run_download(const ClientOptions& options, const GlobalOptions& globals) {
    if (options.target_names.empty()) return Error(ErrorCode::usage, "--target-name is required");
    TUFKEY_TRY_VOID(require(options.target_dir, "--target-dir"));
    TUFKEY_TRY_VOID(require(options.target_base_url, "--target-base-url"));
    TUFKEY_TRY(auto session, open_session(options, globals));
    TUFKEY_TRY_VOID(session->updater->refresh());
    TUFKEY_TRY_VOID(core::make_directories(options.target_dir, 0755));
    int failures = 0;
    for (const std::string& name : options.target_names) {
        if (auto done = download_one(*session->updater, options, name); !done) {
            fmt::print(stderr, "tufkey: client: {}\n", done.error().message);
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}

// The protocol knows two exit codes: every error becomes 1, after its one-line message.
Result<int> protocol_exit(const Result<int>& outcome) {
    if (outcome) return *outcome;
    fmt::print(stderr, "tufkey: client: {}\n", outcome.error().message);
    return 1;
}

Result<int> protocol_exit(const Result<void>& outcome) {
    return protocol_exit(outcome ? Result<int>(0) : Result<int>(outcome.error()));
}

void register_client(CLI::App& app, CommandSet& commands) {
    auto options = std::make_shared<ClientOptions>();
    CLI::App* client = add_command(
        app, "client", "A TUF 1.0 client (the tuf-conformance client CLI protocol; exit 0 success, 1 failure)",
        "tufkey client --metadata-url https://example.com/metadata --metadata-dir md \\\n"
        "      --target-name app.tar.gz --target-base-url https://example.com/targets --target-dir out download");
    client->fallthrough();
    client->require_subcommand(1);
    client->add_option("--metadata-dir", options->metadata_dir, "Directory of the trusted metadata");
    client->add_option("--metadata-url", options->metadata_url,
                       "Repository metadata URL (http://, https://, file://) or directory");
    client->add_option("--target-name", options->target_names, "Target path to download (repeatable)");
    client->add_option("--target-dir", options->target_dir, "Directory for verified targets");
    client->add_option("--target-base-url", options->target_base_url, "Repository targets URL or directory");

    CLI::App* init = add_command(*client, "init", "Trust TRUSTED_ROOT (a root.json obtained out of band)",
                                 "tufkey client --metadata-dir md init ./root.json");
    init->fallthrough();
    init->add_option("TRUSTED_ROOT", options->trusted_root, "Initial trusted root.json");
    commands.on(init, [options] { return protocol_exit(run_init(*options)); });

    CLI::App* refresh =
        add_command(*client, "refresh", "Update the top-level metadata (TUF 1.0 §5.3-§5.6)",
                    "tufkey client --metadata-url http://127.0.0.1:8000/metadata --metadata-dir md refresh");
    refresh->fallthrough();
    GlobalOptions& globals = commands.globals();
    commands.on(refresh, [options, &globals] { return protocol_exit(run_refresh(*options, globals)); });

    CLI::App* download =
        add_command(*client, "download", "Refresh, then download and verify each --target-name into --target-dir",
                    "tufkey client --metadata-url URL --metadata-dir md --target-name a.txt --target-base-url URL "
                    "--target-dir out download");
    download->fallthrough();
    commands.on(download, [options, &globals] { return protocol_exit(run_download(*options, globals)); });
}

}  // namespace

TUFKEY_COMMAND(register_client);

}  // namespace tufkey::cli
