#include "tufkey/ceremony/repository.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "tufkey/core/atomic_file.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/json.h"

namespace tufkey::ceremony {
namespace {

using tuf::Json;
using tuf::JsonArray;
using tuf::JsonObject;

bool gun_char_ok(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == ':' || c == '/';
}

Json policy_to_json(const RolePolicy& policy) {
    JsonObject o;
    for (const auto& [role, d] : policy.entries()) o[role] = format_duration(d);
    return o;
}

core::Result<void> policy_from_json(const Json* json, RolePolicy& policy) {
    if (json == nullptr) return core::success();
    if (!json->is_object()) return core::Error(core::ErrorCode::usage, "repository.json: a policy is not an object");
    for (const auto& [role, value] : json->as_object()) {
        if (!value.is_string())
            return core::Error(core::ErrorCode::usage, "repository.json: duration of " + role + " is not a string");
        TUFKEY_TRY_VOID(policy.apply_override(role + "=" + value.as_string()));
    }
    return core::success();
}

std::string string_member(const Json& o, std::string_view key) {
    const Json* v = o.find(key);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::vector<TokenKeyRef> token_refs(const Json& array) {
    std::vector<TokenKeyRef> refs;
    for (const Json& k : array.as_array()) {
        refs.push_back({string_member(k, "uri"), string_member(k, "token_label"), string_member(k, "token_serial"),
                        string_member(k, "key_id")});
    }
    return refs;
}

Json token_refs_json(const std::vector<TokenKeyRef>& refs) {
    JsonArray keys;
    for (const auto& k : refs) {
        keys.push_back(JsonObject{
            {"uri", k.uri}, {"token_label", k.token_label}, {"token_serial", k.token_serial}, {"key_id", k.key_id}});
    }
    return keys;
}

core::Error config_error(const std::filesystem::path& file, const std::string& what) {
    return core::Error(core::ErrorCode::io, file.string() + " is damaged: " + what + " (restore it from a backup)");
}

}  // namespace

core::Result<void> check_gun(std::string_view gun) {
    auto bad = [&](const std::string& why) {
        return core::Error(core::ErrorCode::usage, "invalid repository name \"" + std::string(gun) + "\": " + why);
    };
    if (gun.empty()) return bad("it is empty");
    if (gun.size() > 255) return bad("longer than 255 characters");
    if (gun.front() == '/' || gun.back() == '/') return bad("it starts or ends with '/'");
    if (!std::all_of(gun.begin(), gun.end(), gun_char_ok)) return bad("use letters, digits and . _ - : /");
    std::size_t start = 0;
    while (start <= gun.size()) {
        auto end = gun.find('/', start);
        if (end == std::string_view::npos) end = gun.size();
        auto part = gun.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") return bad("empty, '.' or '..' path components");
        start = end + 1;
    }
    return core::success();
}

Repository::Repository(const keystore::TrustHome& home, std::string gun) : m_home(home.root()), m_gun(std::move(gun)) {}

std::filesystem::path Repository::metadata_dir() const { return m_home / "tuf" / m_gun / "metadata"; }
std::filesystem::path Repository::state_dir() const { return m_home / "tufkey" / m_gun; }

std::filesystem::path Repository::metadata_file(tuf::Dialect dialect, const tuf::RoleName& role) const {
    return metadata_dir() / tuf::DialectProfile::of(dialect).file_name(role);
}

std::filesystem::path Repository::outgoing_file(tuf::Dialect dialect, const tuf::RoleName& role) const {
    return outgoing_dir() / tuf::DialectProfile::of(dialect).file_name(role);
}

bool RepositoryConfig::server_manages(std::string_view role) const {
    return std::find(server_managed.begin(), server_managed.end(), role) != server_managed.end();
}

bool Repository::exists() const {
    std::error_code ec;
    return std::filesystem::exists(config_file(), ec);
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// GUNs below `dir` that hold `marker` (a relative path), e.g. tufkey/<GUN>/repository.json.
void collect_guns(const std::filesystem::path& dir, const std::filesystem::path& marker,
                  std::vector<std::string>& out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied,
                                                     ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > 8) {
            it.disable_recursion_pending();
            continue;
        }
        std::error_code entry_ec;
        if (!it->is_directory(entry_ec) || !std::filesystem::exists(it->path() / marker, entry_ec)) continue;
        const std::string gun = it->path().lexically_relative(dir).generic_string();
        if (check_gun(gun).ok()) out.push_back(gun);
        if (marker.filename() == "root.json") it.disable_recursion_pending();
    }
}

}  // namespace

