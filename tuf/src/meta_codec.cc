// snapshot.json and timestamp.json in both dialects.
#include "codec_support.h"
#include "tufkey/tuf/codec.h"

namespace tufkey::tuf {
namespace {

using detail::Fields;

core::Result<MetaFile> decode_meta_file(Dialect dialect, const Json& json, const std::string& context) {
    TUFKEY_TRY(Fields fields, Fields::of(json, context));
    MetaFile file;
    if (dialect == Dialect::tuf) {
        TUFKEY_TRY(std::int64_t version, fields.integer("version"));
        auto checked = Version::create(version);
        if (!checked) return fields.error(checked.error().message);
        file.version = *checked;
    }
    const Json* length = fields.take("length");
    if (length != nullptr || dialect == Dialect::notary) {
        if (length == nullptr) return fields.error("missing \"length\"");
        TUFKEY_TRY(file.length, detail::decode_length(*length, context));
    }
    const Json* hashes = fields.take("hashes");
    if (hashes != nullptr || dialect == Dialect::notary) {
        if (hashes == nullptr) return fields.error("missing \"hashes\"");
        TUFKEY_TRY(file.hashes, detail::decode_hashes(dialect, *hashes, context));
        if (file.hashes.empty()) return fields.error("\"hashes\" is empty");
    }
    if (dialect == Dialect::notary) {
        if (const Json* custom = fields.take("custom"); custom != nullptr) file.custom = *custom;
    }
    file.extra = fields.rest();
    return file;
}

core::Result<Json> encode_meta_file(Dialect dialect, const std::string& name, const MetaFile& file) {
    JsonObject out = file.extra;
    if (dialect == Dialect::notary) {
        if (file.version) return core::Error(core::ErrorCode::usage, "meta " + name + ": notary meta has no version");
        out.insert_or_assign("length", Json(static_cast<std::int64_t>(file.length.value_or(0))));
        out.insert_or_assign("hashes", detail::encode_hashes(dialect, file.hashes));
        if (file.custom) out.insert_or_assign("custom", *file.custom);
        return Json(std::move(out));
    }
    if (!file.version) return core::Error(core::ErrorCode::usage, "meta " + name + ": tuf meta needs a version");
    if (file.custom) return core::Error(core::ErrorCode::usage, "meta " + name + ": tuf meta has no custom");
    out.insert_or_assign("version", Json(file.version->value()));
    if (file.length) out.insert_or_assign("length", Json(static_cast<std::int64_t>(*file.length)));
    if (!file.hashes.empty()) out.insert_or_assign("hashes", detail::encode_hashes(dialect, file.hashes));
    return Json(std::move(out));
}

core::Result<MetaMap> decode_meta(Dialect dialect, Fields& fields) {
    TUFKEY_TRY(const JsonObject* meta, fields.object("meta"));
    MetaMap out;
    for (const auto& [name, value] : *meta) {
        TUFKEY_TRY(MetaFile file, decode_meta_file(dialect, value, fields.context() + ": meta " + name));
        out.emplace(name, std::move(file));
    }
    return out;
}

core::Result<Json> encode_meta(Dialect dialect, const MetaMap& meta) {
    JsonObject out;
    for (const auto& [name, file] : meta) {
        TUFKEY_TRY(Json encoded, encode_meta_file(dialect, name, file));
        out.emplace(name, std::move(encoded));
    }
    return Json(std::move(out));
}

// Notary's structure check: the listed roles must be present with a sha256.
core::Result<void> require_sha256(const Fields& fields, const MetaMap& meta, const std::string& name) {
    auto it = meta.find(name);
    if (it == meta.end() || !it->second.hashes.contains("sha256")) {
        return fields.error("meta has no sha256 for " + name);
    }
    return core::success();
}

template <typename Role>
core::Result<Role> decode_meta_role(Dialect dialect, const Json& signed_part, RoleKind kind, const char* context) {
    TUFKEY_TRY(Fields fields, Fields::of(signed_part, context));
    TUFKEY_TRY_VOID(detail::expect_type(fields, type_name(dialect, kind)));
    Role role;
    TUFKEY_TRY_VOID(detail::decode_common(dialect, fields, role));
    TUFKEY_TRY(role.meta, decode_meta(dialect, fields));
    role.extra = fields.rest();
    if (dialect == Dialect::notary && kind == RoleKind::snapshot) {
        TUFKEY_TRY_VOID(require_sha256(fields, role.meta, "root"));
        TUFKEY_TRY_VOID(require_sha256(fields, role.meta, "targets"));
    } else if (dialect == Dialect::notary) {
        TUFKEY_TRY_VOID(require_sha256(fields, role.meta, "snapshot"));
    } else if (kind == RoleKind::timestamp && (role.meta.size() != 1 || !role.meta.contains("snapshot.json"))) {
        return fields.error("meta must list exactly snapshot.json");
    }
    return role;
}

template <typename Role>
core::Result<Json> encode_meta_role(Dialect dialect, const Role& role, RoleKind kind) {
    TUFKEY_TRY(Json meta, encode_meta(dialect, role.meta));
    Json out = JsonObject{};
    detail::encode_common(dialect, type_name(dialect, kind), role, out.as_object());
    out.as_object().insert_or_assign("meta", std::move(meta));
    return out;
}

}  // namespace

core::Result<Snapshot> decode_snapshot(Dialect dialect, const Json& signed_part) {
    return decode_meta_role<Snapshot>(dialect, signed_part, RoleKind::snapshot, "snapshot");
}

core::Result<Timestamp> decode_timestamp(Dialect dialect, const Json& signed_part) {
    return decode_meta_role<Timestamp>(dialect, signed_part, RoleKind::timestamp, "timestamp");
}

core::Result<Json> encode_snapshot(Dialect dialect, const Snapshot& snapshot) {
    return encode_meta_role(dialect, snapshot, RoleKind::snapshot);
}

core::Result<Json> encode_timestamp(Dialect dialect, const Timestamp& timestamp) {
    return encode_meta_role(dialect, timestamp, RoleKind::timestamp);
}

}  // namespace tufkey::tuf
