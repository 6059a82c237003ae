// root.json in both dialects.
#include "codec_support.h"
#include "tufkey/tuf/codec.h"

namespace tufkey::tuf {
namespace {

using detail::Fields;

const RoleName kTopLevel[] = {RoleName::root(), RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()};

core::Result<RoleKeys> decode_role_keys(const Json& json, const std::string& context, const KeyMap& keys) {
    TUFKEY_TRY(Fields fields, Fields::of(json, context));
    RoleKeys role;
    TUFKEY_TRY(const Json* keyids, fields.require("keyids"));
    TUFKEY_TRY(role.keyids, detail::decode_keyids(*keyids, context));
    TUFKEY_TRY(const Json* threshold, fields.require("threshold"));
    TUFKEY_TRY(role.threshold, detail::decode_threshold(*threshold, context));
    for (const KeyId& id : role.keyids) {
        if (!keys.contains(id)) return fields.error("key ID " + id.str() + " is not in root keys");
    }
    role.extra = fields.rest();
    return role;
}

core::Result<void> decode_roles(const JsonObject& roles, Root& root) {
    for (const auto& [name, value] : roles) {
        bool known = false;
        for (const RoleName& role : kTopLevel) known = known || role.str() == name;
        if (!known) return detail::malformed("root", "roles lists \"" + name + "\", which is not a top-level role");
    }
    for (const RoleName& role : kTopLevel) {
        auto it = roles.find(role.str());
        if (it == roles.end()) return detail::malformed("root", "roles has no entry for " + role.str());
        TUFKEY_TRY(*root.role_keys(role), decode_role_keys(it->second, "root: roles." + role.str(), root.keys));
    }
    return core::success();
}

Json encode_role_keys(const RoleKeys& role) {
    JsonObject out = role.extra;
    out.insert_or_assign("keyids", detail::encode_keyids(role.keyids));
    out.insert_or_assign("threshold", Json(static_cast<std::int64_t>(role.threshold)));
    return out;
}

}  // namespace

const RoleKeys* Root::role_keys(const RoleName& role) const noexcept {
    return const_cast<Root*>(this)->role_keys(role);
}

RoleKeys* Root::role_keys(const RoleName& role) noexcept {
    switch (role.kind()) {
        case RoleKind::root:
            return &root;
        case RoleKind::targets:
            return &targets;
        case RoleKind::snapshot:
            return &snapshot;
        case RoleKind::timestamp:
            return &timestamp;
        case RoleKind::delegated:
            break;
    }
    return nullptr;
}

core::Result<Root> decode_root(Dialect dialect, const Json& signed_part) {
    TUFKEY_TRY(Fields fields, Fields::of(signed_part, "root"));
    TUFKEY_TRY_VOID(detail::expect_type(fields, type_name(dialect, RoleKind::root)));
    Root root;
    TUFKEY_TRY_VOID(detail::decode_common(dialect, fields, root));
    root.consistent_snapshot.reset();
    if (const Json* cs = fields.take("consistent_snapshot"); cs != nullptr) {
        if (!cs->is_bool()) return fields.error("\"consistent_snapshot\" must be true or false");
        root.consistent_snapshot = cs->as_bool();
    } else if (dialect == Dialect::notary) {
        root.consistent_snapshot = false;
    }
    TUFKEY_TRY(const Json* keys, fields.require("keys"));
    TUFKEY_TRY(root.keys, detail::decode_keys(dialect, *keys, "root"));
    TUFKEY_TRY(const JsonObject* roles, fields.object("roles"));
    TUFKEY_TRY_VOID(decode_roles(*roles, root));
    root.extra = fields.rest();
    return root;
}

core::Result<Json> encode_root(Dialect dialect, const Root& root) {
    JsonObject out;
    detail::encode_common(dialect, type_name(dialect, RoleKind::root), root, out);
    if (dialect == Dialect::notary || root.consistent_snapshot) {
        out.insert_or_assign("consistent_snapshot", Json(root.consistent_snapshot.value_or(false)));
    }
    for (const auto& [id, key] : root.keys) {
        if (key.dialect() != dialect) {
            return core::Error(core::ErrorCode::usage, "root: key " + id.str() + " is in the other dialect's form");
        }
    }
    out.insert_or_assign("keys", detail::encode_keys(root.keys));
    JsonObject roles;
    for (const RoleName& role : kTopLevel) roles.emplace(role.str(), encode_role_keys(*root.role_keys(role)));
    out.insert_or_assign("roles", Json(std::move(roles)));
    return Json(std::move(out));
}

core::Result<void> check_type(Dialect dialect, const RoleName& role, const Json& signed_part) {
    const char* expected = type_name(dialect, role.kind());
    const Json* type = signed_part.find("_type");
    if (type == nullptr || !type->is_string()) {
        return core::Error(core::TrustReason::wrong_type, role.str() + ": missing \"_type\"");
    }
    if (type->as_string() != expected) {
        return core::Error(core::TrustReason::wrong_type,
                           role.str() + ": _type is \"" + type->as_string() + "\", expected \"" + expected + "\"");
    }
    return core::success();
}

Expiry new_expiry(Dialect dialect, Instant when) {
    if (dialect == Dialect::notary) return Expiry::at(when);
    return Expiry::at_seconds(std::chrono::floor<std::chrono::seconds>(when));
}

}  // namespace tufkey::tuf
