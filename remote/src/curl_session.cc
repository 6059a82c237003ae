#include "curl_session.h"

#include <curl/curl.h>

#include <mutex>

namespace tufkey::remote::detail {
namespace {

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
    if (!options.client_cert.empty()) {
        curl_easy_setopt(curl, CURLOPT_SSLCERT, options.client_cert.c_str());
        curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!options.client_key.empty()) {
        curl_easy_setopt(curl, CURLOPT_SSLKEY, options.client_key.c_str());
        curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
}

std::string too_large(std::size_t max_bytes) {
    return "larger than the allowed " + std::to_string(max_bytes) + " bytes (endless data?); aborted";
}

}  // namespace

core::Error transfer_failure(std::string_view method, std::string_view url, const std::string& why) {
    return core::Error(core::ErrorCode::remote, std::string(method) + " " + redact_url(url) + ": " + why);
}

CurlSession::~CurlSession() {
    if (m_curl != nullptr) curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

core::Result<HttpResponse> CurlSession::perform(const HttpExchange& exchange) {
    if (m_options.offline)  // the last guard: no connection whatever the caller forgot
        return core::Error(core::ErrorCode::usage, "--offline: " + exchange.method + " " + redact_url(exchange.url) +
                                                       " needs the network; drop --offline");
    global_init();
    if (m_curl == nullptr) {
        m_curl = curl_easy_init();
        if (m_curl == nullptr) return transfer_failure(exchange.method, exchange.url, "cannot initialise libcurl");
    }
    CURL* curl = static_cast<CURL*>(m_curl);
    curl_easy_reset(curl);
    set_transfer_options(curl, m_options);
    Sink sink;
    sink.max_bytes = exchange.max_bytes;
    char error_text[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, exchange.url.c_str());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(exchange.max_bytes));
    if (exchange.method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, exchange.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(exchange.body.size()));
    } else if (exchange.method != "GET") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, exchange.method.c_str());
    }
    curl_slist* headers = nullptr;
    for (const auto& h : exchange.headers) headers = curl_slist_append(headers, h.c_str());
    if (headers != nullptr) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
        // A large error page is still an answer; its body is not needed.
        if (status >= 400) return HttpResponse{status, {}};
        return transfer_failure(exchange.method, exchange.url, too_large(exchange.max_bytes));
    }
    if (rc != CURLE_OK) {
        const std::string why = error_text[0] != '\0' ? error_text : curl_easy_strerror(rc);
        return transfer_failure(exchange.method, exchange.url, why + " (check the URL, the network and --tls-ca)");
    }
    return HttpResponse{status, std::move(sink.body)};
}

}  // namespace tufkey::remote::detail
