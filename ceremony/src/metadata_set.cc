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
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::Dialect;
using tuf::RoleName;

constexpr std::size_t kMaxDelegatedRoles = 256;
constexpr std::size_t kMaxRoleFile = 128u << 20;

// The Updater's metadata directory, in memory; remembers every root it was asked to persist.
class MemoryStore final : public tuf::MetadataStore {
public:
    MemoryStore(Dialect dialect, std::map<std::string, std::string> files)
        : m_dialect(dialect), m_files(std::move(files)) {}

    core::Result<std::optional<std::string>> load(const std::string& name) override {
        auto it = m_files.find(name);
        if (it == m_files.end()) return std::optional<std::string>();
        return std::optional<std::string>(it->second);
    }
    core::Result<void> store(const std::string& name, std::string_view bytes) override {
        if (name == "root.json") {
            TUFKEY_TRY(auto version, file_version(m_dialect, RoleName::root(), bytes));
            m_roots[version] = std::string(bytes);
        }
        m_files[name] = std::string(bytes);
        return core::success();
    }
    core::Result<void> remove(const std::string& name) override {
        m_files.erase(name);
        return core::success();
    }
    [[nodiscard]] const std::map<std::string, std::string>& files() const noexcept { return m_files; }
    [[nodiscard]] const std::map<std::uint64_t, std::string>& roots() const noexcept { return m_roots; }

private:
    Dialect m_dialect;
    std::map<std::string, std::string> m_files;
    std::map<std::uint64_t, std::string> m_roots;
};

// "12." at the front of `name`: the version and the rest.
std::optional<std::pair<std::uint64_t, std::string_view>> split_version(std::string_view name) {
    std::uint64_t v = 0;
    auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), v);
    if (err != std::errc() || end == name.data() || end == name.data() + name.size() || *end != '.')
        return std::nullopt;
    return std::make_pair(v, name.substr(static_cast<std::size_t>(end - name.data()) + 1));
}