std::vector<std::string> home_guns(const keystore::TrustHome& home) {
    std::vector<std::string> guns;
    collect_guns(home.root() / "tufkey", "repository.json", guns);
    collect_guns(home.root() / "tuf", std::filesystem::path("metadata") / "root.json", guns);
    std::sort(guns.begin(), guns.end());
    guns.erase(std::unique(guns.begin(), guns.end()), guns.end());
    return guns;
}

std::vector<std::string> close_guns(std::string_view gun, const std::vector<std::string>& known) {
    std::vector<std::pair<std::size_t, std::string>> near;
    for (const auto& k : known) {
        if (k == gun) continue;
        const std::size_t d = lower(k) == lower(gun) ? 0 : edit_distance(gun, k);
        if (d <= 2) near.emplace_back(d, k);
    }
    std::sort(near.begin(), near.end());
    std::vector<std::string> out;
    for (auto& [d, k] : near) {
        if (d == near.front().first) out.push_back(std::move(k));
    }
    return out;
}

core::Error Repository::unknown_repository() const {
    std::error_code ec;
    const keystore::TrustHome home(m_home);
    const auto near = close_guns(m_gun, home_guns(home));
    if (!near.empty()) {
        std::string list;
        for (std::size_t i = 0; i < near.size() && i < 3; ++i) list += (i == 0 ? "" : " or ") + near[i];
        return core::Error(core::ErrorCode::usage, "tufkey has no repository " + m_gun +
                                                       " in this home: did you mean " + list +
                                                       "? ('tufkey list' shows them all)");
    }
    if (std::filesystem::exists(metadata_dir() / "root.json", ec)) {
        // Trust data the notary client or docker cached here: tufkey signs for it once a pull
        // has verified it against its server and recorded where it lives.
        return core::Error(core::ErrorCode::usage,
                           "the trust data of " + m_gun +
                               " in this home was made by notary or docker, and tufkey has not pulled it yet: run "
                               "'tufkey pull " +
                               m_gun + " --from https://NOTARY-SERVER' once (notary and docker keep using it)");
    }
    return core::Error(core::ErrorCode::usage, "tufkey has no repository " + m_gun +
                                                   " in this home: run 'tufkey init " + m_gun +
                                                   " --root-key URI' or 'tufkey pull " + m_gun + "' first");
}

core::Result<RepositoryConfig> Repository::load_config() const {
    if (!exists()) return unknown_repository();
    TUFKEY_TRY(auto bytes, core::read_file(config_file(), 1u << 20));
    return parse_config(core::to_string(bytes));
}

core::Result<RepositoryConfig> Repository::load_config(const keystore::HomeTransaction& tx) const {
    TUFKEY_TRY(auto bytes, tx.read(config_file(), 1u << 20));
    if (!bytes) return unknown_repository();
    return parse_config(*bytes);
}

