#include "codec_support.h"

#include "tufkey/core/encoding.h"

namespace tufkey::tuf::detail {

core::Error malformed(std::string_view context, const std::string& problem) {
    return core::Error(core::TrustReason::malformed, std::string(context) + ": " + problem);
}

core::Result<Fields> Fields::of(const Json& json, std::string context) {
    if (!json.is_object()) return malformed(context, "must be a JSON object");
    return Fields(json.as_object(), std::move(context));
}

const Json* Fields::take(std::string_view key) {
    auto it = m_object->find(key);
    if (it == m_object->end()) return nullptr;
    m_known.emplace(key);
    return &it->second;
}

core::Result<const Json*> Fields::require(std::string_view key) {
    const Json* value = take(key);
    if (value == nullptr) return error("missing \"" + std::string(key) + "\"");
    return value;
}

core::Result<std::string> Fields::string(std::string_view key) {
    TUFKEY_TRY(const Json* value, require(key));
    if (!value->is_string()) return error("\"" + std::string(key) + "\" must be a string");
    return value->as_string();
}

core::Result<std::int64_t> Fields::integer(std::string_view key) {
    TUFKEY_TRY(const Json* value, require(key));
    if (!value->is_int()) return error("\"" + std::string(key) + "\" must be an integer");
    return value->as_int();
}

core::Result<bool> Fields::boolean(std::string_view key) {
    TUFKEY_TRY(const Json* value, require(key));
    if (!value->is_bool()) return error("\"" + std::string(key) + "\" must be true or false");
    return value->as_bool();
}

core::Result<const JsonObject*> Fields::object(std::string_view key) {
    TUFKEY_TRY(const Json* value, require(key));
    if (!value->is_object()) return error("\"" + std::string(key) + "\" must be an object");
    return &value->as_object();
}

core::Result<const JsonArray*> Fields::array(std::string_view key) {
    TUFKEY_TRY(const Json* value, require(key));
    if (!value->is_array()) return error("\"" + std::string(key) + "\" must be an array");
    return &value->as_array();
}

JsonObject Fields::rest() const {
    JsonObject out;
    for (const auto& [key, value] : *m_object) {
        if (!m_known.contains(key)) out.emplace(key, value);
    }
    return out;
}

core::Result<void> expect_type(Fields& fields, const char* expected) {
    TUFKEY_TRY(std::string type, fields.string("_type"));
    if (type != expected) {
        return core::Error(core::TrustReason::wrong_type,
                           fields.context() + ": _type is \"" + type + "\", expected \"" + expected + "\"");
    }
    return core::success();
}

namespace {

// "1.0" or "1.0.<digits>", the versions of the specification tufkey implements.
bool supported_spec_version(std::string_view v) {
    if (v == "1.0") return true;
    if (v.substr(0, 4) != "1.0." || v.size() == 4) return false;
    for (char c : v.substr(4)) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace

core::Result<void> decode_common(Dialect dialect, Fields& fields, SignedCommon& common) {
    TUFKEY_TRY(std::int64_t version, fields.integer("version"));
    auto checked = Version::create(version);
    if (!checked) return fields.error(checked.error().message);
    common.version = *checked;
    TUFKEY_TRY(std::string expires, fields.string("expires"));
    auto expiry = Expiry::parse(expires);
    if (!expiry) return fields.error("expires: " + expiry.error().message);
    common.expires = *expiry;
    common.spec_version.clear();
    if (dialect == Dialect::tuf) {
        TUFKEY_TRY(common.spec_version, fields.string("spec_version"));
        if (!supported_spec_version(common.spec_version)) {
            return fields.error("unsupported spec_version \"" + common.spec_version + "\" (need 1.0.x)");
        }
    }
    return core::success();
}

void encode_common(Dialect dialect, const char* type, const SignedCommon& common, JsonObject& out) {
    for (const auto& [key, value] : common.extra) out.insert_or_assign(key, value);
    out.insert_or_assign("_type", Json(type));
    out.insert_or_assign("version", Json(common.version.value()));
    out.insert_or_assign("expires", Json(common.expires.to_string()));
    if (dialect == Dialect::tuf) out.insert_or_assign("spec_version", Json(common.spec_version));
}

core::Result<std::uint32_t> decode_threshold(const Json& json, std::string_view context) {
    if (!json.is_int() || json.as_int() < 1 || json.as_int() > 0xffffffffLL) {
        return malformed(context, "threshold must be an integer >= 1");
    }
    return static_cast<std::uint32_t>(json.as_int());
}

core::Result<std::vector<KeyId>> decode_keyids(const Json& json, std::string_view context) {
    if (!json.is_array()) return malformed(context, "keyids must be an array");
    std::vector<KeyId> out;
    for (const Json& item : json.as_array()) {
        if (!item.is_string()) return malformed(context, "keyids must be strings");
        auto id = KeyId::parse(item.as_string());
        if (!id) return malformed(context, id.error().message);
        for (const KeyId& seen : out) {
            if (seen == *id) return malformed(context, "key ID " + id->str() + " is listed twice");
        }
        out.push_back(*id);
    }
    return out;
}

Json encode_keyids(const std::vector<KeyId>& keyids) {
    JsonArray out;
    for (const KeyId& id : keyids) out.emplace_back(id.str());
    return out;
}

core::Result<std::vector<std::string>> decode_strings(const Json& json, std::string_view context) {
    if (!json.is_array()) return malformed(context, "must be an array of strings");
    std::vector<std::string> out;
    for (const Json& item : json.as_array()) {
        if (!item.is_string()) return malformed(context, "must be an array of strings");
        out.push_back(item.as_string());
    }
    return out;
}

Json encode_strings(const std::vector<std::string>& strings) {
    JsonArray out;
    for (const std::string& s : strings) out.emplace_back(s);
    return out;
}

core::Result<KeyMap> decode_keys(Dialect dialect, const Json& json, std::string_view context) {
    if (!json.is_object()) return malformed(context, "keys must be an object");
    KeyMap out;
    for (const auto& [listed, value] : json.as_object()) {
        auto id = KeyId::parse(listed);
        if (!id) return malformed(context, id.error().message);
        auto key = Key::from_json(dialect, value);
        if (!key) return malformed(context, "key " + listed + ": " + key.error().message);
        out.emplace(*id, std::move(*key));
    }
    return out;
}

Json encode_keys(const KeyMap& keys) {
    JsonObject out;
    for (const auto& [id, key] : keys) out.emplace(id.str(), key.to_json());
    return out;
}

core::Result<Hashes> decode_hashes(Dialect dialect, const Json& json, std::string_view context) {
    if (!json.is_object()) return malformed(context, "hashes must be an object");
    Hashes out;
    for (const auto& [algorithm, value] : json.as_object()) {
        if (!value.is_string()) return malformed(context, "hash " + algorithm + " must be a string");
        const std::string& text = value.as_string();
        auto bytes = dialect == Dialect::notary ? core::base64_decode(text) : core::hex_decode(text);
        const bool exact =
            bytes && (dialect == Dialect::notary ? core::base64_encode(*bytes) : core::hex_encode(*bytes)) == text;
        if (!exact) {
            return malformed(
                context, "hash " + algorithm + " is not " + (dialect == Dialect::notary ? "base64" : "lowercase hex"));
        }
        out.emplace(algorithm, std::move(*bytes));
    }
    return out;
}

Json encode_hashes(Dialect dialect, const Hashes& hashes) {
    JsonObject out;
    for (const auto& [algorithm, bytes] : hashes) {
        out.emplace(algorithm, dialect == Dialect::notary ? core::base64_encode(bytes) : core::hex_encode(bytes));
    }
    return out;
}

core::Result<std::uint64_t> decode_length(const Json& json, std::string_view context) {
    if (!json.is_int() || json.as_int() < 0) return malformed(context, "length must be an integer >= 0");
    return static_cast<std::uint64_t>(json.as_int());
}

}  // namespace tufkey::tuf::detail
