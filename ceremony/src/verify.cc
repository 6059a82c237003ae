#include "tufkey/ceremony/verify.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "tufkey/core/atomic_file.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/notary_root.h"
#include "tufkey/tuf/path_match.h"
#include "tufkey/tuf/role_walk.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::ceremony {
namespace {

using tuf::Dialect;
using tuf::RoleName;

constexpr const char* kBase = "home";

core::Error trust(const std::string& message) { return core::Error(core::ErrorCode::trust, message); }

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// "N.rest" -> (N, rest) when the name starts with decimal digits and a dot.
std::optional<std::pair<std::uint64_t, std::string>> split_version(std::string_view name) {
    std::size_t digits = 0;
    while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
    if (digits == 0 || digits > 18 || digits >= name.size() || name[digits] != '.') return std::nullopt;
    return std::make_pair(std::stoull(std::string(name.substr(0, digits))), std::string(name.substr(digits + 1)));
}

// The Updater's Fetcher over the home: "home/N.root.json" from the kept roots, every other
// "home/[V.]<quoted role>.json" from the repository's current metadata files.
class HomeFetcher final : public tuf::Fetcher {
public:
    HomeFetcher(const Repository& repo, Dialect dialect, std::vector<std::uint64_t> kept_roots)
        : m_repo(repo), m_dialect(dialect), m_kept(std::move(kept_roots)) {}

    core::Result<std::optional<std::string>> fetch(const std::string& url, std::size_t max_length) override {
        const std::string prefix = std::string(kBase) + "/";
        if (!url.starts_with(prefix) || !url.ends_with(".json"))
            return core::Error(core::ErrorCode::internal, "home fetcher: unexpected URL " + url);
        const std::string name = url.substr(prefix.size(), url.size() - prefix.size() - 5);
        const auto versioned = split_version(name);
        if (versioned && versioned->second == "root") return kept_root(versioned->first);
        std::string role = percent_decode(name);
        TUFKEY_TRY(auto bytes, read_role(name));
        if (!bytes && versioned) {
            role = percent_decode(versioned->second);
            TUFKEY_TRY(bytes, read_role(versioned->second));
            if (bytes) TUFKEY_TRY_VOID(check_version(role, *bytes, versioned->first));
        }
        if (!bytes) return trust(role + ": listed, but its metadata file is missing from the home");
        if (bytes->size() > max_length)
            return trust(role + ": " + std::to_string(bytes->size()) + " bytes, more than the " +
                         std::to_string(max_length) + " listed (mix-and-match or tampered file)");
        return bytes;
    }

private:
    core::Result<std::optional<std::string>> kept_root(std::uint64_t version) {
        if (std::find(m_kept.begin(), m_kept.end(), version) == m_kept.end()) return std::optional<std::string>();
        TUFKEY_TRY(auto bytes, m_repo.read_root_version(version));
        return std::optional<std::string>(std::move(bytes));
    }

    core::Result<std::optional<std::string>> read_role(const std::string& quoted) {
        auto role = RoleName::parse(m_dialect, percent_decode(quoted));
        if (!role) return std::optional<std::string>();
        return m_repo.read_metadata(m_dialect, *role);
    }

    // Under consistent snapshots the Updater asks for "V.role": the home holds only the current
    // file, which must be that version.
    static core::Result<void> check_version(const std::string& role, const std::string& bytes, std::uint64_t wanted) {
        auto json = tuf::parse_json(bytes);
        const tuf::Json* signed_part = json ? json->find("signed") : nullptr;
        const tuf::Json* version = signed_part != nullptr ? signed_part->find("version") : nullptr;
        if (version == nullptr || !version->is_int()) return trust(role + ": the file has no version");
        if (static_cast<std::uint64_t>(version->as_int()) != wanted)
            return trust(role + ": version " + std::to_string(wanted) + " is listed, but the home holds version " +
                         std::to_string(version->as_int()) + " (mix-and-match)");
        return core::success();
    }

