// Downloader: GET one resource with a byte cap and timeouts. Sources:
//   http://, https://   through libcurl (redirects followed within http/https, at most 5);
//                       HTTP 403 and 404 mean "not found" (static hosts such as S3 answer
//                       403 for a missing file), 401 is ErrorCode::key ("not authorized"),
//                       any other non-2xx is an error;
//   file://URL          a local file; the path is percent-decoded, and a decoded path with a
//                       ".." segment, an encoded "/" or a NUL is refused (a role name such as
//                       "../x" must not reach outside the repository directory);
//   anything else       a local path, taken literally.
// Local files: only regular files are read (a FIFO or device is refused, never waited on) and,
// with DownloadOptions::local_roots, only inside those directories once symlinks are resolved.
// A body larger than `max_bytes` aborts the transfer as soon as it is seen to be too large
// (Content-Length, or the bytes received so far) and is an error, never truncated data.
// Under DownloadOptions::offline an http(s) URL is ErrorCode::usage naming --offline, and no
// connection is opened. Every other error is ErrorCode::remote and names the URL with any user:password removed.
//
// One Downloader keeps one libcurl handle (connections are reused between requests); it is
// not thread-safe. Nothing is written to disk.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"

namespace tufkey::remote {

namespace detail {
class CurlSession;
}

struct DownloadOptions final {
    std::chrono::milliseconds connect_timeout{15000};
    std::chrono::milliseconds total_timeout{300000};
    // Abort when fewer than low_speed_bytes arrive per second for low_speed_time (slow retrieval).
    long low_speed_bytes = 1024;
    std::chrono::seconds low_speed_time{30};
    std::string ca_file{};      // PEM CA bundle for https (a private CA); empty: the system store
    std::string client_cert{};  // PEM client certificate for TLS client authentication (optional)
    std::string client_key{};   // its unencrypted PEM private key
    std::string user_agent = "tufkey";
    // --offline: an http(s):// URL is refused (ErrorCode::usage) before any connection; file://
    // URLs and directories are still read.
    bool offline = false;
    // Local sources (file:// URLs or directories) whose files may be read: when any is given, a
    // local file is read only if it resolves, symlinks followed, to a place inside one of them
    // (a symlink leading out of the repository directory is refused, ErrorCode::remote).
    std::vector<std::string> local_roots{};
};

class Downloader final {
public:
    explicit Downloader(DownloadOptions options = {});
    ~Downloader();
    Downloader(const Downloader&) = delete;
    Downloader& operator=(const Downloader&) = delete;

    // The body at `url`, or std::nullopt when it does not exist (see above).
    core::Result<std::optional<std::string>> get(std::string_view url, std::size_t max_bytes);

private:
    core::Result<std::optional<std::string>> get_http(const std::string& url, std::size_t max_bytes);

    std::unique_ptr<detail::CurlSession> m_session;  // kept opaque so that callers need no curl headers
    std::vector<std::string> m_local_roots;          // canonical directories; empty: any local file
};

// `url` with any "user:password@" removed, for messages.
std::string redact_url(std::string_view url);
// Whether `source` is an http:// or https:// URL.
bool is_http_url(std::string_view source);
// A file:// URL for a local directory or file path (made absolute, percent-encoded).
std::string file_url(std::string_view path);
// The local path of a file:// URL, decoded as a web server decodes a URL path (an encoded "/"
// becomes a directory separator: "1.targets%2Fa.json" is "1.targets/a.json", where `publish`
// writes such files too); refuses a ".." segment (also after decoding) and NUL (ErrorCode::remote).
core::Result<std::string> file_url_path(std::string_view url);

}  // namespace tufkey::remote
