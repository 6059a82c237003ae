// Internal helpers shared by the dialect codecs: reading the members of a JSON object while
// collecting the unknown ones, and the pieces every role has (common fields, keys, hashes).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf::detail {

// ErrorCode::trust "<context>: <problem>".
core::Error malformed(std::string_view context, const std::string& problem);

// Reads the members of one object. Every member read is marked known; rest() returns the others.
class Fields final {
public:
    static core::Result<Fields> of(const Json& json, std::string context);

    [[nodiscard]] const std::string& context() const noexcept { return m_context; }
    [[nodiscard]] core::Error error(const std::string& problem) const { return malformed(m_context, problem); }

    const Json* take(std::string_view key);  // nullptr when absent
    core::Result<const Json*> require(std::string_view key);
    core::Result<std::string> string(std::string_view key);
    core::Result<std::int64_t> integer(std::string_view key);
    core::Result<bool> boolean(std::string_view key);
    core::Result<const JsonObject*> object(std::string_view key);
    core::Result<const JsonArray*> array(std::string_view key);
    [[nodiscard]] JsonObject rest() const;

private:
    Fields(const JsonObject& object, std::string context) : m_object(&object), m_context(std::move(context)) {}

    const JsonObject* m_object;
    std::string m_context;
    std::set<std::string, std::less<>> m_known;
};

// `_type` must be exactly `expected`.
core::Result<void> expect_type(Fields& fields, const char* expected);
// version, expires and (tuf) spec_version into `common`; call before rest().
core::Result<void> decode_common(Dialect dialect, Fields& fields, SignedCommon& common);
// Writes _type, version, expires, (tuf) spec_version and the extra members.
void encode_common(Dialect dialect, const char* type, const SignedCommon& common, JsonObject& out);

core::Result<std::uint32_t> decode_threshold(const Json& json, std::string_view context);
core::Result<std::vector<KeyId>> decode_keyids(const Json& json, std::string_view context);
Json encode_keyids(const std::vector<KeyId>& keyids);
core::Result<std::vector<std::string>> decode_strings(const Json& json, std::string_view context);
Json encode_strings(const std::vector<std::string>& strings);

core::Result<KeyMap> decode_keys(Dialect dialect, const Json& json, std::string_view context);
Json encode_keys(const KeyMap& keys);

// hashes: base64 (notary) or lowercase hex (tuf); text must re-encode to itself.
core::Result<Hashes> decode_hashes(Dialect dialect, const Json& json, std::string_view context);
Json encode_hashes(Dialect dialect, const Hashes& hashes);
core::Result<std::uint64_t> decode_length(const Json& json, std::string_view context);

}  // namespace tufkey::tuf::detail