    const Repository& m_repo;
    Dialect m_dialect;
    std::vector<std::uint64_t> m_kept;
};

// The Updater's MetadataStore, in memory: verify writes nothing to the home.
class MemoryStore final : public tuf::MetadataStore {
public:
    explicit MemoryStore(std::string root) { m_files["root.json"] = std::move(root); }
    core::Result<std::optional<std::string>> load(const std::string& file_name) override {
        auto it = m_files.find(file_name);
        if (it == m_files.end()) return std::optional<std::string>();
        return std::optional<std::string>(it->second);
    }
    core::Result<void> store(const std::string& file_name, std::string_view bytes) override {
        m_files[file_name] = std::string(bytes);
        return core::success();
    }
    core::Result<void> remove(const std::string& file_name) override {
        m_files.erase(file_name);
        return core::success();
    }

private:
    std::map<std::string, std::string> m_files;
};

std::string no_trust_data(const VerifyRequest& request) {
    return "No valid trust data for " + request.gun + (request.tag ? ":" + *request.tag : std::string());
}

struct Anchor final {
    std::string bytes;
    std::vector<std::uint64_t> kept;
    std::optional<std::string> current_root;  // metadata/root.json
};

core::Result<Anchor> load_anchor(const Repository& repo) {
    Anchor anchor;
    TUFKEY_TRY(anchor.kept, repo.root_versions());
    TUFKEY_TRY(anchor.current_root, repo.read_metadata(Dialect::notary, RoleName::root()));
    if (!anchor.kept.empty()) {
        TUFKEY_TRY(anchor.bytes, repo.read_root_version(anchor.kept.front()));
    } else if (anchor.current_root) {
        anchor.bytes = *anchor.current_root;
    } else {
        return repo.unknown_repository();
    }
    if (!anchor.current_root) return trust("root: metadata/root.json is missing from the home");
    return anchor;
}

core::Result<void> check_dialect_setting(const Repository& repo, Dialect dialect) {
    if (!repo.exists()) return core::success();
    TUFKEY_TRY(auto config, repo.load_config());
    if (config.dialect != dialect)
        return trust(std::string("root: written in the ") + tuf::to_string(dialect) +
                     " dialect, but repository.json says " + tuf::to_string(config.dialect));
    return core::success();
}

// metadata/root.json must be the newest root of the chain; notary: the snapshot's entry for
// root must match it too.
core::Result<void> check_root_consistency(const tuf::TrustedSet& set, const Anchor& anchor, MemoryStore& store) {
    TUFKEY_TRY(auto final_root, store.load("root.json"));
    if (!final_root || *final_root != *anchor.current_root) {
        return trust("root: metadata/root.json is not the newest root of the chain (version " +
                     std::to_string(set.root().version.value()) + ")");
    }
    if (set.dialect() == Dialect::notary && set.snapshot() != nullptr) {
        auto it = set.snapshot()->meta.find("root");
        if (it != set.snapshot()->meta.end()) TUFKEY_TRY_VOID(tuf::check_meta_file("root", it->second, *final_root));
    }
    return core::success();
}

template <typename T>
VerifiedRole role_entry(const std::string& name, const T& metadata) {
    return {name, static_cast<std::uint64_t>(metadata.version.value()), metadata.expires.to_string()};
}

void summarise(const tuf::TrustedSet& set, const tuf::RoleWalk& walk, VerifyReport& report) {
    report.roles.push_back(role_entry("root", set.root()));
    report.roles.push_back(role_entry("timestamp", *set.timestamp()));
    report.roles.push_back(role_entry("snapshot", *set.snapshot()));
    report.roles.push_back(role_entry("targets", *set.targets(RoleName::targets())));
    std::set<std::string> names;
    for (const auto& [path, file] : set.targets(RoleName::targets())->targets) names.insert(path);
    for (const auto& role : walk.verified) {
        const tuf::Targets* t = set.targets(role);
        report.roles.push_back(role_entry(role.str(), *t));
        for (const auto& [path, file] : t->targets) names.insert(path);
    }
    for (const auto& role : walk.unlisted) report.unsigned_roles.push_back(role.str());
    report.target_count = names.size();
}

// Docker reads targets/releases first (GetTargetByName(tag, releases, targets)).
std::optional<tuf::TargetInfo> notary_releases_target(const tuf::TrustedSet& set, const std::string& tag) {
    auto releases = RoleName::delegated(Dialect::notary, "targets/releases");
    const tuf::Targets* top = set.targets(RoleName::targets());
    if (!releases || top == nullptr || !top->delegations) return std::nullopt;
    const tuf::DelegatedRole* entry = top->delegations->find(*releases);
    const tuf::Targets* t = set.targets(*releases);
    if (entry == nullptr || t == nullptr || !tuf::role_covers_path(Dialect::notary, *entry, tag)) return std::nullopt;
    auto it = t->targets.find(tag);
    if (it == t->targets.end()) return std::nullopt;
    return tuf::TargetInfo{tag, it->second, *releases};
}

core::Result<VerifiedTarget> find_tag(tuf::Updater& updater, const tuf::TrustedSet& walked,
                                      const VerifyRequest& request) {
    const std::string& tag = *request.tag;
    std::optional<tuf::TargetInfo> found;
    if (walked.dialect() == Dialect::notary) found = notary_releases_target(walked, tag);
    if (!found) {
        TUFKEY_TRY(found, updater.find_target(tag));
    }
    if (!found) return trust(no_trust_data(request));
    VerifiedTarget target{tag, "", found->file.length, found->role.str()};
    auto sha = found->file.hashes.find("sha256");
    if (sha == found->file.hashes.end())
        return trust(found->role.str() + ": target " + tag + " lists no sha256 digest; " + no_trust_data(request));
    target.sha256_hex = core::hex_encode(sha->second);
    return target;
}

}  // namespace

