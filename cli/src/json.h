// JsonValue: the one writer of tufkey's --json output. A small ordered value (objects keep the
// order members were added, which is the order the docs show) serialised compactly as RFC 8259
// JSON: strings escape `"`, `\` and every control character, UTF-8 is passed through.
// Each command builds its output with one to_json(report) and prints it with print_json().
// (tuf::Json is the metadata model with canonical, sorted output; this is for people and scripts.)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::cli {

// Object keys from the maps reports hold: plain strings, or role names.
inline std::string json_key(std::string_view key) { return std::string(key); }
inline std::string json_key(const tuf::RoleName& role) { return role.str(); }

class JsonValue final {
public:
    JsonValue() = default;                                                       // null
    JsonValue(std::nullptr_t) {}                                                 // NOLINT
    JsonValue(bool b) : m_value(b) {}                                            // NOLINT
    JsonValue(int i) : m_value(static_cast<std::int64_t>(i)) {}                  // NOLINT
    JsonValue(long i) : m_value(static_cast<std::int64_t>(i)) {}                 // NOLINT
    JsonValue(long long i) : m_value(static_cast<std::int64_t>(i)) {}            // NOLINT
    JsonValue(unsigned i) : m_value(static_cast<std::uint64_t>(i)) {}            // NOLINT
    JsonValue(unsigned long i) : m_value(static_cast<std::uint64_t>(i)) {}       // NOLINT
    JsonValue(unsigned long long i) : m_value(static_cast<std::uint64_t>(i)) {}  // NOLINT
    JsonValue(std::string s) : m_value(std::move(s)) {}                          // NOLINT
    JsonValue(std::string_view s) : m_value(std::string(s)) {}                   // NOLINT
    JsonValue(const char* s) : m_value(std::string(s)) {}                        // NOLINT
    JsonValue(const tuf::Version& v) : m_value(v.value()) {}                     // NOLINT
    JsonValue(const tuf::RoleName& role) : m_value(role.str()) {}                // NOLINT

    static JsonValue object() { return JsonValue(Object{}); }
    static JsonValue array() { return JsonValue(Array{}); }
    // A string, or null when absent.
    static JsonValue optional(const std::optional<std::string>& s) { return s ? JsonValue(*s) : JsonValue(); }
    static JsonValue strings(const std::vector<std::string>& items);
    static JsonValue strings(const std::vector<tuf::RoleName>& roles);
    // An object from a map, values converted with JsonValue's constructors.
    template <typename Map>
    static JsonValue from_map(const Map& map) {
        JsonValue out = object();
        for (const auto& [key, value] : map) out.set(json_key(key), JsonValue(value));
        return out;
    }

    // Adds a member to an object (in order; a repeated key replaces the value in place).
    JsonValue& set(std::string key, JsonValue value);
    // Appends to an array.
    JsonValue& push(JsonValue value);

    [[nodiscard]] std::string dump() const;
    // Go's json.MarshalIndent layout with `width` spaces a level ("[]" and "{}" when empty,
    // `"key": value`), as `docker trust inspect` prints.
    [[nodiscard]] std::string dump_indented(std::size_t width = 4) const;

private:
    struct Object final {
        std::vector<std::pair<std::string, JsonValue>> members;
    };
    struct Array final {
        std::vector<JsonValue> items;
    };
    explicit JsonValue(Object o) : m_value(std::move(o)) {}
    explicit JsonValue(Array a) : m_value(std::move(a)) {}
    // `width` 0: compact; otherwise indented, `level` levels deep.
    void dump_to(std::string& out, std::size_t width, std::size_t level) const;

    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, std::string, Array, Object> m_value = nullptr;
};

// Prints `value` and a newline on stdout.
void print_json(const JsonValue& value);

}  // namespace tufkey::cli
