// targets.json and delegated targets roles in both dialects.
#include "codec_support.h"
#include "tufkey/tuf/codec.h"

namespace tufkey::tuf {
namespace {

using detail::Fields;

core::Result<TargetFile> decode_target_file(Dialect dialect, const Json& json, const std::string& context) {
    TUFKEY_TRY(Fields fields, Fields::of(json, context));
    TargetFile file;
    TUFKEY_TRY(const Json* length, fields.require("length"));
    TUFKEY_TRY(file.length, detail::decode_length(*length, context));
    TUFKEY_TRY(const Json* hashes, fields.require("hashes"));
    TUFKEY_TRY(file.hashes, detail::decode_hashes(dialect, *hashes, context));
    if (const Json* custom = fields.take("custom"); custom != nullptr) file.custom = *custom;
    file.extra = fields.rest();
    return file;
}

Json encode_target_file(Dialect dialect, const TargetFile& file) {
    JsonObject out = file.extra;
    out.insert_or_assign("length", Json(static_cast<std::int64_t>(file.length)));
    out.insert_or_assign("hashes", detail::encode_hashes(dialect, file.hashes));
    if (file.custom) out.insert_or_assign("custom", *file.custom);
    return out;
}

core::Result<void> decode_role_paths(Dialect dialect, Fields& fields, DelegatedRole& role) {
    const Json* paths = fields.take("paths");
    if (dialect == Dialect::notary) {
        PathPatterns patterns;
        if (paths != nullptr) {
            TUFKEY_TRY(patterns.patterns, detail::decode_strings(*paths, fields.context() + ": paths"));
        }
        role.paths = std::move(patterns);
        return core::success();
    }
    const Json* prefixes = fields.take("path_hash_prefixes");
    if ((paths == nullptr) == (prefixes == nullptr)) {
        return fields.error("needs exactly one of \"paths\" and \"path_hash_prefixes\"");
    }
    if (paths != nullptr) {
        TUFKEY_TRY(auto list, detail::decode_strings(*paths, fields.context() + ": paths"));
        role.paths = PathPatterns{std::move(list)};
    } else {
        TUFKEY_TRY(auto list, detail::decode_strings(*prefixes, fields.context() + ": path_hash_prefixes"));
        role.paths = PathHashPrefixes{std::move(list)};
    }
    return core::success();
}

core::Result<DelegatedRole> decode_delegated_role(Dialect dialect, const Json& json, const std::string& context) {
    TUFKEY_TRY(Fields fields, Fields::of(json, context));
    DelegatedRole role;
    TUFKEY_TRY(std::string name, fields.string("name"));
    auto parsed = RoleName::delegated(dialect, name);
    if (!parsed) return fields.error(parsed.error().message);
    role.name = *parsed;
    fields = *Fields::of(json, context + " " + name);
    (void)fields.take("name");
    TUFKEY_TRY(const Json* keyids, fields.require("keyids"));
    TUFKEY_TRY(role.keyids, detail::decode_keyids(*keyids, fields.context()));
    TUFKEY_TRY(const Json* threshold, fields.require("threshold"));
    TUFKEY_TRY(role.threshold, detail::decode_threshold(*threshold, fields.context()));
    TUFKEY_TRY_VOID(decode_role_paths(dialect, fields, role));
    if (dialect == Dialect::tuf) {
        TUFKEY_TRY(role.terminating, fields.boolean("terminating"));
    }
    role.extra = fields.rest();
    return role;
}

core::Result<Delegations> decode_delegations(Dialect dialect, const Json& json) {
    TUFKEY_TRY(Fields fields, Fields::of(json, "targets: delegations"));
    Delegations delegations;
    TUFKEY_TRY(const Json* keys, fields.require("keys"));
    TUFKEY_TRY(delegations.keys, detail::decode_keys(dialect, *keys, "targets: delegations"));
    const Json* roles = dialect == Dialect::notary ? nullptr : fields.take("roles");
    if (dialect == Dialect::notary) {
        TUFKEY_TRY(roles, fields.require("roles"));
    }
    if (roles != nullptr) {
        if (!roles->is_array()) return fields.error("\"roles\" must be an array");
        for (const Json& item : roles->as_array()) {
            TUFKEY_TRY(DelegatedRole role, decode_delegated_role(dialect, item, "targets: delegated role"));
            delegations.roles.push_back(std::move(role));
        }
    }
    delegations.extra = fields.rest();
    return delegations;
}

core::Result<Json> encode_delegated_role(Dialect dialect, const DelegatedRole& role) {
    JsonObject out = role.extra;
    out.insert_or_assign("name", Json(role.name.str()));
    out.insert_or_assign("keyids", detail::encode_keyids(role.keyids));
    out.insert_or_assign("threshold", Json(static_cast<std::int64_t>(role.threshold)));
    if (const auto* prefixes = std::get_if<PathHashPrefixes>(&role.paths)) {
        if (dialect == Dialect::notary) {
            return core::Error(core::ErrorCode::usage, role.name.str() + ": notary has no path_hash_prefixes");
        }
        out.insert_or_assign("path_hash_prefixes", detail::encode_strings(prefixes->prefixes));
    } else {
        const auto& patterns = std::get<PathPatterns>(role.paths).patterns;
        if (dialect == Dialect::tuf || !patterns.empty()) {
            out.insert_or_assign("paths", detail::encode_strings(patterns));
        }
    }
    if (dialect == Dialect::tuf) {
        out.insert_or_assign("terminating", Json(role.terminating));
    } else if (role.terminating) {
        return core::Error(core::ErrorCode::usage, role.name.str() + ": notary has no terminating delegations");
    }
    return Json(std::move(out));
}

core::Result<Json> encode_delegations(Dialect dialect, const Delegations& delegations) {
    JsonObject out = delegations.extra;
    out.insert_or_assign("keys", detail::encode_keys(delegations.keys));
    JsonArray roles;
    for (const DelegatedRole& role : delegations.roles) {
        TUFKEY_TRY(Json encoded, encode_delegated_role(dialect, role));
        roles.push_back(std::move(encoded));
    }
    out.insert_or_assign("roles", Json(std::move(roles)));
    return Json(std::move(out));
}

}  // namespace

const DelegatedRole* Delegations::find(const RoleName& name) const noexcept {
    for (const DelegatedRole& role : roles) {
        if (role.name == name) return &role;
    }
    return nullptr;
}

core::Result<void> check_target_path(Dialect dialect, std::string_view path) {
    if (path.empty()) return core::Error(core::ErrorCode::usage, "a target name must not be empty");
    if (dialect == Dialect::notary) {
        for (char c : path) {
            if (static_cast<unsigned char>(c) < 0x20) {
                return core::Error(core::ErrorCode::usage,
                                   "target name contains a control character, which Notary cannot publish");
            }
        }
    }
    return core::success();
}

core::Result<Targets> decode_targets(Dialect dialect, const Json& signed_part) {
    TUFKEY_TRY(Fields fields, Fields::of(signed_part, "targets"));
    TUFKEY_TRY_VOID(detail::expect_type(fields, type_name(dialect, RoleKind::targets)));
    Targets targets;
    TUFKEY_TRY_VOID(detail::decode_common(dialect, fields, targets));
    TUFKEY_TRY(const JsonObject* files, fields.object("targets"));
    for (const auto& [name, value] : *files) {
        if (auto ok = check_target_path(dialect, name); !ok) return fields.error(ok.error().message);
        TUFKEY_TRY(TargetFile file, decode_target_file(dialect, value, "targets: target " + name));
        targets.targets.emplace(name, std::move(file));
    }
    if (const Json* delegations = fields.take("delegations"); delegations != nullptr) {
        TUFKEY_TRY(targets.delegations, decode_delegations(dialect, *delegations));
    }
    targets.extra = fields.rest();
    return targets;
}

core::Result<Json> encode_targets(Dialect dialect, const Targets& targets) {
    JsonObject out;
    detail::encode_common(dialect, type_name(dialect, RoleKind::targets), targets, out);
    JsonObject files;
    for (const auto& [name, file] : targets.targets) {
        TUFKEY_TRY_VOID(check_target_path(dialect, name));
        files.emplace(name, encode_target_file(dialect, file));
    }
    out.insert_or_assign("targets", Json(std::move(files)));
    if (targets.delegations || dialect == Dialect::notary) {
        TUFKEY_TRY(Json delegations, encode_delegations(dialect, targets.delegations.value_or(Delegations{})));
        out.insert_or_assign("delegations", std::move(delegations));
    }
    return Json(std::move(out));
}

}  // namespace tufkey::tuf
