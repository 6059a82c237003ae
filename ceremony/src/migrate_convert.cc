#include "migrate_convert.h"

#include <map>
#include <set>
#include <variant>

#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/path_match.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::Dialect;

core::Error cannot(const tuf::RoleName& role, const std::string& why) {
    return core::Error(core::ErrorCode::usage, "cannot migrate " + role.str() + ": " + why);
}

bool has_glob_character(const std::string& s) { return s.find_first_of("*?[]") != std::string::npos; }

core::Result<tuf::PathPatterns> convert_paths(Dialect from, Dialect to, const tuf::RoleName& role,
                                              const std::variant<tuf::PathPatterns, tuf::PathHashPrefixes>& paths) {
    if (std::holds_alternative<tuf::PathHashPrefixes>(paths))
        return cannot(role, "it is a hashed bin (path_hash_prefixes), which the notary dialect cannot express");
    const auto& in = std::get<tuf::PathPatterns>(paths).patterns;
    tuf::PathPatterns out;
    for (const auto& p : in) {
        if (from == Dialect::notary) {
            if (has_glob_character(p))
                return cannot(
                    role, "its path prefix \"" + p + "\" holds a glob character, which TUF would read as a pattern");
            out.patterns.push_back(p + "*");
            continue;
        }
        const std::string stem = p.ends_with('*') ? p.substr(0, p.size() - 1) : p;
        if (!p.ends_with('*') || has_glob_character(stem))
            return cannot(role, "its path pattern \"" + p +
                                    "\" is not a prefix (P*), and the notary dialect trusts roles by prefix only");
        out.patterns.push_back(stem);
    }
    (void)to;
    return out;
}

}  // namespace

core::Result<tuf::Key> convert_key(Dialect to, const tuf::Key& key, const std::string& where) {
    if (key.dialect() == to && !key.is_x509()) return key;
    if (!key.public_key())
        return core::Error(core::ErrorCode::usage,
                           where + " lists a key of type " + key.keytype() + ", which tufkey cannot re-list");
    return to == Dialect::tuf ? tuf::Key::tuf(*key.public_key()) : tuf::Key::notary(*key.public_key());
}

core::Result<tuf::Targets> convert_targets(Dialect from, Dialect to, const tuf::RoleName& role,
                                           const tuf::Targets& in) {
    tuf::Targets out;
    out.version = in.version;
    out.expires = in.expires;
    out.spec_version = tuf::kTufSpecVersion;
    out.extra = in.extra;
    for (const auto& [path, file] : in.targets) {
        TUFKEY_TRY_VOID(tuf::check_target_path(to, path));
        out.targets.emplace(path, file);
    }
    if (in.delegations && (!in.delegations->roles.empty() || !in.delegations->keys.empty())) {
        tuf::Delegations d;
        d.extra = in.delegations->extra;
        std::map<tuf::KeyId, tuf::KeyId> ids;
        for (const auto& [id, key] : in.delegations->keys) {
            TUFKEY_TRY(auto converted, convert_key(to, key, role.str()));
            ids.emplace(id, converted.id());
            d.keys.emplace(converted.id(), std::move(converted));
        }
        for (const auto& r : in.delegations->roles) {
            if (r.terminating && to == Dialect::notary)
                return cannot(r.name, "it is a terminating delegation, which the notary dialect cannot express");
            tuf::DelegatedRole o;
            TUFKEY_TRY(o.name, tuf::RoleName::delegated(to, r.name.str()));
            std::set<tuf::KeyId> seen;
            for (const auto& id : r.keyids) {
                auto it = ids.find(id);
                if (it == ids.end()) continue;  // a key ID the delegation lists without its key: signs nothing
                if (seen.insert(it->second).second) o.keyids.push_back(it->second);
            }
            o.threshold = r.threshold;
            TUFKEY_TRY(auto paths, convert_paths(from, to, r.name, r.paths));
            o.paths = std::move(paths);
            o.terminating = r.terminating;
            o.extra = r.extra;
            d.roles.push_back(std::move(o));
        }
        out.delegations = std::move(d);
    }
    if (tuf::DialectProfile::of(to).targets_always_delegate() && !out.delegations) out.delegations = tuf::Delegations{};
    return out;
}

core::Result<void> check_paths_kept(Dialect to, const tuf::DelegatedRole& entry, const tuf::Targets& targets) {
    for (const auto& [path, file] : targets.targets) {
        if (!tuf::role_covers_path(to, entry, path))
            return cannot(entry.name, "the target \"" + path + "\" it signs would fall outside its paths in the " +
                                          tuf::to_string(to) + " dialect (a TUF '*' does not match '/')");
    }
    return core::success();
}

}  // namespace tufkey::ceremony::detail
