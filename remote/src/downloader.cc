#include "tufkey/remote/downloader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "curl_session.h"
#include "tufkey/core/atomic_file.h"

namespace tufkey::remote {
namespace {

core::Error failure(std::string_view url, const std::string& why) { return detail::transfer_failure("GET", url, why); }

// The canonical directory of a local source (a file:// URL or a path), as given when it cannot be
// resolved (then nothing resolves inside it either).
std::string canonical_root(const std::string& source) {
    std::string path = source;
    if (source.starts_with("file://")) {
        auto decoded = file_url_path(source);
        if (!decoded) return source;
        path = *decoded;
    }
    std::error_code ec;
    const auto canonical = std::filesystem::canonical(path, ec);
    return ec ? path : canonical.string();
}

// Reads the regular file at `path` only if the file opened lies inside one of `roots` (the
// descriptor's own path, so no rename or link swapped in after a check can lead elsewhere).
core::Result<std::optional<std::string>> read_inside(std::string_view url, const std::string& path,
                                                     std::size_t max_bytes, const std::vector<std::string>& roots) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) return std::optional<std::string>();
    auto opened = core::open_regular_file(path);
    if (!opened) return failure(url, opened.error().message);
    struct Closer {
        int descriptor;
        ~Closer() { ::close(descriptor); }
    } closer{*opened};
    std::error_code ec;
    const auto real = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(closer.descriptor), ec);
    const bool inside = !ec && std::any_of(roots.begin(), roots.end(), [&](const std::string& root) {
        const std::string r = real.string();
        return r.size() > root.size() && r.starts_with(root) && (root.ends_with('/') || r[root.size()] == '/');
    });
    if (!inside)
        return failure(url, "it resolves to " + (ec ? std::string("an unknown place") : real.string()) +
                                ", outside the repository directory; only symlinks inside it are followed");
    if (::fstat(closer.descriptor, &st) != 0) return failure(url, std::strerror(errno));
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
        return failure(url,
                       std::to_string(st.st_size) + " bytes, more than the " + std::to_string(max_bytes) + " allowed");
    std::string body;
    body.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < body.size()) {
        const ssize_t n = ::read(closer.descriptor, body.data() + got, body.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failure(url, std::strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    body.resize(got);
    return std::optional<std::string>(std::move(body));
}

core::Result<std::optional<std::string>> read_local(std::string_view url, const std::string& path,
                                                    std::size_t max_bytes, const std::vector<std::string>& roots) {
    if (!roots.empty()) return read_inside(url, path, max_bytes, roots);
    // A FIFO or device in a directory repository is refused, never waited on (read_file).
    auto bytes = core::read_file_if_exists(path, max_bytes);
    if (!bytes) return failure(url, bytes.error().message);
    if (!*bytes) return std::optional<std::string>();
    return std::optional<std::string>(core::to_string(**bytes));
}

}  // namespace

Downloader::Downloader(DownloadOptions options) {
    for (const auto& root : options.local_roots) m_local_roots.push_back(canonical_root(root));
    m_session = std::make_unique<detail::CurlSession>(std::move(options));
}

Downloader::~Downloader() = default;

core::Result<std::optional<std::string>> Downloader::get(std::string_view url, std::size_t max_bytes) {
    if (is_http_url(url)) {
        if (m_session->options().offline)
            return core::Error(core::ErrorCode::usage,
                               "--offline: " + redact_url(url) +
                                   " needs the network; use a directory or file:// URL, or drop --offline");
        return get_http(std::string(url), max_bytes);
    }
    if (url.starts_with("file://")) {
        TUFKEY_TRY(std::string path, file_url_path(url));
        return read_local(url, path, max_bytes, m_local_roots);
    }
    if (url.find("://") != std::string_view::npos) {
        return failure(url, "unsupported URL scheme (use http://, https://, file:// or a directory)");
    }
    return read_local(url, std::string(url), max_bytes, m_local_roots);
}

core::Result<std::optional<std::string>> Downloader::get_http(const std::string& url, std::size_t max_bytes) {
    TUFKEY_TRY(auto response,
               m_session->perform({.method = "GET", .url = url, .body = {}, .headers = {}, .max_bytes = max_bytes}));
    if (response.status == 403 || response.status == 404) return std::optional<std::string>();
    if (response.status == 401)
        return core::Error(core::ErrorCode::key,
                           "GET " + redact_url(url) +
                               ": not authorized (HTTP 401); a Notary server behind a registry wants that registry's "
                               "token, which tufkey does not fetch yet: use a server that accepts this client "
                               "(--tls-client-cert/--tls-client-key) or a static copy of the repository");
    if (response.status < 200 || response.status > 299)
        return failure(url, "HTTP status " + std::to_string(response.status));
    return std::optional<std::string>(std::move(response.body));
}

}  // namespace tufkey::remote