core::Result<VerifyReport> verify_repository(const keystore::TrustHome& home, const VerifyRequest& request,
                                             tuf::Instant now) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    Repository repo(home, request.gun);
    TUFKEY_TRY(auto anchor, load_anchor(repo));
    TUFKEY_TRY(const Dialect dialect, tuf::detect_dialect(anchor.bytes));
    TUFKEY_TRY_VOID(check_dialect_setting(repo, dialect));

    HomeFetcher fetcher(repo, dialect, anchor.kept);
    MemoryStore store(anchor.bytes);
    TUFKEY_TRY(auto updater, tuf::Updater::create(dialect, kBase, fetcher, store, now));
    TUFKEY_TRY_VOID(updater.refresh());
    tuf::TrustedSet walked = updater.trusted();
    TUFKEY_TRY_VOID(check_root_consistency(walked, anchor, store));
    if (dialect == Dialect::notary)
        TUFKEY_TRY_VOID(tuf::check_notary_root_certificates(walked.root(), request.gun, now));
    TUFKEY_TRY(auto walk, tuf::load_delegation_tree(walked, fetcher, kBase));

    VerifyReport report;
    report.gun = request.gun;
    report.dialect = dialect;
    const auto first = tuf::TrustedSet::create(dialect, anchor.bytes, now);
    report.root_chain =
        first ? static_cast<std::size_t>(walked.root().version.value() - first->root().version.value() + 1) : 1;
    summarise(walked, walk, report);
    if (request.tag) {
        TUFKEY_TRY(report.target, find_tag(updater, walked, request));
    }
    return report;
}

core::Result<std::vector<core::PublicKey>> repository_root_keys(const Repository& repository) {
    std::vector<std::string> files;
    TUFKEY_TRY(auto kept, repository.root_versions());
    for (auto v : kept) {
        TUFKEY_TRY(files.emplace_back(), repository.read_root_version(v));
    }
    if (files.empty()) {
        TUFKEY_TRY(auto current, repository.read_metadata(Dialect::notary, RoleName::root()));
        if (!current) return repository.unknown_repository();
        files.push_back(std::move(*current));
    }
    std::vector<core::PublicKey> keys;
    for (const auto& bytes : files) {
        TUFKEY_TRY(auto dialect, tuf::detect_dialect(bytes));
        TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, "root"));
        TUFKEY_TRY(auto root, tuf::decode_root(dialect, envelope.signed_part));
        for (const auto& id : root.root.keyids) {
            auto it = root.keys.find(id);
            if (it == root.keys.end() || !it->second.public_key()) continue;
            const auto& key = *it->second.public_key();
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
        }
    }
    return keys;
}

}  // namespace tufkey::ceremony
