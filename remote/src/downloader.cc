#include "tufkey/remote/downloader.h"

#include <curl/curl.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "tufkey/core/atomic_file.h"

namespace tufkey::remote {
namespace {

core::Error failure(std::string_view url, const std::string& why) {
    return core::Error(core::ErrorCode::remote, "GET " + redact_url(url) + ": " + why);
}

std::string too_large(std::size_t max_bytes) {
    return "larger than the allowed " + std::to_string(max_bytes) + " bytes (endless data?); aborted";
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
    std::string body;
    std::size_t max_bytes = 0;
    bool overflow = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->body.size() + n > sink->max_bytes) {
        sink->overflow = true;
        return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
    }
    sink->body.append(data, n);
    return n;
}

core::Result<std::optional<std::string>> read_local(std::string_view url, const std::string& path,
                                                    std::size_t max_bytes) {
    // A FIFO or device in a directory repository is refused, never waited on (read_file).
    auto bytes = core::read_file_if_exists(path, max_bytes);
    if (!bytes) return failure(url, bytes.error().message);
    if (!*bytes) return std::optional<std::string>();
    return std::optional<std::string>(core::to_string(**bytes));
}

void set_transfer_options(CURL* curl, const DownloadOptions& options) {
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "identity");
    if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
}

}  // namespace

Downloader::Downloader(DownloadOptions options) : m_options(std::move(options)) {}

Downloader::~Downloader() {
    if (m_curl != nullptr) curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

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
    global_init();
    if (m_curl == nullptr) {
        m_curl = curl_easy_init();
        if (m_curl == nullptr) return failure(url, "cannot initialise libcurl");
    }
    CURL* curl = static_cast<CURL*>(m_curl);
    curl_easy_reset(curl);
    set_transfer_options(curl, m_options);
    Sink sink;
    sink.max_bytes = max_bytes;
    char error_text[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
        if (status == 403 || status == 404) return std::optional<std::string>();
        return failure(url, too_large(max_bytes));
    }
    if (rc != CURLE_OK) {
        const std::string why = error_text[0] != '\0' ? error_text : curl_easy_strerror(rc);
        return failure(url, why + " (check the URL, the network and --tls-ca)");
    }
    if (status == 403 || status == 404) return std::optional<std::string>();
    if (status < 200 || status > 299) return failure(url, "HTTP status " + std::to_string(status));
    return std::optional<std::string>(std::move(sink.body));
}

}  // namespace tufkey::remote
