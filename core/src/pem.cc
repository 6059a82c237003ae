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

bool is_begin_line(std::string_view line) {
    return line.size() > kBegin.size() + kDashes.size() && line.starts_with(kBegin) && line.ends_with(kDashes);
}

// The one PEM scanner: finds BEGIN/END lines, reads RFC 1421 headers, collects the base64 body
// in wiping storage and hands it to `decode` (which fills the block's der).
template <typename Block, typename Decode>
Result<std::vector<Block>> scan_pem(std::string_view text, Decode decode) {
    std::vector<Block> blocks;
    Block* current = nullptr;
    std::string end_line;
    SecretBytes body;
    bool in_headers = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        if (current == nullptr) {
            if (!is_begin_line(line)) continue;
            current = &blocks.emplace_back();
            current->type = std::string(line.substr(kBegin.size(), line.size() - kBegin.size() - kDashes.size()));
            end_line = std::string(kEnd) + current->type + std::string(kDashes);
            in_headers = true;
            continue;
        }
        if (line == end_line) {
            const bool decoded = decode(body.reveal_as_chars(), current->der);
            body.clear();
            if (!decoded) return Error(ErrorCode::usage, "PEM block \"" + current->type + "\" is not valid base64");
            current = nullptr;
            continue;
        }
        if (in_headers) {
            const auto colon = line.find(':');
            if (colon != std::string_view::npos) {
                current->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                              std::string(trim(line.substr(colon + 1))));
                continue;
            }
            in_headers = false;
            if (line.empty()) continue;
        }
        for (const char c : line) body.push_back(static_cast<std::uint8_t>(c));
    }
    if (current != nullptr) return Error(ErrorCode::usage, "PEM block \"" + current->type + "\" has no END line");
    return blocks;
}

}  // namespace

std::string PemBlock::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k == name) return v;
    }
    return {};
}

std::optional<std::string> SecretPemBlock::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k == name) return v;
    }
    return std::nullopt;
}

Result<std::vector<PemBlock>> parse_pem(std::string_view text) {
    return scan_pem<PemBlock>(text, [](std::string_view body, Bytes& der) {
        auto decoded = base64_decode(body);
        if (!decoded) return false;
        der = std::move(decoded).value();
        return true;
    });
}

Result<std::vector<SecretPemBlock>> parse_secret_pem(const SecretBytes& text) {
    return scan_pem<SecretPemBlock>(text.reveal_as_chars(), [](std::string_view body, SecretBytes& der) {
        auto decoded = base64_decode_secret(body);
        if (!decoded) return false;
        der = std::move(decoded).value();
        return true;
    });
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
