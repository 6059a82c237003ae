// Internal: one libcurl easy handle with tufkey's transfer rules, shared by the Downloader and
// the Notary server client. Protocols http and https only (redirects too, at most 5), connect
// and total timeouts, a slow-transfer abort, no compression, TLS with an optional private CA
// and client certificate, and a response body capped at `max_bytes` (larger is an error as soon
// as it is seen: Content-Length or the bytes received so far, never truncated data).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/remote/downloader.h"

namespace tufkey::remote::detail {

struct HttpExchange final {
    std::string method = "GET";  // GET, POST, DELETE
    std::string url;
    std::string body;                  // sent for POST
    std::vector<std::string> headers;  // "Name: value"
    std::size_t max_bytes = 0;         // cap on the response body
};

struct HttpResponse final {
    long status = 0;
    std::string body;
};

class CurlSession final {
public:
    explicit CurlSession(DownloadOptions options) : m_options(std::move(options)) {}
    ~CurlSession();
    CurlSession(const CurlSession&) = delete;
    CurlSession& operator=(const CurlSession&) = delete;

    // Any HTTP status is a response; only transport failures (unreachable, TLS, timeout, a body
    // over the cap) are errors: ErrorCode::remote, "METHOD URL: why", the URL redacted.
    core::Result<HttpResponse> perform(const HttpExchange& exchange);

    [[nodiscard]] const DownloadOptions& options() const noexcept { return m_options; }

private:
    DownloadOptions m_options;
    void* m_curl = nullptr;  // CURL*
};

core::Error transfer_failure(std::string_view method, std::string_view url, const std::string& why);

}  // namespace tufkey::remote::detail
