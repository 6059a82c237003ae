#include "tufkey/core/pem.h"

#include "tufkey/core/encoding.h"

namespace tufkey::core {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Splits `text` into lines without their line endings.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

}  // namespace

std::string PemBlock::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k == name) return v;
    }
    return {};
}

Result<std::vector<PemBlock>> parse_pem(std::string_view text) {
    std::vector<PemBlock> blocks;
    auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = trim(lines[i]);
        if (!line.starts_with(kBegin) || !line.ends_with(kDashes)) continue;
        PemBlock block;
        block.type = std::string(line.substr(kBegin.size(), line.size() - kBegin.size() - kDashes.size()));
        std::string end_line = std::string(kEnd) + block.type + std::string(kDashes);
        std::string body;
        bool in_headers = true;
        bool closed = false;
        for (++i; i < lines.size(); ++i) {
            std::string_view l = trim(lines[i]);
            if (l == end_line) {
                closed = true;
                break;
            }
            if (in_headers) {
                auto colon = l.find(':');
                if (colon != std::string_view::npos) {
                    block.headers.emplace_back(std::string(trim(l.substr(0, colon))),
                                               std::string(trim(l.substr(colon + 1))));
                    continue;
                }
                in_headers = false;
                if (l.empty()) continue;
            }
            body.append(l);
        }
        if (!closed) return Error(ErrorCode::usage, "PEM block \"" + block.type + "\" has no END line");
        auto der = base64_decode(body);
        if (!der) return Error(ErrorCode::usage, "PEM block \"" + block.type + "\" is not valid base64");
        block.der = std::move(der).value();
        blocks.push_back(std::move(block));
    }
    return blocks;
}

std::string encode_pem(const PemBlock& block) {
    std::string out = std::string(kBegin) + block.type + std::string(kDashes) + "\n";
    for (const auto& [k, v] : block.headers) out += k + ": " + v + "\n";
    if (!block.headers.empty()) out += "\n";
    std::string b64 = base64_encode(block.der);
    for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
    out += std::string(kEnd) + block.type + std::string(kDashes) + "\n";
    return out;
}

}  // namespace tufkey::core
