// delegation export/import: a delegation carried between homes and repositories as a public
// package whose trust comes from the delegating role's signed file (delegation.h).
#include <chrono>
#include <optional>

#include "delegation_edit.h"
#include "metadata_set.h"
#include "tufkey/ceremony/delegation.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony {
namespace {

using tuf::Json;
using tuf::JsonArray;
using tuf::JsonObject;
using tuf::RoleName;

constexpr const char* kPackageFormat = "tufkey-delegation/1";

core::Error refused(const std::filesystem::path& file, const std::string& problem) {
    return core::Error(core::TrustReason::delegation,
                       "delegation package " + file.string() + " is refused: " + problem + "; nothing was changed");
}

JsonArray strings(const std::vector<std::string>& items) {
    JsonArray out;
    for (const auto& i : items) out.push_back(i);
    return out;
}

// The plain members describing a delegation (everything but the signed file).
JsonObject describe(const DelegationInfo& d) {
    return JsonObject{{"role", d.role.str()},
                      {"parent", d.parent.str()},
                      {"keys", strings(d.key_ids)},
                      {d.hashed ? "path_hash_prefixes" : "paths", strings(d.paths)},
                      {"threshold", static_cast<std::int64_t>(d.threshold)},
                      {"terminating", d.terminating}};
}

// The delegation `role` as `parent`'s decoded file lists it.
std::optional<DelegationInfo> info_of(const tuf::Targets& parent_targets, const RoleName& parent,
                                      const RoleName& role) {
    if (!parent_targets.delegations) return std::nullopt;
    return detail::describe_delegation(*parent_targets.delegations, parent, role);
}

std::string string_member(const Json& doc, std::string_view name) {
    const Json* v = doc.find(name);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

struct Package final {
    std::string gun;
    tuf::Dialect dialect = tuf::Dialect::notary;
    RoleName role = RoleName::targets();
    RoleName parent = RoleName::targets();
    std::string parent_bytes;
    Json plain;  // the describing members, to compare with the signed delegation
};

core::Result<Package> read_package(const std::filesystem::path& file) {
    TUFKEY_TRY(auto raw, core::read_file(file, 64u << 20));
    auto doc = tuf::parse_json(core::to_string(raw));
    if (!doc || !doc->is_object() || string_member(*doc, "format") != kPackageFormat)
        return core::Error(core::ErrorCode::usage,
                           file.string() + " is not a tufkey delegation package (" + kPackageFormat + ")");
    Package p;
    p.gun = string_member(*doc, "gun");
    TUFKEY_TRY_VOID(check_gun(p.gun));
    const std::string dialect = string_member(*doc, "dialect");
    if (dialect != "notary" && dialect != "tuf") return refused(file, "unknown dialect \"" + dialect + "\"");
    p.dialect = dialect == "notary" ? tuf::Dialect::notary : tuf::Dialect::tuf;
    auto role = RoleName::delegated(p.dialect, string_member(*doc, "role"));
    auto parent = RoleName::parse(p.dialect, string_member(*doc, "parent"));
    if (!role || !parent) return refused(file, "it names no valid role and parent");
    p.role = *role;
    p.parent = *parent;
    const Json* entry = doc->find("parent_file");
    if (entry == nullptr || !entry->is_object()) return refused(file, "it holds no parent_file");
    auto bytes = core::base64_decode(string_member(*entry, "bytes"));
    if (!bytes) return refused(file, "parent_file bytes are not base64");
    p.parent_bytes = core::to_string(*bytes);
    if (string_member(*entry, "sha256") != detail::sha256_hex(p.parent_bytes))
        return refused(file, "parent_file does not match its sha256 (damaged in transit)");
    JsonObject plain;
    for (const char* name : {"role", "parent", "keys", "paths", "path_hash_prefixes", "threshold", "terminating"}) {
        if (const Json* v = doc->find(name)) plain.emplace(name, *v);
    }
    p.plain = plain;
    return p;
}

// The package's parent file, verified against what the home trusts for its GUN.
core::Result<DelegationInfo> verify_package(const std::filesystem::path& file, const Package& p,
                                            const detail::RepositoryState& source) {
    const tuf::Dialect d = source.dialect();
    if (d != p.dialect) return refused(file, "it is " + std::string(tuf::to_string(p.dialect)) + " dialect");
    auto envelope = tuf::parse_envelope(d, p.parent_bytes, p.parent.str());
    if (!envelope) return refused(file, envelope.error().message);
    if (auto typed = tuf::check_type(d, p.parent, envelope->signed_part); !typed)
        return refused(file, typed.error().message);
    TUFKEY_TRY(auto authority, source.authority(p.parent));
    if (auto sigs =
            tuf::verify_signatures(d, p.parent, *envelope, *authority.keys, authority.keyids, authority.threshold);
        !sigs)
        return refused(file, sigs.error().message);
    auto targets = tuf::decode_targets(d, envelope->signed_part);
    if (!targets) return refused(file, targets.error().message);
    if (auto fresh = tuf::check_not_expired(p.parent, targets->expires, std::chrono::system_clock::now()); !fresh)
        return refused(file, fresh.error().message);
    const detail::TargetsRole* mine = source.find_targets(p.parent);
    if (mine != nullptr && mine->targets && targets->version < mine->targets->version)
        return refused(file, p.parent.str() + " version " + std::to_string(targets->version.value()) +
                                 " is older than this home's " + std::to_string(mine->targets->version.value()));
    auto info = info_of(*targets, p.parent, p.role);
    if (!info) return refused(file, p.parent.str() + " does not delegate to " + p.role.str());
    if (Json(describe(*info)) != p.plain)
        return refused(file, "what it says about " + p.role.str() + " differs from what " + p.parent.str() + " signed");
    return *info;
}

}  // namespace

core::Result<DelegationExportReport> export_delegation(const keystore::TrustHome& home, const std::string& gun,
                                                       const std::string& role_name, const std::filesystem::path& out) {
    TUFKEY_TRY(auto state, detail::RepositoryState::load(home, gun, false));
    TUFKEY_TRY(auto role, RoleName::delegated(state.dialect(), role_name));
    const detail::TargetsRole* found = state.find_targets(role);
    if (found == nullptr || !found->parent)
        return core::Error(core::ErrorCode::usage,
                           role.str() + " is not delegated in " + gun + " (see 'tufkey delegation list " + gun + "')");
    const detail::TargetsRole* parent = state.find_targets(*found->parent);
    auto info = info_of(*parent->targets, *found->parent, role);
    JsonObject doc = describe(*info);
    doc.emplace("format", kPackageFormat);
    doc.emplace("gun", gun);
    doc.emplace("dialect", tuf::to_string(state.dialect()));
    const std::string& bytes = parent->file->bytes;
    doc.emplace("parent_file", JsonObject{{"bytes", core::base64_encode(core::as_bytes(bytes))},
                                          {"length", static_cast<std::int64_t>(bytes.size())},
                                          {"sha256", detail::sha256_hex(bytes)}});
    TUFKEY_TRY_VOID(core::write_file_atomic(out, tuf::canonical_json(doc) + "\n", 0644));
    return DelegationExportReport{out, *info};
}

core::Result<DelegationReport> import_delegation(KeyAccess& access, const DelegationImportRequest& request) {
    TUFKEY_TRY(auto package, read_package(request.file));
    const std::string target_gun = request.gun.empty() ? package.gun : request.gun;
    DelegationInfo info;
    // Verified under the home lock, against the state the change is made on when the package
    // is for the same repository.
    auto edits = [&](const detail::RepositoryState& state) -> core::Result<std::vector<detail::RoleEdit>> {
        std::optional<detail::RepositoryState> other;
        if (package.gun != target_gun) {
            TUFKEY_TRY(other, detail::RepositoryState::load(access.home, package.gun, false));
        }
        const detail::RepositoryState& source = other ? *other : state;
        TUFKEY_TRY(info, verify_package(request.file, package, source));
        if (state.dialect() != package.dialect)
            return refused(request.file, target_gun + " is " + tuf::to_string(state.dialect()) + " dialect");
        if (state.find_targets(info.role) != nullptr)
            return core::Error(core::ErrorCode::usage, info.role.str() + " is already delegated in " + target_gun +
                                                           ": remove it first ('tufkey delegation remove')");
        TUFKEY_TRY(auto role, RoleName::new_delegated(state.dialect(), info.role.str()));
        auto envelope = tuf::parse_envelope(package.dialect, package.parent_bytes, package.parent.str());
        auto targets = tuf::decode_targets(package.dialect, envelope->signed_part);
        const tuf::DelegatedRole* entry = targets->delegations->find(package.role);
        detail::RoleEdit edit;
        edit.role = role;
        for (const auto& id : entry->keyids) edit.add_keys.push_back(targets->delegations->keys.at(id));
        if (info.hashed)
            edit.paths = detail::RolePaths(tuf::PathHashPrefixes{info.paths});
        else
            edit.paths = detail::RolePaths(tuf::PathPatterns{info.paths});
        edit.threshold = info.threshold;
        if (info.terminating) edit.terminating = true;
        access.show("Delegation " + info.role.str() + " from " + package.gun + " (signed by its " + info.parent.str() +
                    ") to add to " + target_gun + ":");
        for (const auto& id : info.key_ids) access.show("  key " + id);
        access.show("  threshold " + std::to_string(info.threshold) + (info.terminating ? ", terminating" : ""));
        std::string paths;
        for (const auto& p : info.paths) paths += (paths.empty() ? "" : ", ") + (p.empty() ? "\"\"" : p);
        access.show(std::string(info.hashed ? "  hash prefixes " : "  paths ") + paths);
        return std::vector<detail::RoleEdit>{std::move(edit)};
    };
    auto confirm = [&](const detail::RepositoryState&, const std::vector<DelegationChange>&) -> core::Result<void> {
        TUFKEY_TRY(bool yes, access.confirm("Add " + info.role.str() + " to " + target_gun + "?"));
        if (!yes) return core::Error(core::ErrorCode::refused, "delegation not added; nothing was changed");
        return core::success();
    };
    return detail::change_delegations(access, target_gun, edits, "delegation-import", confirm);
}

}  // namespace tufkey::ceremony
