// JSON values, the strict parser and the canonical encoder (OLPC / securesystemslib rules,
// which Notary's canonical mode matches). Signing bytes always come from canonical_json();
// nlohmann-json is used only inside the parser.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/tuf/limits.h"

namespace tufkey::tuf {

class Json;
// Object members sorted by byte order of their UTF-8 keys, which equals code-point order.
using JsonObject = std::map<std::string, Json, std::less<>>;
using JsonArray = std::vector<Json>;

class Json final {
public:
    enum class Type { null, boolean, integer, string, array, object };

    Json() = default;
    Json(std::nullptr_t) {}                                           // NOLINT
    Json(bool b) : m_value(b) {}                                      // NOLINT
    Json(std::int64_t i) : m_value(i) {}                              // NOLINT
    Json(int i) : m_value(static_cast<std::int64_t>(i)) {}            // NOLINT
    Json(std::uint64_t i) : m_value(static_cast<std::int64_t>(i)) {}  // NOLINT (caller keeps < 2^63)
    Json(std::string s) : m_value(std::move(s)) {}                    // NOLINT
    Json(std::string_view s) : m_value(std::string(s)) {}             // NOLINT
    Json(const char* s) : m_value(std::string(s)) {}                  // NOLINT
    Json(JsonArray a) : m_value(std::move(a)) {}                      // NOLINT
    Json(JsonObject o) : m_value(std::move(o)) {}                     // NOLINT

    [[nodiscard]] Type type() const noexcept { return static_cast<Type>(m_value.index()); }
    [[nodiscard]] bool is_null() const noexcept { return type() == Type::null; }
    [[nodiscard]] bool is_bool() const noexcept { return type() == Type::boolean; }
    [[nodiscard]] bool is_int() const noexcept { return type() == Type::integer; }
    [[nodiscard]] bool is_string() const noexcept { return type() == Type::string; }
    [[nodiscard]] bool is_array() const noexcept { return type() == Type::array; }
    [[nodiscard]] bool is_object() const noexcept { return type() == Type::object; }

    // Typed access; calling the wrong one is a programming error (std::bad_variant_access).
    [[nodiscard]] bool as_bool() const { return std::get<bool>(m_value); }
    [[nodiscard]] std::int64_t as_int() const { return std::get<std::int64_t>(m_value); }
    [[nodiscard]] const std::string& as_string() const { return std::get<std::string>(m_value); }
    [[nodiscard]] const JsonArray& as_array() const { return std::get<JsonArray>(m_value); }
    [[nodiscard]] JsonArray& as_array() { return std::get<JsonArray>(m_value); }
    [[nodiscard]] const JsonObject& as_object() const { return std::get<JsonObject>(m_value); }
    [[nodiscard]] JsonObject& as_object() { return std::get<JsonObject>(m_value); }

    // The member `key` of an object, or nullptr (also when this is not an object).
    [[nodiscard]] const Json* find(std::string_view key) const;

    friend bool operator==(const Json&, const Json&) = default;

private:
    std::variant<std::nullptr_t, bool, std::int64_t, std::string, JsonArray, JsonObject> m_value{nullptr};
};

struct JsonLimits final {
    std::size_t max_size = kMaxMetadataLength;  // bytes of input (tuf/limits.h)
    std::size_t max_depth = 64;                 // nesting of arrays and objects
    // Bytes the tree may take (an estimate counted while it is built: every value, object
    // member and long string); 0: kJsonTreeBytesPerInputByte per input byte + kJsonTreeSlack.
    std::size_t max_tree_bytes = 0;
};

// Strict RFC 8259 parsing for metadata: refuses duplicate object keys, numbers that are not
// integers (fractions, exponents, out of int64 range), invalid UTF-8 (and lone surrogates),
// nesting deeper than max_depth, input larger than max_size, a tree that would take more than
// max_tree_bytes (refused while it is built, so a hostile structure such as a long array of
// empty objects never gets the memory it asks for), and trailing data. Each refusal
// is ErrorCode::trust with a message naming the problem and its byte offset.
core::Result<Json> parse_json(std::string_view text, const JsonLimits& limits = {});

// Counts the structure of a JSON text while it streams in, building nothing: the structural
// tokens ('{', '[', ',' and ':' outside strings; a tree has about one value per token) and the
// nesting depth. For readers that must refuse a hostile document before holding all of it
// (bundle import reads a file in chunks through this, then parses it). It does not validate:
// parse_json does, afterwards.
class JsonShapeScanner final {
public:
    explicit JsonShapeScanner(std::size_t max_tokens, std::size_t max_depth = 64)
        : m_max_tokens(max_tokens), m_max_depth(max_depth) {}
    // ErrorCode::trust naming the byte offset once the text so far has more tokens or deeper
    // nesting than allowed; every later call fails the same way.
    core::Result<void> feed(std::string_view chunk);
    [[nodiscard]] std::size_t tokens() const noexcept { return m_tokens; }

private:
    std::size_t m_max_tokens;
    std::size_t m_max_depth;
    std::size_t m_offset = 0;
    std::size_t m_tokens = 0;
    std::size_t m_depth = 0;
    bool m_in_string = false;
    bool m_escape = false;
    bool m_failed = false;
};

// Canonical JSON: no whitespace, object keys sorted by code point, strings escaping only
// `"` and `\`, integers only. The bytes every signature in both dialects is made over.
std::string canonical_json(const Json& value);

}  // namespace tufkey::tuf
