#include "test_repository.h"

#include <fstream>
#include <stdexcept>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::testing {
namespace {

using tuf::Dialect;

template <typename T>
T must(core::Result<T> result, const std::string& what) {
    if (!result) throw std::runtime_error(what + ": " + result.error().message);
    return std::move(result).value();
}

void must(const core::Result<void>& result, const std::string& what) {
    if (!result) throw std::runtime_error(what + ": " + result.error().message);
}

tuf::RoleName role_name(const std::string& name) { return must(tuf::RoleName::parse(Dialect::tuf, name), "role name"); }

tuf::MetaFile meta_for(const tuf::Version& version, const std::string& bytes, bool hashes) {
    tuf::MetaFile meta;
    meta.version = version;
    if (hashes) {
        meta.length = bytes.size();
        meta.hashes["sha256"] = core::sha256(core::as_bytes(bytes));
    }
    return meta;
}

}  // namespace

tuf::Expiry TestRepository::expiry_in(std::chrono::hours from_now) {
    return tuf::new_expiry(Dialect::tuf, std::chrono::system_clock::now() + from_now);
}

core::Signer& TestRepository::new_key(core::KeyAlgorithm algorithm) {
    m_keys.push_back(must(core::SoftwareSigner::generate(algorithm), "generate key"));
    return *m_keys.back();
}

TestRepository::TestRepository(bool consistent_snapshot) {
    const auto year = std::chrono::hours(24 * 365);
    root.consistent_snapshot = consistent_snapshot;
    root.expires = expiry_in(year);
    for (const char* role : {"root", "targets", "snapshot", "timestamp"}) {
        const auto algorithm =
            std::string(role) == "timestamp" ? core::KeyAlgorithm::ecdsa_p256 : core::KeyAlgorithm::ed25519;
        core::Signer& signer = new_key(algorithm);
        const tuf::Key key = tuf::Key::tuf(signer.public_key());
        root.keys.insert_or_assign(key.id(), key);
        root.role_keys(role_name(role))->keyids = {key.id()};
        m_role_signers[role] = {&signer};
    }
    targets.expires = expiry_in(year);
    snapshot.expires = expiry_in(year);
    timestamp.expires = expiry_in(year);
    m_initial_root = publish_root();
    publish_targets();
    publish_snapshot();
    publish_timestamp();
}

std::optional<std::string> TestRepository::file(const std::string& path) const {
    auto it = m_files.find(path);
    if (it == m_files.end()) return std::nullopt;
    return it->second;
}

std::vector<core::Signer*> TestRepository::signers(const std::string& role) { return m_role_signers[role]; }

std::string TestRepository::sign_and_store(const tuf::RoleName& role, const tuf::Json& signed_part,
                                           const std::vector<core::Signer*>& signers, const std::string& path) {
    tuf::Envelope envelope = tuf::make_envelope(signed_part);
    std::vector<tuf::Key> keys;
    keys.reserve(signers.size());
    for (core::Signer* signer : signers) keys.push_back(tuf::Key::tuf(signer->public_key()));
    std::vector<tuf::SigningKey> signing;
    for (std::size_t i = 0; i < signers.size(); ++i) signing.push_back(tuf::SigningKey{keys[i], *signers[i]});
    must(tuf::sign_envelope(Dialect::tuf, envelope, signing, tuf::KeyMap{}), "sign " + role.str());
    std::string bytes = must(tuf::serialize_envelope(Dialect::tuf, envelope), "serialize " + role.str());
    m_files["metadata/" + path] = bytes;
    return bytes;
}

std::string TestRepository::publish_root() {
    std::vector<core::Signer*> all = m_role_signers["root"];
    all.insert(all.end(), extra_root_signers.begin(), extra_root_signers.end());
    if (root_signers_override) all = *root_signers_override;
    const tuf::Json json = must(tuf::encode_root(Dialect::tuf, root), "encode root");
    const std::string name = std::to_string(root.version.value()) + ".root.json";
    std::string bytes = sign_and_store(tuf::RoleName::root(), json, all, name);
    m_files["metadata/root.json"] = bytes;
    return bytes;
}

