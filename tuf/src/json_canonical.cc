// canonical_json: the OLPC / securesystemslib canonical form (TUF 1.0 spec §1.3 in
// docs/reference), which Notary's canonical mode produces byte for byte as well.
//
// One pass estimates the output size from the tree alone (exact unless strings contain `"` or
// `\`), a second appends into that single reserved string.
// Object keys come out in std::map order, i.e. byte order of UTF-8 = code-point order.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "tufkey/tuf/json.h"

namespace tufkey::tuf {
namespace {

// Quotes plus content; escapes are rare, so they are left to the string's own growth. Not
// reading the characters keeps this pass to the tree nodes (long strings live elsewhere).
std::size_t string_size(std::string_view s) { return s.size() + 2; }

std::size_t integer_size(std::int64_t i) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, i);
    return static_cast<std::size_t>(result.ptr - buffer);
}

std::size_t canonical_size(const Json& value) {
    switch (value.type()) {
        case Json::Type::null:
            return 4;
        case Json::Type::boolean:
            return value.as_bool() ? 4 : 5;
        case Json::Type::integer:
            return integer_size(value.as_int());
        case Json::Type::string:
            return string_size(value.as_string());
        case Json::Type::array: {
            const auto& array = value.as_array();
            std::size_t size = 2 + (array.empty() ? 0 : array.size() - 1);
            for (const Json& element : array) size += canonical_size(element);
            return size;
        }
        case Json::Type::object: {
            const auto& object = value.as_object();
            std::size_t size = 2 + (object.empty() ? 0 : object.size() - 1) + object.size();  // commas, colons
            for (const auto& [key, member] : object) size += string_size(key) + canonical_size(member);
            return size;
        }
    }
    return 0;
}

// Only `"` and `\` are escaped; every other byte (controls, DEL, non-ASCII) is copied raw.
void append_string(std::string& out, std::string_view s) {
    out.push_back('"');
    std::size_t run_start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"' || c == '\\') {
            out.append(s.data() + run_start, i - run_start);
            out.push_back('\\');
            run_start = i;  // the character itself opens the next run
        }
    }
    out.append(s.data() + run_start, s.size() - run_start);
    out.push_back('"');
}

void append_integer(std::string& out, std::int64_t i) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, i);
    out.append(buffer, result.ptr);
}

void append_canonical(std::string& out, const Json& value) {
    switch (value.type()) {
        case Json::Type::null:
            out += "null";
            return;
        case Json::Type::boolean:
            out += value.as_bool() ? "true" : "false";
            return;
        case Json::Type::integer:
            append_integer(out, value.as_int());
            return;
        case Json::Type::string:
            append_string(out, value.as_string());
            return;
        case Json::Type::array: {
            out.push_back('[');
            bool first = true;
            for (const Json& element : value.as_array()) {
                if (!first) out.push_back(',');
                first = false;
                append_canonical(out, element);
            }
            out.push_back(']');
            return;
        }
        case Json::Type::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, member] : value.as_object()) {
                if (!first) out.push_back(',');
                first = false;
                append_string(out, key);
                out.push_back(':');
                append_canonical(out, member);
            }
            out.push_back('}');
            return;
        }
    }
}

}  // namespace

std::string canonical_json(const Json& value) {
    std::string out;
    out.reserve(canonical_size(value) + 64);
    append_canonical(out, value);
    return out;
}

}  // namespace tufkey::tuf