core::Result<RepositoryConfig> Repository::parse_config(std::string_view bytes) const {
    auto parsed = tuf::parse_json(bytes);
    if (!parsed) return config_error(config_file(), parsed.error().message);
    const Json& json = *parsed;
    RepositoryConfig config;
    config.gun = string_member(json, "gun");
    if (config.gun != m_gun) return config_error(config_file(), "it names another repository");
    auto dialect = tuf::parse_dialect(string_member(json, "dialect"));
    if (!dialect) return config_error(config_file(), dialect.error().message);
    config.dialect = *dialect;
    if (const Json* keys = json.find("root_keys"); keys != nullptr && keys->is_array())
        config.root_keys = token_refs(*keys);
    if (const Json* roles = json.find("role_keys"); roles != nullptr && roles->is_object()) {
        for (const auto& [role, keys] : roles->as_object()) {
            if (keys.is_array() && !keys.as_array().empty()) config.role_keys[role] = token_refs(keys);
        }
    }
    if (auto r = policy_from_json(json.find("expires"), config.expires); !r)
        return config_error(config_file(), r.error().message);
    if (auto r = policy_from_json(json.find("warn"), config.warn); !r)
        return config_error(config_file(), r.error().message);
    for (auto [name, map] : {std::pair{"published", &config.published}, std::pair{"synced", &config.synced}}) {
        const Json* versions = json.find(name);
        if (versions == nullptr || !versions->is_object()) continue;
        for (const auto& [role, v] : versions->as_object()) {
            if (v.is_int() && v.as_int() > 0) (*map)[role] = static_cast<std::uint64_t>(v.as_int());
        }
    }
    config.origin = string_member(json, "origin");
    config.publish_to = string_member(json, "publish_to");
    if (const Json* tls = json.find("tls"); tls != nullptr && tls->is_object()) {
        config.tls.ca_file = string_member(*tls, "ca");
        config.tls.client_cert = string_member(*tls, "client_cert");
        config.tls.client_key = string_member(*tls, "client_key");
    }
    if (const Json* managed = json.find("server_managed"); managed != nullptr && managed->is_array()) {
        for (const Json& role : managed->as_array()) {
            if (!role.is_string() || (role.as_string() != "snapshot" && role.as_string() != "timestamp"))
                return config_error(config_file(), "server_managed names a role other than snapshot or timestamp");
            config.server_managed.push_back(role.as_string());
        }
    }
    return config;
}

core::Result<void> Repository::save_config(keystore::HomeTransaction& tx, const RepositoryConfig& config) const {
    JsonObject o;
    o["version"] = 1;
    o["gun"] = config.gun;
    o["dialect"] = std::string(tuf::to_string(config.dialect));
    o["root_keys"] = token_refs_json(config.root_keys);
    JsonObject role_keys;
    for (const auto& [role, refs] : config.role_keys) {
        if (!refs.empty()) role_keys[role] = token_refs_json(refs);
    }
    if (!role_keys.empty()) o["role_keys"] = std::move(role_keys);
    o["expires"] = policy_to_json(config.expires);
    o["warn"] = policy_to_json(config.warn);
    JsonObject published;
    for (const auto& [role, v] : config.published) published[role] = static_cast<std::int64_t>(v);
    o["published"] = std::move(published);
    if (!config.synced.empty()) {
        JsonObject synced;
        for (const auto& [role, v] : config.synced) synced[role] = static_cast<std::int64_t>(v);
        o["synced"] = std::move(synced);
    }
    if (!config.origin.empty()) o["origin"] = config.origin;
    if (!config.publish_to.empty()) o["publish_to"] = config.publish_to;
    JsonObject tls;
    for (auto [name, value] : {std::pair{"ca", &config.tls.ca_file}, std::pair{"client_cert", &config.tls.client_cert},
                               std::pair{"client_key", &config.tls.client_key}}) {
        if (!value->empty()) tls[name] = *value;
    }
    if (!tls.empty()) o["tls"] = std::move(tls);
    if (!config.server_managed.empty()) {
        JsonArray managed;
        for (const auto& role : config.server_managed) managed.push_back(role);
        o["server_managed"] = std::move(managed);
    }
    tx.write(config_file(), tuf::canonical_json(o) + "\n", 0600);
    return core::success();
}

core::Result<std::optional<std::string>> Repository::read_metadata(const keystore::HomeTransaction& tx,
                                                                   tuf::Dialect dialect,
                                                                   const tuf::RoleName& role) const {
    TUFKEY_TRY(auto outgoing, tx.read(outgoing_file(dialect, role), tuf::kMaxMetadataLength));
    if (outgoing) return outgoing;
    return tx.read(metadata_file(dialect, role), tuf::kMaxMetadataLength);
}

