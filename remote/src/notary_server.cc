#include "tufkey/remote/notary_server.h"

#include <nlohmann/json.hpp>

#include "curl_session.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"

namespace tufkey::remote {
namespace {

constexpr std::size_t kKeyBodyLimit = 256u << 10;
constexpr std::size_t kReplyLimit = 64u << 10;

// "CODE: message (detail)" of the first entry of Notary's {"errors":[...]} answer, or the
// start of the body when it is not such an answer.
std::string server_reason(const std::string& body) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object() && json.contains("errors") && json["errors"].is_array() && !json["errors"].empty()) {
        const auto& e = json["errors"].front();
        std::string out;
        if (e.contains("code") && e["code"].is_string()) out = e["code"].get<std::string>();
        if (e.contains("message") && e["message"].is_string())
            out += (out.empty() ? "" : ": ") + e["message"].get<std::string>();
        if (e.contains("detail") && !e["detail"].is_null()) {
            const auto& d = e["detail"];
            std::string detail;
            if (d.is_string()) {
                detail = d.get<std::string>();
            } else if (d.is_object() && d.contains("Error")) {
                const auto& inner = d["Error"];
                if (inner.is_string())
                    detail = inner.get<std::string>();
                else if (inner.is_object() && inner.contains("Msg") && inner["Msg"].is_string())
                    detail = inner["Msg"].get<std::string>();
                else
                    detail = inner.dump();
                if (d.contains("Name") && d["Name"].is_string()) detail = d["Name"].get<std::string>() + ": " + detail;
            } else {
                detail = d.dump();
            }
            if (!detail.empty()) out += " (" + detail + ")";
        }
        if (!out.empty()) return core::printable(out.substr(0, 400));
    }
    std::string start = body.substr(0, 200);
    return start.empty() ? std::string("no explanation given") : core::printable(start);
}

bool names_version_conflict(const std::string& reason) {
    for (std::string_view marker : {"VERSION", "version", "ErrOldVersion", "ErrLowVersion", "out of date"}) {
        if (reason.find(marker) != std::string::npos) return true;
    }
    return false;
}

core::Error answer_error(std::string_view method, const std::string& url, long status, const std::string& body) {
    const std::string where = std::string(method) + " " + redact_url(url);
    if (status == 401 || status == 403)
        return core::Error(core::ErrorCode::key,
                           where + ": not authorized (HTTP " + std::to_string(status) +
                               "); a Notary server behind a registry wants that registry's token: sign in to the "
                               "registry's token service, or use a server that accepts this client certificate "
                               "(--tls-client-cert)");
    if (status >= 500)
        return core::Error(core::ErrorCode::remote, where + ": the server failed (HTTP " + std::to_string(status) +
                                                        ", " + server_reason(body) + "); try again later");
    if (status == 404)
        return core::Error(core::ErrorCode::remote,
                           where + ": not found (HTTP 404): is this the URL of a Notary server (its /v2/ API)?");
    const std::string reason = server_reason(body);
    if (status == 400 || status == 409) {
        if (names_version_conflict(reason))
            return core::Error(core::ErrorCode::refused,
                               where + ": the server has newer trust data (" + reason +
                                   "); run 'tufkey pull' for this repository, then sign again");
        return core::Error(core::TrustReason::malformed, where + ": the server refused the update (" + reason + ")");
    }
    return core::Error(core::ErrorCode::remote,
                       where + ": unexpected HTTP status " + std::to_string(status) + " (" + reason + ")");
}

bool is_known_role(std::string_view role) { return role == "timestamp" || role == "snapshot"; }

}  // namespace

core::Result<NotaryServer> NotaryServer::open(std::string url, std::string gun, DownloadOptions options) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (!is_http_url(url))
        return core::Error(core::ErrorCode::usage, "a Notary server is reached over https:// (or http://), not \"" +
                                                       redact_url(url) + "\": give --server https://HOST[:PORT]");
    return NotaryServer(std::move(url), std::move(gun), std::move(options));
}

NotaryServer::NotaryServer(std::string url, std::string gun, DownloadOptions options)
    : m_url(std::move(url)),
      m_gun(std::move(gun)),
      m_session(std::make_unique<detail::CurlSession>(std::move(options))) {}
NotaryServer::~NotaryServer() = default;
NotaryServer::NotaryServer(NotaryServer&&) noexcept = default;
NotaryServer& NotaryServer::operator=(NotaryServer&&) noexcept = default;

std::string NotaryServer::metadata_base() const { return m_url + "/v2/" + m_gun + "/_trust/tuf"; }

core::Result<std::string> NotaryServer::exchange(std::string method, std::string url, std::string body,
                                                 std::vector<std::string> headers, std::size_t max_bytes) {
    TUFKEY_TRY(auto response, m_session->perform({.method = method,
                                                  .url = url,
                                                  .body = std::move(body),
                                                  .headers = std::move(headers),
                                                  .max_bytes = max_bytes}));
    if (response.status >= 200 && response.status <= 299) return std::move(response.body);
    return answer_error(method, url, response.status, response.body);
}

core::Result<std::string> NotaryServer::fetch_key(std::string_view role) {
    if (!is_known_role(role))
        return core::Error(core::ErrorCode::usage, "a Notary server holds keys for timestamp and snapshot only");
    return exchange("GET", metadata_base() + "/" + std::string(role) + ".key", {}, {}, kKeyBodyLimit);
}

core::Result<std::string> NotaryServer::rotate_key(std::string_view role) {
    if (!is_known_role(role))
        return core::Error(core::ErrorCode::usage, "a Notary server holds keys for timestamp and snapshot only");
    return exchange("POST", metadata_base() + "/" + std::string(role) + ".key", {}, {}, kKeyBodyLimit);
}

core::Result<void> NotaryServer::publish(const std::vector<UploadFile>& files) {
    const std::string boundary = multipart_boundary(files);
    TUFKEY_TRY(auto reply,
               exchange("POST", metadata_base() + "/", multipart_body(files, boundary),
                        {"Content-Type: multipart/form-data; boundary=" + boundary, "Expect:"}, kReplyLimit));
    (void)reply;
    return core::success();
}

std::string multipart_boundary(const std::vector<UploadFile>& files) {
    // Derived from the content, then checked: the boundary must not occur in any part.
    std::string seed;
    for (const auto& f : files) seed += f.role + '\0' + f.bytes + '\0';
    for (int salt = 0;; ++salt) {
        const std::string candidate =
            core::hex_encode(core::sha256(core::as_bytes(seed + std::to_string(salt)))).substr(0, 60);
        bool clash = false;
        for (const auto& f : files) clash = clash || f.bytes.find(candidate) != std::string::npos;
        if (!clash) return candidate;
    }
}

std::string multipart_body(const std::vector<UploadFile>& files, std::string_view boundary) {
    std::string body;
    for (const auto& f : files) {
        body += "--";
        body += boundary;
        body += "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + f.role +
                "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        body += f.bytes;
        body += "\r\n";
    }
    body += "--";
    body += boundary;
    body += "--\r\n";
    return body;
}

}  // namespace tufkey::remote
