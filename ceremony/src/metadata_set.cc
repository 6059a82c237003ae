#include "metadata_set.h"

#include "staged_work.h"

#include <charconv>
#include <set>
#include <utility>
#include <vector>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/notary_root.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::Dialect;
using tuf::RoleName;

// The roles a snapshot lists (none when there is no snapshot or it does not parse: the
// pipeline reports that when it reads it).
std::vector<RoleName> listed_roles(Dialect dialect, const std::string* snapshot_bytes) {
    std::vector<RoleName> roles;
    if (snapshot_bytes == nullptr) return roles;
    auto envelope = tuf::parse_envelope(dialect, *snapshot_bytes, "snapshot");
    if (!envelope) return roles;
    auto snapshot = tuf::decode_snapshot(dialect, envelope->signed_part);
    if (!snapshot) return roles;
    for (const auto& [name, meta] : snapshot->meta) {
        if (auto role = tuf::DialectProfile::of(dialect).role_of_meta_key(name)) roles.push_back(*role);
    }
    return roles;
}

core::Result<std::string> required_file(const Repository& repo, Dialect dialect, const RoleName& role) {
    TUFKEY_TRY(auto bytes, repo.read_metadata(dialect, role));
    if (!bytes) {
        return core::Error(core::ErrorCode::usage, "repository " + repo.gun() + " has no " + role.str() +
                                                       " metadata in this home (" +
                                                       repo.metadata_file(dialect, role).string() + ")");
    }
    return std::move(*bytes);
}

}  // namespace

const std::string* MetadataSet::find(const RoleName& role) const {
    auto it = roles.find(role);
    return it == roles.end() ? nullptr : &it->second;
}

std::string sha256_hex(std::string_view bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

core::Result<std::uint64_t> file_version(Dialect dialect, const RoleName& role, std::string_view bytes) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, role.str()));
    const tuf::Json* v = envelope.signed_part.find("version");
    if (v == nullptr || !v->is_int() || v->as_int() < 1)
        return core::Error(core::ErrorCode::trust, role.str() + ": no valid version");
    return static_cast<std::uint64_t>(v->as_int());
}

core::Result<std::map<RoleName, tuf::Version>> role_versions(const MetadataSet& set) {
    std::map<RoleName, tuf::Version> versions;
    for (const auto& [role, bytes] : set.roles) {
        TUFKEY_TRY(const std::uint64_t version, file_version(set.dialect, role, bytes));
        TUFKEY_TRY(versions[role], tuf::Version::create(static_cast<std::int64_t>(version)));
    }
    return versions;
}

namespace {

// Delegated roles whose file this home holds but the snapshot does not list yet (a delegate's
// `sign` in a home without the snapshot key), found through the delegations of the roles read.
core::Result<void> add_unlisted_roles(const Repository& repo, MetadataSet& set) {
    std::vector<RoleName> pending;
    for (const auto& [role, bytes] : set.roles) {
        if (role.kind() == tuf::RoleKind::targets || role.is_delegated()) pending.push_back(role);
    }
    std::size_t visited = 0;
    while (!pending.empty() && visited++ < 4096) {
        const RoleName role = pending.back();
        pending.pop_back();
        auto envelope = tuf::parse_envelope(set.dialect, set.roles.at(role), role.str());
        if (!envelope) continue;  // the pipeline reports it
        auto targets = tuf::decode_targets(set.dialect, envelope->signed_part);
        if (!targets || !targets->delegations) continue;
        for (const auto& child : targets->delegations->roles) {
            if (set.roles.contains(child.name)) continue;
            TUFKEY_TRY(auto bytes, repo.read_metadata(set.dialect, child.name));
            if (!bytes) continue;
            set.roles[child.name] = std::move(*bytes);
            pending.push_back(child.name);
        }
    }
    return core::success();
}

}  // namespace

core::Result<MetadataSet> read_local_set(const Repository& repo, Dialect dialect) {
    MetadataSet set;
    set.dialect = dialect;
    for (const auto& role : {RoleName::root(), RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
        TUFKEY_TRY(set.roles[role], required_file(repo, dialect, role));
    }
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, set.roles[RoleName::snapshot()], "snapshot"));
    TUFKEY_TRY(auto snapshot, tuf::decode_snapshot(dialect, envelope.signed_part));
    for (const auto& [name, meta] : snapshot.meta) {
        auto role = tuf::DialectProfile::of(dialect).role_of_meta_key(name);
        if (!role || set.roles.contains(*role)) continue;
        TUFKEY_TRY(set.roles[*role], required_file(repo, dialect, *role));
    }
    TUFKEY_TRY_VOID(add_unlisted_roles(repo, set));
    TUFKEY_TRY(auto versions, repo.root_versions());
    for (auto v : versions) {
        TUFKEY_TRY(set.root_chain[v], repo.read_root_version(v));
    }
    const std::string& root = set.roles[RoleName::root()];
    TUFKEY_TRY(auto current, file_version(dialect, RoleName::root(), root));
    set.root_chain[current] = root;
    return set;
}

