#include "tufkey/core/encoding.h"

#include <array>

namespace tufkey::core {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kUpperHexDigits[] = "0123456789ABCDEF";
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> make_base64_table() {
    std::array<int, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kBase64Alphabet[i])] = i;
    return t;
}
constexpr auto kBase64Table = make_base64_table();

bool unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

void append_escape(std::string& out, unsigned char c) {
    out.push_back('%');
    out.push_back(kUpperHexDigits[c >> 4]);
    out.push_back(kUpperHexDigits[c & 0x0f]);
}

// Decodes padded standard base64 into `out` (Bytes or SecretBytes), four characters at a time.
template <typename Out>
Result<void> decode_base64_into(std::string_view text, Out& out) {
    if (text.size() % 4 != 0) return Error(ErrorCode::usage, "base64 text length is not a multiple of 4");
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; ++j) {
            char c = text[i + j];
            if (c == '=' && i + 4 == text.size() && j >= 2) {
                v[j] = 0;
                ++pad;
                continue;
            }
            if (pad) return Error(ErrorCode::usage, "base64 text has data after padding");
            v[j] = kBase64Table[static_cast<unsigned char>(c)];
            if (v[j] < 0) return Error(ErrorCode::usage, "base64 text has a character outside the standard alphabet");
        }
        std::uint32_t n =
            std::uint32_t(v[0]) << 18 | std::uint32_t(v[1]) << 12 | std::uint32_t(v[2]) << 6 | std::uint32_t(v[3]);
        out.push_back(static_cast<std::uint8_t>(n >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(n >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(n));
        secure_wipe(&n, sizeof n);
        secure_wipe(v, sizeof v);
        if (pad == 1 && text[i + 2] == '=') return Error(ErrorCode::usage, "base64 text has misplaced padding");
    }
    return success();
}

}  // namespace

char hex_digit(unsigned nibble, bool upper) noexcept { return (upper ? kUpperHexDigits : kHexDigits)[nibble & 0x0f]; }

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string hex_encode(ByteView data) {
    std::string out;
    out.resize(data.size() * 2);
    for (std::size_t i = 0; i < data.size(); ++i) {
        out[2 * i] = kHexDigits[data[i] >> 4];
        out[2 * i + 1] = kHexDigits[data[i] & 0x0f];
    }
    return out;
}

Result<Bytes> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return Error(ErrorCode::usage, "hex text has an odd number of digits");
    Bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(text[2 * i]);
        int lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return Error(ErrorCode::usage, "hex text has a character that is not a hex digit");
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string base64_encode(ByteView data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        std::uint32_t v = std::uint32_t(data[i]) << 16 | std::uint32_t(data[i + 1]) << 8 | data[i + 2];
        out += kBase64Alphabet[v >> 18 & 63];
        out += kBase64Alphabet[v >> 12 & 63];
        out += kBase64Alphabet[v >> 6 & 63];
        out += kBase64Alphabet[v & 63];
    }
    std::size_t rest = data.size() - i;
    if (rest == 1) {
        std::uint32_t v = std::uint32_t(data[i]) << 16;
        out += kBase64Alphabet[v >> 18 & 63];
        out += kBase64Alphabet[v >> 12 & 63];
        out += "==";
    } else if (rest == 2) {
        std::uint32_t v = std::uint32_t(data[i]) << 16 | std::uint32_t(data[i + 1]) << 8;
        out += kBase64Alphabet[v >> 18 & 63];
        out += kBase64Alphabet[v >> 12 & 63];
        out += kBase64Alphabet[v >> 6 & 63];
        out += '=';
    }
    return out;
}

Result<Bytes> base64_decode(std::string_view text) {
    Bytes out;
    out.reserve(text.size() / 4 * 3);
    TUFKEY_TRY_VOID(decode_base64_into(text, out));
    return out;
}

Result<SecretBytes> base64_decode_secret(std::string_view text) {
    SecretBytes out;
    TUFKEY_TRY_VOID(decode_base64_into(text, out));
    return out;
}

std::string percent_encode(std::string_view text, std::string_view keep) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved(c) || keep.find(ch) != std::string_view::npos)
            out.push_back(ch);
        else
            append_escape(out, c);
    }
    return out;
}

std::string percent_encode_all(ByteView data) {
    std::string out;
    out.reserve(data.size() * 3);
    for (const auto b : data) append_escape(out, b);
    return out;
}

Result<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return Error(ErrorCode::usage, "truncated percent-escape");
        const int hi = hex_value(text[i + 1]);
        const int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return Error(ErrorCode::usage, "percent-escape with a non-hex digit");
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::string printable(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f) {
            out.push_back(c);
        } else {
            out += "\\x";
            out.push_back(hex_digit(byte >> 4));
            out.push_back(hex_digit(byte));
        }
    }
    return out;
}

}  // namespace tufkey::core
