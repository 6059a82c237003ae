#include "pipeline_io.h"

#include <charconv>
#include <system_error>

#include "tufkey/core/atomic_file.h"
#include "tufkey/remote/downloader.h"

namespace tufkey::ceremony::detail {
namespace {

namespace fs = std::filesystem;
using tuf::RoleName;

// "12." at the front of `name`: the version and the rest.
std::optional<std::pair<std::uint64_t, std::string_view>> split_version(std::string_view name) {
    std::uint64_t v = 0;
    auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), v);
    if (err != std::errc() || end == name.data() || end == name.data() + name.size() || *end != '.')
        return std::nullopt;
    return std::make_pair(v, name.substr(static_cast<std::size_t>(end - name.data()) + 1));
}

std::string stem(std::string_view name) {
    if (name.ends_with(".json")) name.remove_suffix(5);
    return std::string(name);
}

}  // namespace

LocalFetcher::LocalFetcher(const MetadataSet& set, std::string base, std::string origin)
    : m_set(set), m_base(std::move(base)), m_origin(std::move(origin)) {
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(m_set.dialect);
    for (const auto& entry : m_set.roles) {
        if (entry.first.kind() != tuf::RoleKind::root) m_by_url_name.try_emplace(profile.url_name(entry.first), &entry);
    }
}

core::Result<std::optional<std::string>> LocalFetcher::fetch(const std::string& url, std::size_t max_length) {
    if (!url.starts_with(m_base + "/")) return std::optional<std::string>();
    const std::string_view name = std::string_view(url).substr(m_base.size() + 1);
    const auto split = split_version(name);
    if (split && split->second == "root.json") {
        auto it = m_set.root_chain.find(split->first);
        if (it == m_set.root_chain.end()) return std::optional<std::string>();
        return std::optional<std::string>(it->second);
    }
    const std::string_view unversioned = split ? split->second : name;
    if (auto found = m_by_url_name.find(unversioned); found != m_by_url_name.end()) {
        const auto& [role, bytes] = *found->second;
        if (bytes.size() > max_length)
            return core::Error(core::TrustReason::length_mismatch,
                               role.str() + ": " + std::to_string(bytes.size()) + " bytes, more than the " +
                                   std::to_string(max_length) + " listed (mix-and-match or tampered file)");
        if (split) {
            TUFKEY_TRY(const std::uint64_t held, file_version(m_set.dialect, role, bytes));
            if (held != split->first)
                return core::Error(core::TrustReason::version_mismatch,
                                   role.str() + ": version " + std::to_string(split->first) + " is listed, but " +
                                       m_origin + " holds version " + std::to_string(held) + " (mix-and-match)");
        }
        return std::optional<std::string>(bytes);
    }
    return core::Error(core::TrustReason::missing,
                       stem(unversioned) + ": listed, but its metadata file is missing from " + m_origin);
}

RemoteFetcher::RemoteFetcher(std::string ca_file)
    : m_downloader(std::make_unique<remote::Downloader>(remote::DownloadOptions{.ca_file = std::move(ca_file)})) {}

RemoteFetcher::RemoteFetcher(const remote::DownloadOptions& options)
    : m_downloader(std::make_unique<remote::Downloader>(options)) {}

RemoteFetcher::~RemoteFetcher() = default;

core::Result<std::optional<std::string>> RemoteFetcher::fetch(const std::string& url, std::size_t max_length) {
    return m_downloader->get(url, max_length);
}

core::Result<std::optional<std::string>> MemoryStore::load(const std::string& file_name) {
    auto it = m_files.find(file_name);
    if (it == m_files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
}

core::Result<void> MemoryStore::store(const std::string& file_name, std::string_view bytes) {
    if (file_name == tuf::metadata_file_name(RoleName::root())) {
        TUFKEY_TRY(auto version, file_version(m_profile.dialect(), RoleName::root(), bytes));
        m_roots[version] = std::string(bytes);
    }
    m_files[file_name] = std::string(bytes);
    return core::success();
}

core::Result<void> MemoryStore::remove(const std::string& file_name) {
    m_files.erase(file_name);
    return core::success();
}

core::Result<std::optional<std::string>> DirectoryStore::load(const std::string& file_name) {
    TUFKEY_TRY(fs::path path, path_of(file_name));
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::optional<std::string>();
    TUFKEY_TRY(core::Bytes bytes, core::read_file(path, tuf::kMaxMetadataLength));
    return std::optional<std::string>(core::to_string(bytes));
}

core::Result<void> DirectoryStore::store(const std::string& file_name, std::string_view bytes) {
    TUFKEY_TRY(fs::path path, path_of(file_name));
    return core::write_file_atomic(path, bytes, 0644);
}

core::Result<void> DirectoryStore::remove(const std::string& file_name) {
    TUFKEY_TRY(fs::path path, path_of(file_name));
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) return core::Error(core::ErrorCode::io, "cannot remove " + path.string() + ": " + ec.message());
    return core::success();
}

core::Result<fs::path> DirectoryStore::path_of(const std::string& file_name) const {
    if (file_name.empty() || file_name == "." || file_name == ".." || file_name.find('/') != std::string::npos ||
        file_name.find('\0') != std::string::npos) {
        return core::Error(core::ErrorCode::internal, "unsafe metadata file name '" + file_name + "'");
    }
    return m_dir / file_name;
}

std::string source_url(std::string source) {
    if (!remote::is_http_url(source) && !source.starts_with("file://")) source = remote::file_url(source);
    while (!source.empty() && source.back() == '/') source.pop_back();
    return source;
}

}  // namespace tufkey::ceremony::detail
