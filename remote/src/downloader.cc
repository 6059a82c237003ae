#include "tufkey/remote/downloader.h"

#include "curl_session.h"
#include "tufkey/core/atomic_file.h"

namespace tufkey::remote {
namespace {

core::Error failure(std::string_view url, const std::string& why) { return detail::transfer_failure("GET", url, why); }

core::Result<std::optional<std::string>> read_local(std::string_view url, const std::string& path,
                                                    std::size_t max_bytes) {
    // A FIFO or device in a directory repository is refused, never waited on (read_file).
    auto bytes = core::read_file_if_exists(path, max_bytes);
    if (!bytes) return failure(url, bytes.error().message);
    if (!*bytes) return std::optional<std::string>();
    return std::optional<std::string>(core::to_string(**bytes));
}

}  // namespace

Downloader::Downloader(DownloadOptions options)
    : m_session(std::make_unique<detail::CurlSession>(std::move(options))) {}

Downloader::~Downloader() = default;

core::Result<std::optional<std::string>> Downloader::get(std::string_view url, std::size_t max_bytes) {
    if (is_http_url(url)) return get_http(std::string(url), max_bytes);
    if (url.starts_with("file://")) {
        TUFKEY_TRY(std::string path, file_url_path(url));
        return read_local(url, path, max_bytes);
    }
    if (url.find("://") != std::string_view::npos) {
        return failure(url, "unsupported URL scheme (use http://, https://, file:// or a directory)");
    }
    return read_local(url, std::string(url), max_bytes);
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
