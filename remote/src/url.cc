#include <filesystem>
#include <string>

#include "tufkey/core/encoding.h"
#include "tufkey/remote/downloader.h"

namespace tufkey::remote {
namespace {

core::Error refused(std::string_view url, const std::string& why) {
    return core::Error(core::ErrorCode::remote, redact_url(url) + ": " + why);
}

}  // namespace

std::string redact_url(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::string(url);
    const auto authority_start = scheme + 3;
    const auto authority_end = url.find_first_of("/?#", authority_start);
    const auto at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority_start) return std::string(url);
    return std::string(url.substr(0, authority_start)) + std::string(url.substr(at + 1));
}

bool is_http_url(std::string_view source) { return source.starts_with("http://") || source.starts_with("https://"); }

std::string file_url(std::string_view path) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(std::filesystem::path(path), ec);
    const std::string text = ec ? std::string(path) : absolute.lexically_normal().string();
    return "file://" + core::percent_encode(text, "/");
}

core::Result<std::string> file_url_path(std::string_view url) {
    if (!url.starts_with("file://")) return refused(url, "not a file:// URL");
    std::string_view rest = url.substr(7);
    if (rest.starts_with("localhost/")) rest.remove_prefix(9);
    if (!rest.starts_with('/')) return refused(url, "a file:// URL needs an absolute path");
    std::string path;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '?' || rest[i] == '#') return refused(url, "a file:// URL has no query or fragment");
        if (rest[i] != '%') {
            path.push_back(rest[i]);
            continue;
        }
        const int hi = i + 2 < rest.size() ? core::hex_value(rest[i + 1]) : -1;
        const int lo = i + 2 < rest.size() ? core::hex_value(rest[i + 2]) : -1;
        if (hi < 0 || lo < 0) return refused(url, "malformed percent-encoding");
        const char decoded = static_cast<char>(hi * 16 + lo);
        if (decoded == '\0') return refused(url, "an encoded NUL in a file:// URL is refused");
        path.push_back(decoded);
        i += 2;
    }
    for (const auto& part : std::filesystem::path(path)) {
        if (part == "..") return refused(url, "a '..' segment in a file:// URL is refused");
    }
    return path;
}

}  // namespace tufkey::remote