std::string TestRepository::publish_targets(const std::string& role) {
    const tuf::RoleName name = role_name(role);
    const tuf::Targets& model = targets_of(role);
    const tuf::Json json = must(tuf::encode_targets(Dialect::tuf, model), "encode " + role);
    const std::string file = name.quoted() + ".json";
    std::string bytes =
        sign_and_store(name, json, m_role_signers[role], std::to_string(model.version.value()) + "." + file);
    m_files["metadata/" + file] = bytes;
    return bytes;
}

std::string TestRepository::publish_snapshot() {
    snapshot.meta.clear();
    auto add = [&](const std::string& role) {
        const std::string file = role_name(role).quoted() + ".json";
        const tuf::Targets& model = targets_of(role);
        const std::string bytes = m_files["metadata/" + std::to_string(model.version.value()) + "." + file];
        snapshot.meta[role + ".json"] = meta_for(model.version, bytes, meta_hashes);
    };
    add("targets");
    for (const auto& [role, model] : delegated) {
        if (!omit_from_snapshot.contains(role)) add(role);
    }
    const tuf::Json json = must(tuf::encode_snapshot(Dialect::tuf, snapshot), "encode snapshot");
    std::string bytes = sign_and_store(tuf::RoleName::snapshot(), json, m_role_signers["snapshot"],
                                       std::to_string(snapshot.version.value()) + ".snapshot.json");
    m_files["metadata/snapshot.json"] = bytes;
    return bytes;
}

std::string TestRepository::publish_timestamp() {
    const std::string bytes = m_files["metadata/" + std::to_string(snapshot.version.value()) + ".snapshot.json"];
    timestamp.meta.clear();
    timestamp.meta["snapshot.json"] = meta_for(snapshot.version, bytes, meta_hashes);
    const tuf::Json json = must(tuf::encode_timestamp(Dialect::tuf, timestamp), "encode timestamp");
    return sign_and_store(tuf::RoleName::timestamp(), json, m_role_signers["timestamp"], "timestamp.json");
}

void TestRepository::bump_root() {
    root.version = root.version.next();
    publish_root();
}

void TestRepository::update_snapshot() {
    snapshot.version = snapshot.version.next();
    publish_snapshot();
    update_timestamp();
}

void TestRepository::update_timestamp() {
    timestamp.version = timestamp.version.next();
    publish_timestamp();
}

void TestRepository::publish_all(bool bump_targets) {
    if (bump_targets) targets.version = targets.version.next();
    publish_targets();
    for (auto& [role, model] : delegated) {
        if (bump_targets) model.version = model.version.next();
        publish_targets(role);
    }
    update_snapshot();
}

tuf::Targets& TestRepository::targets_of(const std::string& role) {
    if (role == "targets") return targets;
    auto it = delegated.find(role);
    if (it == delegated.end()) throw std::runtime_error("no delegated role " + role);
    return it->second;
}

void TestRepository::add_target(const std::string& role, const std::string& path, const std::string& content) {
    tuf::TargetFile file;
    file.length = content.size();
    file.hashes["sha256"] = core::sha256(core::as_bytes(content));
    file.hashes["sha512"] = core::sha512(core::as_bytes(content));
    targets_of(role).targets[path] = file;
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    m_files["targets/" + path] = content;
    for (const auto& [algorithm, digest] : file.hashes) {
        m_files["targets/" + dir + core::hex_encode(digest) + "." + base] = content;
    }
}

