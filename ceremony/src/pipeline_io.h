// Internal: the I/O adapters of the verification pipeline (pipeline.h), all in one place.
//
// Fetchers (where the bytes under verification come from; two, no more):
//   LocalFetcher   a MetadataSet held in memory: the home's own files (verify, verify before
//                  publish) or a bundle's (bundle import), served under the URLs a published
//                  repository of the same dialect would have (DialectProfile::url_name());
//   RemoteFetcher  remote::Downloader: http(s)://, file:// or a directory (pull, client).
// Stores (the client's metadata directory, where accepted files are persisted):
//   MemoryStore    in memory; remembers every root version persisted (verify, pull, bundle,
//                  publish: nothing is written before everything verified);
//   DirectoryStore a directory, one file per role, byte-exact, written atomically (client).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "metadata_set.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::remote {
class Downloader;
struct DownloadOptions;
}  // namespace tufkey::remote

namespace tufkey::ceremony::detail {

// Serves `set` at `base`: "<base>/N.root.json" from its root chain (absent: not found, the end
// of the chain), "<base>/[V.]<url name>" from its roles. A role file the set does not hold is a
// trust failure (TrustReason::missing) naming `origin` ("the home", "bundle FILE"); a file larger
// than the cap is TrustReason::length_mismatch; "V.<role>" for a held file of another version
// is TrustReason::version_mismatch (mix-and-match).
class LocalFetcher final : public tuf::Fetcher {
public:
    LocalFetcher(const MetadataSet& set, std::string base, std::string origin);
    core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override;

private:
    const MetadataSet& m_set;
    std::string m_base;
    std::string m_origin;
    std::map<std::string, const std::pair<const tuf::RoleName, std::string>*, std::less<>>
        m_by_url_name;  // url_name -> entry of m_set.roles (a set may hold 16,384 bins and more)
};

class RemoteFetcher final : public tuf::Fetcher {
public:
    explicit RemoteFetcher(std::string ca_file);
    explicit RemoteFetcher(const remote::DownloadOptions& options);
    ~RemoteFetcher() override;
    core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override;

private:
    std::unique_ptr<remote::Downloader> m_downloader;
};

class MemoryStore final : public tuf::MetadataStore {
public:
    MemoryStore(const tuf::DialectProfile& profile, std::map<std::string, std::string> files)
        : m_profile(profile), m_files(std::move(files)) {}
    core::Result<std::optional<std::string>> load(const std::string& file_name) override;
    core::Result<void> store(const std::string& file_name, std::string_view bytes) override;
    core::Result<void> remove(const std::string& file_name) override;
    // Every root version persisted, by version.
    [[nodiscard]] const std::map<std::uint64_t, std::string>& roots() const noexcept { return m_roots; }

private:
    const tuf::DialectProfile& m_profile;
    std::map<std::string, std::string> m_files;
    std::map<std::uint64_t, std::string> m_roots;
};

class DirectoryStore final : public tuf::MetadataStore {
public:
    explicit DirectoryStore(std::filesystem::path dir) : m_dir(std::move(dir)) {}
    core::Result<std::optional<std::string>> load(const std::string& file_name) override;
    core::Result<void> store(const std::string& file_name, std::string_view bytes) override;
    core::Result<void> remove(const std::string& file_name) override;

private:
    [[nodiscard]] core::Result<std::filesystem::path> path_of(const std::string& file_name) const;
    std::filesystem::path m_dir;
};

// An http(s):// or file:// URL stays as is (without trailing '/'); anything else is a
// directory, made a file:// URL.
std::string source_url(std::string source);

}  // namespace tufkey::ceremony::detail
