#include "tufkey/ceremony/init.h"

#include <chrono>
#include <filesystem>
#include <system_error>

#include "init_preflight.h"
#include "key_generation_record.h"
#include "policy_document.h"
#include "role_files.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/key_id.h"
#include "tufkey/tuf/json.h"
#include "tufkey/remote/notary_server.h"
#include "server_settings.h"

namespace tufkey::ceremony {
namespace {

using tuf::Dialect;
using tuf::RoleName;

struct OpenedRoot final {
    TokenKey token_key;
    tuf::Key metadata_key;
};

core::Result<void> check_request(const InitRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    if (request.root_key_uris.empty())
        return core::Error(core::ErrorCode::usage, "init needs at least one --root-key URI (a key on a PKCS#11 token)");
    if (request.root_threshold < 1 || request.root_threshold > request.root_key_uris.size())
        return core::Error(core::ErrorCode::usage,
                           "--root-threshold must be between 1 and the number of --root-key URIs (" +
                               std::to_string(request.root_key_uris.size()) + ")");
    if (tuf::DialectProfile::of(request.dialect).root_keys_are_certificates() &&
        core::algorithm_of(request.root_key_type) == core::KeyAlgorithm::ed25519)
        return core::Error(core::ErrorCode::usage,
                           "Notary needs X.509 root certificates, which tufkey makes only for "
                           "ECDSA or RSA keys: use --root-key-type ecdsa-p256 or --dialect tuf");
    if (!request.server.empty() && request.dialect != Dialect::notary)
        return core::Error(core::ErrorCode::usage,
                           "a Notary server serves the notary dialect: drop --dialect tuf, or publish a tuf "
                           "repository with 'tufkey publish GUN --to DIR'");
    if (request.server.empty() && request.server_snapshot)
        return core::Error(core::ErrorCode::usage, "--server-managed snapshot needs --server URL");
    return core::success();
}

// The public keys the Notary server holds for this GUN: timestamp always, snapshot on request.
core::Result<std::map<RoleName, tuf::Key>> fetch_server_keys(const InitRequest& request) {
    TUFKEY_TRY(auto server,
               remote::NotaryServer::open(request.server, request.gun, detail::download_options(request.tls)));
    std::map<RoleName, tuf::Key> keys;
    std::vector<RoleName> roles{RoleName::timestamp()};
    if (request.server_snapshot) roles.push_back(RoleName::snapshot());
    for (const auto& role : roles) {
        TUFKEY_TRY(auto key, detail::server_key(server, role));
        keys.emplace(role, std::move(key));
    }
    return keys;
}

// Generates the root keys preflight found missing (the only change to tokens init makes) and
// makes their metadata keys (notary: the root certificates). `generated` collects the URI of
// every key generated, even when a later one fails, so the error can name them.
core::Result<std::vector<OpenedRoot>> finish_root_keys(std::vector<PreparedTokenKey> prepared,
                                                       const InitRequest& request, tuf::Instant now,
                                                       std::vector<std::string>& generated) {
    std::vector<OpenedRoot> roots;
    for (auto& p : prepared) {
        TUFKEY_TRY(auto key, finish_token_key(std::move(p)));
        if (key.generated) generated.push_back(key.uri);
        TUFKEY_TRY(auto metadata_key, detail::root_metadata_key(request.dialect, request.gun, *key.signer, now,
                                                                request.expires.for_role("root")));
        roots.push_back({std::move(key), std::move(metadata_key)});
    }
    return roots;
}

tuf::RoleKeys role_keys(std::vector<tuf::KeyId> ids, std::uint32_t threshold) {
    tuf::RoleKeys r;
    r.keyids = std::move(ids);
    r.threshold = threshold;
    return r;
}

struct SignedSet final {
    std::string root, targets, snapshot, timestamp;
    std::string policy;  // the expiry policy, version 1, signed by every root key
};

core::Result<SignedSet> sign_initial_metadata(const InitRequest& request, std::vector<OpenedRoot>& roots,
                                              std::map<RoleName, FileKey>& file_keys, tuf::Instant now) {
    const Dialect d = request.dialect;
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(d);
    const auto v1 = *tuf::Version::create(1);
    tuf::Root root;
    root.version = v1;
    root.expires = detail::expiry_after(d, now, request.expires.for_role("root"));
    root.consistent_snapshot = profile.consistent_snapshot_by_default();
    std::vector<tuf::KeyId> root_ids;
    std::vector<tuf::SigningKey> root_signing;
    for (auto& r : roots) {
        root_ids.push_back(r.metadata_key.id());
        root.keys.emplace(r.metadata_key.id(), r.metadata_key);
        root_signing.push_back({r.metadata_key, *r.token_key.signer});
    }
    root.root = role_keys(root_ids, request.root_threshold);
    std::map<RoleName, tuf::Key> role_key;
    for (auto& [role, fk] : file_keys) {
        auto key = detail::metadata_key(d, fk.signer->public_key());
        root.keys.emplace(key.id(), key);
        role_key.emplace(role, key);
    }
    for (const auto& [role, key] : request.server_keys) {
        root.keys.emplace(key.id(), key);
        role_key.emplace(role, key);
    }
    root.targets = role_keys({role_key.at(RoleName::targets()).id()}, 1);
    root.snapshot = role_keys({role_key.at(RoleName::snapshot()).id()}, 1);
    root.timestamp = role_keys({role_key.at(RoleName::timestamp()).id()}, 1);

    SignedSet out;
    TUFKEY_TRY(auto root_json, tuf::encode_root(d, root));
    TUFKEY_TRY(out.root, detail::sign_role(d, std::move(root_json), root_signing, root.keys));
    TUFKEY_TRY(out.policy,
               detail::sign_policy(d, {request.gun, 1, request.expires, request.warn}, root_signing, root.keys));

    tuf::Targets targets;
    targets.version = v1;
    targets.expires = detail::expiry_after(d, now, request.expires.for_role("targets"));
    if (profile.targets_always_delegate()) targets.delegations = tuf::Delegations{};
    TUFKEY_TRY(auto targets_json, tuf::encode_targets(d, targets));
    tuf::SigningKey targets_signer{role_key.at(RoleName::targets()), *file_keys.at(RoleName::targets()).signer};
    TUFKEY_TRY(out.targets, detail::sign_role(d, std::move(targets_json), {&targets_signer, 1}, root.keys));

    if (!file_keys.contains(RoleName::snapshot())) return out;  // the server signs snapshot and timestamp
    tuf::Snapshot snapshot;
    snapshot.version = v1;
    snapshot.expires = detail::expiry_after(d, now, request.expires.for_role("snapshot"));
    if (profile.snapshot_lists_root())
        snapshot.meta.emplace(profile.meta_key(RoleName::root()), detail::meta_for_file(d, out.root, 1));
    snapshot.meta.emplace(detail::meta_name(d, RoleName::targets()), detail::meta_for_file(d, out.targets, 1));
    TUFKEY_TRY(auto snapshot_json, tuf::encode_snapshot(d, snapshot));
    tuf::SigningKey snapshot_signer{role_key.at(RoleName::snapshot()), *file_keys.at(RoleName::snapshot()).signer};
    TUFKEY_TRY(out.snapshot, detail::sign_role(d, std::move(snapshot_json), {&snapshot_signer, 1}, root.keys));

    if (!file_keys.contains(RoleName::timestamp())) return out;  // the server signs the timestamp
    tuf::Timestamp timestamp;
    timestamp.version = v1;
    timestamp.expires = detail::expiry_after(d, now, request.expires.for_role("timestamp"));
    timestamp.meta.emplace(detail::meta_name(d, RoleName::snapshot()), detail::meta_for_file(d, out.snapshot, 1));
    TUFKEY_TRY(auto timestamp_json, tuf::encode_timestamp(d, timestamp));
    tuf::SigningKey timestamp_signer{role_key.at(RoleName::timestamp()), *file_keys.at(RoleName::timestamp()).signer};
    TUFKEY_TRY(out.timestamp, detail::sign_role(d, std::move(timestamp_json), {&timestamp_signer, 1}, root.keys));
    return out;
}

std::string sha256_hex(std::string_view bytes) { return core::hex_encode(core::sha256(core::as_bytes(bytes))); }

core::Result<void> write_transcript(const Repository& repo, keystore::HomeTransaction& tx, const InitRequest& request,
                                    const InitReport& report, const SignedSet& files, std::vector<OpenedRoot>& roots) {
    Transcript transcript(repo.transcript_file(), request.gun);
    tuf::JsonArray tokens;
    for (const auto& k : report.root_keys) {
        tuf::JsonObject entry{{"uri", k.uri},
                              {"token", k.token},
                              {"key_id", k.canonical_id},
                              {"metadata_key_id", k.metadata_id},
                              {"generated", k.generated}};
        if (k.generation) entry["key_generation"] = detail::key_generation_json(*k.generation);
        tokens.push_back(std::move(entry));
    }
    tuf::JsonObject role_keys;
    for (const auto& [role, id] : report.role_key_ids) role_keys[role.str()] = id;
    tuf::JsonObject written{{"root.json", sha256_hex(files.root)}, {"targets.json", sha256_hex(files.targets)}};
    if (!files.snapshot.empty()) written["snapshot.json"] = sha256_hex(files.snapshot);
    if (!files.timestamp.empty()) written["timestamp.json"] = sha256_hex(files.timestamp);
    TUFKEY_TRY_VOID(transcript.append(
        tx, "init",
        tuf::JsonObject{{"dialect", std::string(tuf::to_string(request.dialect))},
                        {"root_keys", std::move(tokens)},
                        {"root_threshold", static_cast<std::int64_t>(request.root_threshold)},
                        {"role_keys", std::move(role_keys)},
                        {"files_written", std::move(written)},
                        {"policy", tuf::JsonObject{{"version", 1}, {"sha256", sha256_hex(files.policy)}}}}));
    std::vector<core::Signer*> signers;
    for (auto& r : roots) signers.push_back(r.token_key.signer.get());
    return transcript.sign_head(tx, signers);
}

// The generated root keys named in a failed init's error, so they can be deleted or reused.
core::Error naming_generated_keys(core::Error error, const std::vector<std::string>& generated) {
    if (generated.empty()) return error;
    std::string list;
    for (const auto& uri : generated) list += (list.empty() ? "" : ", ") + uri;
    error.message +=
        "; no repository files were left, but init had already generated these root key(s) on tokens: " + list +
        " (reuse them with --root-key, or delete them on the token)";
    return error;
}

core::Result<InitReport> write_repository(KeyAccess& access, const InitRequest& request, const Repository& repo,
                                          const keystore::HomeLock& lock, detail::InitPreflight preflight,
                                          tuf::Instant now, std::vector<std::string>& generated_uris) {
    TUFKEY_TRY(auto roots, finish_root_keys(std::move(preflight.root_keys), request, now, generated_uris));
    InitReport report;
    report.root_threshold = request.root_threshold;
    for (const auto& r : roots) {
        report.root_keys.push_back({r.token_key.uri, r.token_key.token.describe(),
                                    tuf::notary_canonical_key_id(r.token_key.signer->public_key()),
                                    r.metadata_key.id().str(), r.token_key.generated, r.token_key.key.generation});
    }
    for (const auto& [role, key] : request.server_keys) report.server_key_ids[role] = key.canonical_id().str();
    keystore::HomeTransaction tx(access.home, lock);
    std::map<RoleName, FileKey> file_keys;
    for (auto& [role, prepared] : preflight.role_keys) {
        TUFKEY_TRY(auto key, store_file_key(access, tx, std::move(prepared)));
        report.role_key_ids[role] = key.id;
        file_keys.emplace(role, std::move(key));
    }
    TUFKEY_TRY(auto files, sign_initial_metadata(request, roots, file_keys, now));

    const Dialect d = request.dialect;
    repo.keep_root_version(tx, 1, files.root);
    repo.write_metadata(tx, d, RoleName::root(), files.root);
    report.files_written.push_back(repo.metadata_file(d, RoleName::root()));
    // A server repository's first targets and snapshot wait in outgoing/ for the first publish.
    const bool outgoing = !request.server.empty();
    for (const auto& [role, bytes] :
         {std::pair{RoleName::targets(), &files.targets}, std::pair{RoleName::snapshot(), &files.snapshot},
          std::pair{RoleName::timestamp(), &files.timestamp}}) {
        if (bytes->empty()) continue;
        if (outgoing) {
            repo.write_outgoing(tx, d, role, *bytes);
            report.files_written.push_back(repo.outgoing_file(d, role));
        } else {
            repo.write_metadata(tx, d, role, *bytes);
            report.files_written.push_back(repo.metadata_file(d, role));
        }
    }

    RepositoryConfig config;
    config.gun = request.gun;
    config.dialect = d;
    config.expires = request.expires;
    config.warn = request.warn;
    config.publish_to = request.publish_to;
    if (!request.server.empty()) {
        config.origin = request.server;
        config.tls = request.tls;
        for (const auto& [role, key] : request.server_keys) config.server_managed.push_back(role.str());
    }
    for (const auto& r : roots) {
        config.root_keys.push_back({r.token_key.uri, r.token_key.token.label, r.token_key.token.serial,
                                    tuf::notary_canonical_key_id(r.token_key.signer->public_key())});
    }
    TUFKEY_TRY_VOID(write_transcript(repo, tx, request, report, files, roots));
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    TUFKEY_TRY(auto policy, detail::verify_policy(d, files.policy, files.root, request.gun));
    TUFKEY_TRY_VOID(detail::store_policy(repo, tx, policy, ""));  // recorded by the init step
    TUFKEY_TRY_VOID(tx.commit());
    report.files_written.push_back(repo.config_file());
    report.files_written.push_back(detail::policy_path(repo));
    if (roots.size() == 1)
        report.warnings.push_back(
            "the root key lives on one token only: if it is lost, so is the repository. "
            "Use a threshold over a spare token (e.g. --root-key URI1 --root-key URI2 --root-threshold 1)");
    if (auto warning = detail::short_root_lifetime_warning(request.expires)) report.warnings.push_back(*warning);
    return report;
}

}  // namespace

core::Result<InitReport> init_repository(KeyAccess& access, const InitRequest& given) {
    TUFKEY_TRY_VOID(check_request(given));
    InitRequest request = given;
    if (!request.server.empty()) {
        TUFKEY_TRY(request.tls, detail::checked_tls(request.tls));
        TUFKEY_TRY(request.server_keys, fetch_server_keys(request));  // before any token is touched
    }
    TUFKEY_TRY_VOID(detail::check_root_uris_unique(request));
    Repository repo(access.home, request.gun);
    TUFKEY_TRY_VOID(detail::check_gun_free(repo));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey init " + request.gun));
    TUFKEY_TRY_VOID(detail::check_gun_free(repo));  // again, now that no other writer can add it
    TUFKEY_TRY(auto preflight, detail::run_init_preflight(access, request));

    // Everything was checked: from here on keys are generated and files written.
    const tuf::Instant now = std::chrono::system_clock::now();
    std::vector<std::string> generated_uris;
    // One transaction: a failure anywhere below leaves no repository file and no key file.
    auto report = write_repository(access, request, repo, lock, std::move(preflight), now, generated_uris);
    if (report) return report;
    return naming_generated_keys(report.error(), generated_uris);
}

}  // namespace tufkey::ceremony