void TestRepository::add_delegation(const std::string& parent, const std::string& role, std::vector<std::string> paths,
                                    bool terminating) {
    core::Signer& signer = delegated.contains(role) ? *m_role_signers[role].front() : new_key();
    const tuf::Key key = tuf::Key::tuf(signer.public_key());
    tuf::Targets& owner = targets_of(parent);
    if (!owner.delegations) owner.delegations = tuf::Delegations{};
    owner.delegations->keys.insert_or_assign(key.id(), key);
    tuf::DelegatedRole entry;
    entry.name = must(tuf::RoleName::delegated(Dialect::tuf, role), "delegated name");
    entry.keyids = {key.id()};
    entry.paths = tuf::PathPatterns{std::move(paths)};
    entry.terminating = terminating;
    owner.delegations->roles.push_back(entry);
    if (!delegated.contains(role)) {
        tuf::Targets model;
        model.expires = expiry_in(std::chrono::hours(24 * 365));
        delegated.emplace(role, model);
    }
    m_role_signers[role] = {&signer};
}

void TestRepository::add_hash_prefix_delegation(const std::string& parent, const std::string& role,
                                                std::vector<std::string> prefixes) {
    add_delegation(parent, role, {});
    targets_of(parent).delegations->roles.back().paths = tuf::PathHashPrefixes{std::move(prefixes)};
}

void TestRepository::rotate_keys(const std::string& role) {
    if (role == "root") extra_root_signers = m_role_signers["root"];
    core::Signer& signer = new_key();
    const tuf::Key key = tuf::Key::tuf(signer.public_key());
    root.keys.insert_or_assign(key.id(), key);
    root.role_keys(role_name(role))->keyids = {key.id()};
    m_role_signers[role] = {&signer};
}

// A stored path as a web server maps a request for it to a file: percent-decoded.
static std::string decoded_path(const std::string& path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size()) {
            out.push_back(static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(path[i]);
        }
    }
    return out;
}

void TestRepository::write_to(const std::filesystem::path& dir) const {
    for (const auto& [path, bytes] : m_files) {
        const std::filesystem::path relative(decoded_path(path));
        bool escapes = false;
        for (const auto& part : relative) escapes = escapes || part == "..";
        if (escapes) continue;  // unreachable through a web server anyway
        const auto full = dir / relative;
        std::filesystem::create_directories(full.parent_path());
        std::ofstream(full, std::ios::binary) << bytes;
    }
}

core::Result<std::optional<std::string>> MemoryFetcher::fetch(const std::string& url, std::size_t max_length) {
    const std::string prefix = "mem://repo/";
    if (!url.starts_with(prefix)) return core::Error(core::ErrorCode::remote, "unexpected URL " + url);
    const std::string path = url.substr(prefix.size());
    requests.push_back(path);
    caps[path] = max_length;
    auto bytes = m_repo.file(path);
    if (!bytes) return std::optional<std::string>();
    if (bytes->size() > max_length) return core::Error(core::ErrorCode::remote, url + ": larger than the cap");
    return bytes;
}

core::Result<std::optional<std::string>> MemoryStore::load(const std::string& file_name) {
    auto it = files.find(file_name);
    if (it == files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
}

core::Result<void> MemoryStore::store(const std::string& file_name, std::string_view bytes) {
    if (file_name.find('/') != std::string::npos) {
        return core::Error(core::ErrorCode::internal, "unsafe file name " + file_name);
    }
    files[file_name] = std::string(bytes);
    return core::success();
}

core::Result<void> MemoryStore::remove(const std::string& file_name) {
    files.erase(file_name);
    return core::success();
}

std::int64_t stored_version(const MemoryStore& store, const std::string& file_name) {
    auto it = store.files.find(file_name);
    if (it == store.files.end()) return 0;
    auto envelope = tuf::parse_envelope(Dialect::tuf, it->second, file_name);
    if (!envelope) return 0;
    const tuf::Json* version = envelope->signed_part.find("version");
    return version != nullptr && version->is_int() ? version->as_int() : 0;
}

}  // namespace tufkey::testing