namespace {

// RoleName's rules keep every name inside its directory; checked again here, where a name read
// from a document becomes a path. The file's bytes, or nullopt when there is none.
core::Result<std::optional<std::string>> read_role_file(const std::filesystem::path& dir,
                                                        const std::filesystem::path& path, const tuf::RoleName& role) {
    const auto inside = path.lexically_normal().lexically_relative(dir.lexically_normal());
    if (inside.empty() || *inside.begin() == ".." || *inside.begin() == ".")
        return core::Error(core::TrustReason::malformed,
                           "role name \"" + core::printable(role.str()) + "\" does not name a file inside the home");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    TUFKEY_TRY(auto bytes, core::read_file(path, tuf::kMaxMetadataLength));
    return std::optional<std::string>(core::to_string(bytes));
}

}  // namespace

core::Result<std::optional<std::string>> Repository::read_metadata(tuf::Dialect dialect,
                                                                   const tuf::RoleName& role) const {
    TUFKEY_TRY(auto outgoing, read_role_file(outgoing_dir(), outgoing_file(dialect, role), role));
    if (outgoing) return outgoing;
    return read_served(dialect, role);
}

core::Result<std::optional<std::string>> Repository::read_served(tuf::Dialect dialect,
                                                                 const tuf::RoleName& role) const {
    return read_role_file(metadata_dir(), metadata_file(dialect, role), role);
}

void Repository::write_outgoing(keystore::HomeTransaction& tx, tuf::Dialect dialect, const tuf::RoleName& role,
                                std::string_view bytes) const {
    tx.write(outgoing_file(dialect, role), std::string(bytes), 0600);
}

std::vector<std::filesystem::path> Repository::outgoing_files() const {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (!std::filesystem::is_directory(outgoing_dir(), ec)) return files;
    for (auto it = std::filesystem::recursive_directory_iterator(outgoing_dir(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

void Repository::clear_outgoing(keystore::HomeTransaction& tx) const {
    for (const auto& file : outgoing_files()) tx.remove(file);
}

void Repository::write_metadata(keystore::HomeTransaction& tx, tuf::Dialect dialect, const tuf::RoleName& role,
                                std::string_view bytes) const {
    tx.write(metadata_file(dialect, role), std::string(bytes), 0600);
}

core::Result<std::optional<std::string>> Repository::read_current_root() const {
    const auto path = metadata_dir() / "root.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    TUFKEY_TRY(auto bytes, core::read_file(path, tuf::kMaxMetadataLength));
    return std::optional<std::string>(core::to_string(bytes));
}

void Repository::keep_root_version(keystore::HomeTransaction& tx, std::uint64_t version, std::string_view bytes) const {
    tx.write(roots_dir() / (std::to_string(version) + ".root.json"), std::string(bytes), 0600);
}

core::Result<std::vector<std::uint64_t>> Repository::root_versions() const {
    std::vector<std::uint64_t> versions;
    std::error_code ec;
    if (!std::filesystem::exists(roots_dir(), ec)) return versions;
    for (const auto& entry : std::filesystem::directory_iterator(roots_dir(), ec)) {
        auto name = entry.path().filename().string();
        constexpr std::string_view suffix = ".root.json";
        if (name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
        std::uint64_t v = 0;
        auto digits = std::string_view(name).substr(0, name.size() - suffix.size());
        auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (err == std::errc() && end == digits.data() + digits.size() && v > 0) versions.push_back(v);
    }
    std::sort(versions.begin(), versions.end());
    return versions;
}

core::Result<std::string> Repository::read_root_version(std::uint64_t version) const {
    TUFKEY_TRY(auto bytes, core::read_file(roots_dir() / (std::to_string(version) + ".root.json"), 16u << 20));
    return core::to_string(bytes);
}

}  // namespace tufkey::ceremony
