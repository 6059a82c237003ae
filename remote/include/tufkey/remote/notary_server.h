// NotaryServer: the write and key half of the Notary server API for one GUN (reads of metadata
// go through the Downloader like any other source). Base: <url>/v2/<GUN>/_trust/tuf/.
//
//   fetch_key(role)    GET  <role>.key   the public key the server holds for timestamp or
//                                       snapshot (created on the first request), as JSON
//                                       {"keytype","keyval":{"private":null,"public"}}
//   rotate_key(role)   POST <role>.key   a new server key for the role; the same JSON
//   publish(files)     POST ./           one multipart/form-data upload, one part per role
//                                       (field "files", filename = role name), applied by the
//                                       server as one update; it then signs a new timestamp
//                                       (and snapshot, when it holds that key)
//
// Answers are mapped to tufkey's errors, each one line naming the server and the next step:
//   unreachable, TLS, timeout, 5xx            ErrorCode::remote (exit 4)
//   401, 403                                  ErrorCode::key (exit 3): not authorized, with the
//                                             hint that a registry's token service guards it
//   400 naming an old version / a conflict    ErrorCode::refused (exit 5): pull and sign again
//   other 400 (the server's validation)       ErrorCode::trust (exit 1), with its detail
//   404                                       ErrorCode::remote: no Notary API at that URL
// Response bodies are capped (keys 256 KiB, errors 64 KiB); timeouts are the DownloadOptions'.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/remote/downloader.h"

namespace tufkey::remote {

namespace detail {
class CurlSession;
}

// One file of a publish: the role name ("targets", "targets/releases") and its exact bytes.
struct UploadFile final {
    std::string role;
    std::string bytes;
};

class NotaryServer final {
public:
    // `url`: the server's base URL (http:// or https://, no path); anything else is
    // ErrorCode::usage. `options` carries the TLS settings and timeouts.
    static core::Result<NotaryServer> open(std::string url, std::string gun, DownloadOptions options = {});
    ~NotaryServer();
    NotaryServer(NotaryServer&&) noexcept;
    NotaryServer& operator=(NotaryServer&&) noexcept;

    // <url>/v2/<GUN>/_trust/tuf (no trailing '/'): where the metadata of the GUN is served.
    [[nodiscard]] std::string metadata_base() const;
    [[nodiscard]] const std::string& url() const noexcept { return m_url; }

    core::Result<std::string> fetch_key(std::string_view role);
    core::Result<std::string> rotate_key(std::string_view role);
    core::Result<void> publish(const std::vector<UploadFile>& files);

private:
    NotaryServer(std::string url, std::string gun, DownloadOptions options);
    core::Result<std::string> exchange(std::string method, std::string url, std::string body,
                                       std::vector<std::string> headers, std::size_t max_bytes);

    std::string m_url;
    std::string m_gun;
    std::unique_ptr<detail::CurlSession> m_session;
};

// The multipart/form-data body of a publish, as Notary's client builds it; `boundary` must not
// occur in any file (multipart_boundary() picks one that does not).
std::string multipart_body(const std::vector<UploadFile>& files, std::string_view boundary);
std::string multipart_boundary(const std::vector<UploadFile>& files);

}  // namespace tufkey::remote
