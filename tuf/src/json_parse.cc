// parse_json: nlohmann-json's SAX lexer/parser feeding our own Json tree.
//
// nlohmann's lexer already enforces RFC 8259 / RFC 3629 inside strings: it refuses raw
// control characters, overlong encodings, truncated sequences, bytes 0xC0/0xC1/0xF5-0xFF,
// surrogates encoded in UTF-8 (ED A0..BF) and lone \uD800-\uDFFF escapes (the unit tests pin
// each of these). What it does not refuse is added here: duplicate keys, non-integers and
// integers outside int64, nesting deeper than the limit (counted per event, so a bomb of
// '[' stops at the first level too many), oversized input, a leading byte-order mark (which
// nlohmann would skip) and data after a NUL byte (which nlohmann takes for end of input).
// The parser is iterative, so deep input cannot overflow the stack either.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <iterator>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tufkey/tuf/json.h"

namespace tufkey::tuf {
namespace {

using core::Error;
using core::ErrorCode;

// A forward iterator over the input that publishes how far nlohmann has read, so that
// semantic refusals (duplicate key, float, depth) can name a byte offset.
class CountingIterator final {
public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    CountingIterator() = default;
    CountingIterator(const char* p, const char* begin, std::size_t* consumed)
        : m_p(p), m_begin(begin), m_consumed(consumed) {}