std::optional<RoleName> listed_role(Dialect dialect, const std::string& meta_name) {
    std::string name = meta_name;
    if (dialect == Dialect::tuf) {
        if (!name.ends_with(".json")) return std::nullopt;
        name.resize(name.size() - 5);
    }
    auto role = RoleName::parse(dialect, name);
    if (!role || role->kind() == tuf::RoleKind::root) return std::nullopt;
    return *role;
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

struct Visit final {
    RoleName role;
    RoleName delegator;
};

void push_children(std::vector<Visit>& stack, const tuf::Targets& targets, const RoleName& owner) {
    if (!targets.delegations) return;
    const auto& roles = targets.delegations->roles;
    for (auto it = roles.rbegin(); it != roles.rend(); ++it) stack.push_back({it->name, owner});
}

// Every delegated role a trusted role delegates to and the snapshot lists, verified in order.
core::Result<void> verify_delegations(tuf::TrustedSet& trusted, tuf::Fetcher& fetcher, const std::string& base,
                                      MetadataSet& out) {
    std::vector<Visit> stack;
    push_children(stack, *trusted.targets(RoleName::targets()), RoleName::targets());
    std::set<RoleName> visited;
    const bool consistent = trusted.root().consistent_snapshot.value_or(false);
    while (!stack.empty()) {
        const Visit visit = stack.back();
        stack.pop_back();
        if (visited.contains(visit.role)) continue;
        visited.insert(visit.role);
        if (visited.size() > kMaxDelegatedRoles)
            return core::Error(core::ErrorCode::trust, "more than 256 delegated roles; refusing the repository");
        const tuf::MetaFile* meta = trusted.role_meta(visit.role);
        if (meta == nullptr) continue;  // delegated but never published: no file to check
        std::optional<std::uint64_t> version;
        if (consistent && meta->version) version = static_cast<std::uint64_t>(meta->version->value());
        const std::string url = base + "/" + role_url_name(trusted.dialect(), visit.role, version);
        TUFKEY_TRY(auto body, fetcher.fetch(url, meta->length.value_or(kMaxRoleFile)));
        if (!body) return core::Error(core::ErrorCode::remote, url + ": not found on the repository");
        TUFKEY_TRY_VOID(trusted.update_targets(*body, visit.role, visit.delegator));
        out.roles[visit.role] = std::move(*body);
        push_children(stack, *trusted.targets(visit.role), visit.role);
    }
    return core::success();
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

core::Result<MetadataSet> read_local_set(const Repository& repo, Dialect dialect) {
    MetadataSet set;
    set.dialect = dialect;
    for (const auto& role : {RoleName::root(), RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
        TUFKEY_TRY(set.roles[role], required_file(repo, dialect, role));
    }
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, set.roles[RoleName::snapshot()], "snapshot"));
    TUFKEY_TRY(auto snapshot, tuf::decode_snapshot(dialect, envelope.signed_part));
    for (const auto& [name, meta] : snapshot.meta) {
        auto role = listed_role(dialect, name);
        if (!role || set.roles.contains(*role)) continue;
        TUFKEY_TRY(set.roles[*role], required_file(repo, dialect, *role));
    }
    TUFKEY_TRY(auto versions, repo.root_versions());
    for (auto v : versions) {
        TUFKEY_TRY(set.root_chain[v], repo.read_root_version(v));
    }
    const std::string& root = set.roles[RoleName::root()];
    TUFKEY_TRY(auto current, file_version(dialect, RoleName::root(), root));
    set.root_chain[current] = root;
    return set;
}

core::Result<std::map<std::string, std::string>> local_baseline(const Repository& repo, Dialect dialect) {
    std::map<std::string, std::string> files;
    // Notary snapshot and timestamp meta carry no versions, and the Updater does not re-hash
    // files it persisted itself, so a stale local snapshot would pass as current: in the notary
    // dialect only the timestamp is the baseline (its version still guards against rollback).
    std::vector<RoleName> roles{RoleName::timestamp()};
    if (dialect == Dialect::tuf) roles.insert(roles.end(), {RoleName::snapshot(), RoleName::targets()});
    for (const auto& role : roles) {
        TUFKEY_TRY(auto bytes, repo.read_metadata(dialect, role));
        if (bytes) files[tuf::metadata_file_name(role)] = std::move(*bytes);
    }
    return files;
}

std::string role_url_name(Dialect dialect, const RoleName& role, std::optional<std::uint64_t> version) {
    std::string name = version ? std::to_string(*version) + "." : std::string();
    return name + (dialect == Dialect::notary ? role.str() : role.quoted()) + ".json";
}

const std::string* SetFetcher::lookup(std::string_view name) const {
    if (!name.ends_with(".json")) return nullptr;
    if (name == "timestamp.json") return m_set.find(RoleName::timestamp());
    if (auto split = split_version(name); split && split->second == "root.json") {
        auto it = m_set.root_chain.find(split->first);
        return it == m_set.root_chain.end() ? nullptr : &it->second;
    }
    for (std::string_view candidate : {name, split_version(name) ? split_version(name)->second : std::string_view()}) {
        if (candidate.empty()) continue;
        const std::string_view stem = candidate.substr(0, candidate.size() - 5);
        for (const auto& [role, bytes] : m_set.roles) {
            if (role.kind() == tuf::RoleKind::root || role.kind() == tuf::RoleKind::timestamp) continue;
            const std::string encoded = m_set.dialect == Dialect::notary ? role.str() : role.quoted();
            if (encoded == stem) return &bytes;
        }
    }
    return nullptr;
}

core::Result<std::optional<std::string>> SetFetcher::fetch(const std::string& url, std::size_t max_length) {
    if (!url.starts_with(m_base + "/")) return std::optional<std::string>();
    const std::string* bytes = lookup(std::string_view(url).substr(m_base.size() + 1));
    if (bytes == nullptr) return std::optional<std::string>();
    if (bytes->size() > max_length)
        return core::Error(core::ErrorCode::trust,
                           url + ": larger than the " + std::to_string(max_length) + " bytes allowed");
    return std::optional<std::string>(*bytes);
}

core::Result<MetadataSet> verify_set(const VerifyRequest& request, tuf::Fetcher& fetcher) {
    auto files = request.baseline;
    files[tuf::metadata_file_name(RoleName::root())] = request.trusted_root;
    MemoryStore store(request.dialect, std::move(files));
    TUFKEY_TRY(auto updater, tuf::Updater::create(request.dialect, request.base_url, fetcher, store, request.now));
    TUFKEY_TRY_VOID(updater.refresh());

    MetadataSet out;
    out.dialect = request.dialect;
    TUFKEY_TRY(auto anchor, file_version(request.dialect, RoleName::root(), request.trusted_root));
    out.root_chain[anchor] = request.trusted_root;
    for (const auto& [version, bytes] : store.roots()) out.root_chain[version] = bytes;
    for (const auto& role : {RoleName::root(), RoleName::timestamp(), RoleName::snapshot(), RoleName::targets()}) {
        auto it = store.files().find(tuf::metadata_file_name(role));
        if (it == store.files().end())
            return core::Error(core::ErrorCode::internal, role.str() + ": missing after a successful refresh");
        out.roles[role] = it->second;
    }
    tuf::TrustedSet trusted = updater.trusted();
    if (request.dialect == Dialect::notary)
        TUFKEY_TRY_VOID(tuf::check_notary_root_certificates(trusted.root(), request.gun, request.now));
    TUFKEY_TRY_VOID(verify_delegations(trusted, fetcher, request.base_url, out));
    return out;
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

}  // namespace tufkey::ceremony::detail