core::Result<MetadataSet> read_home_set(const Repository& repo, Dialect dialect) {
    MetadataSet set;
    set.dialect = dialect;
    for (const auto& role : {RoleName::root(), RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
        TUFKEY_TRY(auto bytes, repo.read_served(dialect, role));
        if (bytes) set.roles[role] = std::move(*bytes);
    }
    for (const auto& role : listed_roles(dialect, set.find(RoleName::snapshot()))) {
        if (set.roles.contains(role)) continue;
        TUFKEY_TRY(auto bytes, repo.read_served(dialect, role));
        if (bytes) set.roles[role] = std::move(*bytes);
    }
    TUFKEY_TRY(auto versions, repo.root_versions());
    for (auto v : versions) {
        TUFKEY_TRY(set.root_chain[v], repo.read_root_version(v));
    }
    return set;
}

core::Result<std::map<std::string, std::string>> local_baseline(const Repository& repo, Dialect dialect) {
    std::map<std::string, std::string> files;
    for (const auto& role : tuf::DialectProfile::of(dialect).baseline_roles()) {
        TUFKEY_TRY(auto bytes, repo.read_served(dialect, role));
        if (bytes) files[tuf::metadata_file_name(role)] = std::move(*bytes);
    }
    return files;
}

core::Result<std::vector<std::string>> describe_root(Dialect dialect, std::string_view root_bytes) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, root_bytes, "root"));
    TUFKEY_TRY(auto root, tuf::decode_root(dialect, envelope.signed_part));
    std::vector<std::string> lines;
    for (const auto& id : root.root.keyids) {
        auto it = root.keys.find(id);
        std::string line = "root key " + id.str();
        if (it != root.keys.end() && it->second.canonical_id() != id)
            line += " (canonical key ID " + it->second.canonical_id().str() + ")";
        lines.push_back(std::move(line));
    }
    lines.push_back("root version " + std::to_string(root.version.value()) + ", threshold " +
                    std::to_string(root.root.threshold) + " of " + std::to_string(root.root.keyids.size()) +
                    ", expires " + root.expires.to_string());
    return lines;
}

core::Result<void> confirm_first_use(KeyAccess& access, const std::string& gun, const std::string& source,
                                     Dialect dialect, std::string_view root_bytes) {
    TUFKEY_TRY(auto lines, describe_root(dialect, root_bytes));
    auto& terminal = access.passphrases.terminal();
    if (!access.assume_yes && !terminal.interactive()) {
        return core::Error(core::ErrorCode::usage, "this home has no trusted root for " + gun +
                                                       ": pass --root FILE to pin the root you "
                                                       "expect, or --yes to trust the root from " +
                                                       source + " on first use");
    }
    terminal.tell("First use of " + gun + " (" + tuf::to_string(dialect) + " dialect) from " + source + ":");
    for (const auto& line : lines) terminal.tell("  " + line);
    if (access.assume_yes) {
        terminal.tell("  trusted on first use (--yes)");
        return core::success();
    }
    TUFKEY_TRY(bool yes, terminal.confirm("Trust this root for " + gun + "?"));
    if (!yes) return core::Error(core::ErrorCode::refused, "root not trusted; nothing was changed");
    return core::success();
}

core::Result<std::vector<std::filesystem::path>> store_set(const Repository& repo, keystore::HomeTransaction& tx,
                                                           const MetadataSet& set, const std::string& origin) {
    std::vector<std::filesystem::path> written;
    for (const auto& [version, bytes] : set.root_chain) {
        repo.keep_root_version(tx, version, bytes);
        written.push_back(repo.roots_dir() / (std::to_string(version) + ".root.json"));
    }
    auto write = [&](const RoleName& role) -> core::Result<void> {
        const std::string* bytes = set.find(role);
        if (bytes == nullptr) return core::success();
        repo.write_metadata(tx, set.dialect, role, *bytes);
        written.push_back(repo.metadata_file(set.dialect, role));
        return core::success();
    };
    TUFKEY_TRY_VOID(write(RoleName::root()));
    for (const auto& [role, bytes] : set.roles) {
        if (role.is_delegated()) {
            TUFKEY_TRY_VOID(write(role));
        }
    }
    for (const auto& role : {RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
        TUFKEY_TRY_VOID(write(role));
    }
    RepositoryConfig config;
    if (repo.exists()) {
        TUFKEY_TRY(config, repo.load_config());
    } else {
        config.gun = repo.gun();
        config.dialect = set.dialect;
        config.origin = origin;
    }
    TUFKEY_TRY_VOID(record_synced(config, set, !origin.empty()));
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    written.push_back(repo.config_file());
    return written;
}

std::string trusted_root_name(const Repository& repo) { return "the root this home trusts for " + repo.gun(); }

std::string start_over_hint(std::string_view verb) { return std::string(verb) + " into a new home (--home DIR)"; }

}  // namespace tufkey::ceremony::detail