    reference operator*() const { return *m_p; }
    CountingIterator& operator++() {
        ++m_p;
        *m_consumed = static_cast<std::size_t>(m_p - m_begin);
        return *this;
    }
    CountingIterator operator++(int) {
        CountingIterator old = *this;
        ++*this;
        return old;
    }
    friend bool operator==(const CountingIterator& a, const CountingIterator& b) { return a.m_p == b.m_p; }

private:
    const char* m_p = nullptr;
    const char* m_begin = nullptr;
    std::size_t* m_consumed = nullptr;
};

// Message-safe rendering of arbitrary text: printable ASCII kept, the rest as '?'.
std::string printable(std::string_view text, std::size_t max_len = 80) {
    std::string out;
    for (char c : text.substr(0, max_len)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
    }
    if (text.size() > max_len) out += "...";
    return out;
}

bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Start of the number token that ends at or just before `consumed` (the lexer reads one
// character past a number before giving it back).
std::size_t number_start(std::string_view text, std::size_t consumed) {
    std::size_t end = std::min(consumed, text.size());
    while (end > 0 && !is_number_char(text[end - 1])) --end;
    std::size_t start = end;
    while (start > 0 && is_number_char(text[start - 1])) --start;
    return start;
}

// Opening quote of the string token whose closing quote is text[end - 1]: the first quote
// going backwards that is preceded by an even number of backslashes.
std::size_t string_start(std::string_view text, std::size_t end) {
    if (end < 2) return 0;
    for (std::size_t i = end - 1; i-- > 0;) {
        if (text[i] != '"') continue;
        std::size_t backslashes = 0;
        while (backslashes < i && text[i - 1 - backslashes] == '\\') ++backslashes;
        if (backslashes % 2 == 0) return i;
    }
    return 0;
}

// The useful middle of an nlohmann parse_error message: drop the "[json.exception...] parse
// error at line L, column C: " prefix and the raw "; last read: '...'" token.
std::string describe_nlohmann_error(const std::string& what) {
    std::string_view text = what;
    if (const auto pos = text.find("syntax error"); pos != std::string_view::npos) text.remove_prefix(pos);
    if (const auto pos = text.find("; last read:"); pos != std::string_view::npos) text = text.substr(0, pos);
    return printable(text, 200);
}

class JsonBuilder final {
public:
    using number_integer_t = nlohmann::json::number_integer_t;
    using number_unsigned_t = nlohmann::json::number_unsigned_t;
    using number_float_t = nlohmann::json::number_float_t;
    using string_t = nlohmann::json::string_t;
    using binary_t = nlohmann::json::binary_t;

    JsonBuilder(std::string_view text, const JsonLimits& limits, const std::size_t& consumed)
        : m_text(text),
          m_limits(limits),
          m_consumed(consumed),
          m_max_tree_bytes(limits.max_tree_bytes != 0 ? limits.max_tree_bytes
                                                      : text.size() * kJsonTreeBytesPerInputByte + kJsonTreeSlack) {}

    bool null() { return add(Json(nullptr)); }
    bool boolean(bool b) { return add(Json(b)); }
    bool number_integer(number_integer_t i) { return add(Json(static_cast<std::int64_t>(i))); }
    bool number_unsigned(number_unsigned_t u) {
        if (u > static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
            return fail(number_start(m_text, m_consumed), "integer out of the int64 range");
        }
        return add(Json(static_cast<std::int64_t>(u)));
    }
    bool number_float(number_float_t /*value*/, const string_t& token) {
        const bool fractional = token.find_first_of(".eE") != string_t::npos;
        return fail(number_start(m_text, m_consumed),
                    fractional ? "number \"" + printable(token) + "\" is not an integer (fraction or exponent)"
                               : "integer " + printable(token) + " out of the int64 range");
    }
    bool string(string_t& s) { return add(Json(std::move(s))); }
    bool binary(binary_t& /*unused*/) { return fail(m_consumed, "binary value"); }

    bool start_object(std::size_t /*elements*/) { return open(Json(JsonObject{})); }
    bool start_array(std::size_t /*elements*/) { return open(Json(JsonArray{})); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(string_t& k) {
        Frame& top = m_stack.back();
        if (top.value.as_object().contains(k)) {
            return fail(string_start(m_text, m_consumed), "duplicate key \"" + printable(k) + "\"");
        }
        top.key = std::move(k);
        return true;
    }

    bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::json::exception& ex) {
        // nlohmann counts the offending character as read; report its own offset.
        const std::size_t offset = position > 0 ? position - 1 : 0;
        if (m_complete && m_stack.empty()) return fail(offset, "trailing data after the JSON value");
        return fail(offset, describe_nlohmann_error(ex.what()));
    }

    [[nodiscard]] const std::optional<Error>& error() const { return m_error; }
    [[nodiscard]] bool complete() const { return m_complete; }
    [[nodiscard]] Json take_root() { return std::move(m_root); }

private:
    struct Frame {
        Json value;
        std::string key;  // the pending member name while an object is open
    };

    bool fail(std::size_t offset, const std::string& what) {
        m_error = Error(ErrorCode::trust, "invalid JSON at byte " + std::to_string(offset) + ": " + what);
        return false;
    }

    // What a value costs in the tree: its Json (as an array element or the root) or its object
    // member (the map node: the pair, three links and a colour, the allocator's header), plus the
    // heap block of a string too long for the small-string buffer.
    static std::size_t string_cost(const std::string& s) {
        return s.size() >= sizeof(std::string) / 2 ? s.size() + 1 + 2 * sizeof(void*) : 0;
    }

    bool charge(std::size_t bytes) {
        m_tree_bytes += bytes;
        if (m_tree_bytes <= m_max_tree_bytes) return true;
        return fail(m_consumed > 0 ? m_consumed - 1 : 0,
                    "the document would take more than " + std::to_string(m_max_tree_bytes >> 20) +
                        " MiB in memory, too much for its " + std::to_string(m_text.size()) +
                        " bytes (a hostile structure such as a long array of empty values)");
    }

    bool add(Json value) {
        const bool member = !m_stack.empty() && m_stack.back().value.is_object();
        const std::size_t node = member ? sizeof(JsonObject::value_type) + 4 * sizeof(void*) : sizeof(Json);
        if (!charge(node + (value.is_string() ? string_cost(value.as_string()) : 0) +
                    (member ? string_cost(m_stack.back().key) : 0)))
            return false;
        if (m_stack.empty()) {
            m_root = std::move(value);
            m_complete = true;
            return true;
        }
        Frame& top = m_stack.back();
        if (top.value.is_array()) {
            top.value.as_array().push_back(std::move(value));
        } else {
            top.value.as_object().emplace(std::move(top.key), std::move(value));
        }
        return true;
    }

    bool open(Json container) {
        if (m_stack.size() >= m_limits.max_depth) {
            return fail(m_consumed > 0 ? m_consumed - 1 : 0,
                        "nesting deeper than " + std::to_string(m_limits.max_depth) + " levels");
        }
        m_stack.push_back(Frame{std::move(container), {}});
        return true;
    }

    bool close() {
        Json done = std::move(m_stack.back().value);
        m_stack.pop_back();
        return add(std::move(done));
    }

    std::string_view m_text;
    const JsonLimits& m_limits;
    const std::size_t& m_consumed;
    std::size_t m_max_tree_bytes;
    std::size_t m_tree_bytes = 0;
    std::vector<Frame> m_stack;
    Json m_root;
    bool m_complete = false;
    std::optional<Error> m_error;
};

}  // namespace

const Json* Json::find(std::string_view key) const {
    if (!is_object()) return nullptr;
    const auto& object = as_object();
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &it->second;
}

core::Result<Json> parse_json(std::string_view text, const JsonLimits& limits) {
    if (text.size() > limits.max_size) {
        return Error(ErrorCode::trust, "invalid JSON at byte " + std::to_string(limits.max_size) + ": input of " +
                                           std::to_string(text.size()) + " bytes is larger than the limit of " +
                                           std::to_string(limits.max_size) + " bytes");
    }
    if (text.starts_with("\xEF\xBB\xBF")) {
        return Error(ErrorCode::trust, "invalid JSON at byte 0: byte order mark before the JSON value");
    }
    std::size_t consumed = 0;
    JsonBuilder builder(text, limits, consumed);
    const char* begin = text.data();
    bool ok = false;
    try {
        ok = nlohmann::json::sax_parse(CountingIterator(begin, begin, &consumed),
                                       CountingIterator(begin + text.size(), begin, &consumed), &builder,
                                       nlohmann::json::input_format_t::json, /*strict=*/true,
                                       /*ignore_comments=*/false);
    } catch (const nlohmann::json::exception& e) {
        return Error(ErrorCode::trust, "invalid JSON: " + describe_nlohmann_error(e.what()));
    } catch (const std::bad_alloc&) {
        return Error(ErrorCode::internal, "out of memory while parsing JSON");
    }
    if (builder.error()) return *builder.error();
    if (!ok || !builder.complete()) return Error(ErrorCode::internal, "JSON parser stopped without a reason");
    // nlohmann's lexer takes a NUL byte for the end of input. A raw NUL inside a string or
    // before the value is complete has been refused above, so one found now follows the value.
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        return Error(ErrorCode::trust, "invalid JSON at byte " + std::to_string(nul) +
                                           ": trailing data after the JSON value (a NUL byte)");
    }
    return builder.take_root();
}

core::Result<void> JsonShapeScanner::feed(std::string_view chunk) {
    auto refuse = [&](std::size_t at, const std::string& what) -> core::Result<void> {
        m_failed = true;
        return Error(ErrorCode::trust, "invalid JSON at byte " + std::to_string(at) + ": " + what);
    };
    if (m_failed) return Error(ErrorCode::trust, "invalid JSON: refused earlier");
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        const char c = chunk[i];
        if (m_in_string) {
            if (m_escape) {
                m_escape = false;
            } else if (c == '\\') {
                m_escape = true;
            } else if (c == '"') {
                m_in_string = false;
            }
            continue;
        }
        switch (c) {
            case '"':
                m_in_string = true;
                continue;
            case '{':
            case '[':
                if (++m_depth > m_max_depth)
                    return refuse(m_offset + i, "nesting deeper than " + std::to_string(m_max_depth) + " levels");
                break;
            case '}':
            case ']':
                if (m_depth > 0) --m_depth;
                continue;
            case ',':
            case ':':
                break;
            default:
                continue;
        }
        if (++m_tokens > m_max_tokens)
            return refuse(m_offset + i, "more than " + std::to_string(m_max_tokens) +
                                            " values, more than such a document ever holds (a hostile structure)");
    }
    m_offset += chunk.size();
    return core::success();
}

}  // namespace tufkey::tuf
