#include "migrate_plan.h"

#include <chrono>
#include <set>
#include <system_error>

#include "migrate_convert.h"
#include "policy_document.h"
#include "server_settings.h"
#include "tufkey/ceremony/verify.h"
#include "tufkey/remote/downloader.h"
#include "tufkey/remote/notary_server.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony::detail::migration {

namespace fs = std::filesystem;
using tuf::Dialect;
using tuf::RoleName;

bool same_dialect(const Plan& p) { return p.from == p.to; }

std::string key_label(const OldKey& k) {
    return k.canonical.substr(0, 12) + (k.held == Held::token ? " (root token)" : " (key file)");
}

namespace {

Held where_held(const KeyAccess& access, const RepositoryConfig& config, const std::string& canonical) {
    for (const auto& ref : config.root_keys) {
        if (ref.key_id == canonical) return Held::token;
    }
    return has_file_key(access.home, canonical) ? Held::file : Held::none;
}

}  // namespace

namespace {

std::vector<OldKey> listed_keys(const KeyAccess& access, const RepositoryConfig& config, const tuf::KeyMap& keys,
                                const std::vector<tuf::KeyId>& ids) {
    std::vector<OldKey> out;
    std::set<std::string> seen;
    for (const auto& id : ids) {
        auto it = keys.find(id);
        if (it == keys.end() || !it->second.public_key()) continue;
        const std::string canonical = tuf::notary_canonical_key_id(*it->second.public_key());
        if (!seen.insert(canonical).second) continue;
        out.push_back({it->second, canonical, where_held(access, config, canonical)});
    }
    return out;
}

}  // namespace

namespace {

std::vector<OldKey> held_up_to(const std::vector<OldKey>& keys, std::uint32_t threshold) {
    std::vector<OldKey> out;
    for (const auto& k : keys) {
        if (k.held != Held::none && out.size() < threshold) out.push_back(k);
    }
    return out;
}

}  // namespace

std::string id_list(const std::vector<OldKey>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k.canonical.substr(0, 12);
    return out;
}

core::Result<void> check_destination_free(const Plan& plan, const std::string& gun, const TlsSettings& tls) {
    const std::string taken = "the destination already holds a repository for " + gun +
                              ": migrate to another place, or remove it there first";
    if (plan.server) {
        TUFKEY_TRY(auto server, remote::NotaryServer::open(plan.url, gun, detail::download_options(tls)));
        remote::Downloader downloader(detail::download_options(tls));
        TUFKEY_TRY(auto root, downloader.get(server.metadata_base() + "/root.json", 1u << 20));
        if (root) return core::Error(core::ErrorCode::refused, remote::redact_url(plan.url) + ": " + taken);
        return core::success();
    }
    const fs::path root =
        plan.to == Dialect::notary ? plan.dir / "v2" / gun / "_trust" / "tuf" / "root.json" : plan.dir / "root.json";
    std::error_code ec;
    if (fs::exists(root, ec)) return core::Error(core::ErrorCode::refused, root.string() + ": " + taken);
    return core::success();
}

namespace {

core::Result<void> parse_destination(const MigrateRequest& request, Plan& plan) {
    if (request.to.empty())
        return core::Error(core::ErrorCode::usage,
                           "migrate needs --to DIR (a static repository) or --to https://NOTARY-SERVER");
    if (remote::is_http_url(request.to)) {
        plan.server = true;
        plan.url = request.to;
        while (plan.url.ends_with('/')) plan.url.pop_back();
        if (plan.to != Dialect::notary)
            return core::Error(core::ErrorCode::usage,
                               "a Notary server serves the notary dialect: drop --dialect tuf, or migrate to a "
                               "directory (--to DIR)");
        return core::success();
    }
    if (request.to.starts_with("file://")) {
        TUFKEY_TRY(auto path, remote::file_url_path(request.to));
        plan.dir = path;
    } else if (request.to.find("://") != std::string::npos) {
        return core::Error(core::ErrorCode::usage,
                           "--to " + request.to + ": use a directory, a file:// URL or an https:// Notary server");
    } else {
        plan.dir = request.to;
    }
    return core::success();
}

}  // namespace

core::Result<void> check_source(const KeyAccess& access, const std::string& gun) {
    Repository repo(access.home, gun);
    if (!repo.exists()) {
        TUFKEY_TRY(auto root, repo.read_current_root());
        if (!root) return repo.unknown_repository();
    } else {
        if (!repo.outgoing_files().empty())
            return core::Error(core::ErrorCode::refused,
                               gun + " has signed changes that its server has not taken yet (tufkey/" + gun +
                                   "/outgoing/): publish them ('tufkey publish " + gun +
                                   "') or drop them ('tufkey pull " + gun + " --discard-staged') first");
        std::error_code ec;
        if (fs::exists(repo.staged_root_file(), ec))
            return core::Error(core::ErrorCode::refused,
                               gun +
                                   " has a root rotation still collecting signatures: finish it ('tufkey root "
                                   "sign', 'tufkey bundle import') or replace it first");
    }
    auto verified = verify_repository(access.home, {gun, std::nullopt}, std::chrono::system_clock::now());
    if (!verified) {
        core::Error e = verified.error();
        e.message = "refusing to migrate " + gun + ", its trust data in this home does not verify: " + e.message +
                    " (pull it again: 'tufkey pull " + gun + " --from URL')";
        return e;
    }
    return core::success();
}

// Which keys sign what, decided from the repository and the home's key files, opening nothing.
core::Result<Plan> make_plan(const KeyAccess& access, const MigrateRequest& request, const RepositoryState& state) {
    Plan plan;
    plan.from = state.dialect();
    plan.to = request.dialect.value_or(plan.from);
    TUFKEY_TRY_VOID(parse_destination(request, plan));
    const RepositoryConfig& config = state.config();
    const tuf::Root& root = state.root();

    plan.old_root = listed_keys(access, config, root.keys, root.root.keyids);
    plan.old_root_held = held_up_to(plan.old_root, root.root.threshold);
    const bool old_threshold_here = plan.old_root_held.size() >= root.root.threshold;
    plan.new_root_on_tokens = !request.root_key_uris.empty();
    if (!plan.new_root_on_tokens) {
        if (!old_threshold_here)
            return core::Error(core::ErrorCode::key,
                               "this home holds " + std::to_string(plan.old_root_held.size()) + " of the " +
                                   std::to_string(root.root.threshold) + " root keys " + request.gun + " needs (" +
                                   id_list(plan.old_root) +
                                   "): run migrate where they are (docker's trust directory holds its root key "
                                   "file), or put the new root on a token with --root-key URI");
        if (plan.to == Dialect::notary && plan.from != Dialect::notary) {
            for (const auto& k : plan.old_root_held) {
                if (k.key.public_key()->algorithm() == core::KeyAlgorithm::ed25519)
                    return core::Error(core::ErrorCode::usage,
                                       "the root key " + k.canonical.substr(0, 12) +
                                           " is Ed25519, and Notary needs X.509 root certificates, which tufkey "
                                           "makes only for ECDSA or RSA keys: give --root-key URI (an ECDSA key "
                                           "on a token), or keep --dialect tuf");
            }
        }
        plan.new_threshold = request.root_threshold != 0 ? request.root_threshold : root.root.threshold;
        if (plan.new_threshold > plan.old_root_held.size())
            return core::Error(core::ErrorCode::usage,
                               "--root-threshold " + std::to_string(plan.new_threshold) + " is more than the " +
                                   std::to_string(plan.old_root_held.size()) + " root key(s) the new root keeps");
    } else {
        plan.new_threshold = request.root_threshold != 0 ? request.root_threshold : 1;
        if (plan.new_threshold > request.root_key_uris.size())
            return core::Error(core::ErrorCode::usage,
                               "--root-threshold must be between 1 and the number of "
                               "--root-key URIs (" +
                                   std::to_string(request.root_key_uris.size()) + ")");
    }
    plan.old_root_here = old_threshold_here;
    plan.continues = same_dialect(plan) && old_threshold_here;

    // targets: its keys stay; in another dialect the home must sign it.
    TopKeys targets;
    targets.keep = listed_keys(access, config, root.keys, root.targets.keyids);
    targets.threshold = root.targets.threshold;
    plan.top[RoleName::targets()] = targets;
    const bool old_server_snapshot = config.server_manages("snapshot");
    for (const RoleName& role : {RoleName::snapshot(), RoleName::timestamp()}) {
        TopKeys t;
        const tuf::RoleKeys* rk = root.role_keys(role);
        auto held = held_up_to(listed_keys(access, config, root.keys, rk->keyids), rk->threshold);
        if (plan.server && (role == RoleName::timestamp() || old_server_snapshot)) {
            t.kind = TopKeys::Kind::server;
        } else if (!held.empty() && held.size() >= rk->threshold && !config.server_manages(role.str())) {
            t.keep = held;
            t.threshold = rk->threshold;
        } else {
            t.kind = TopKeys::Kind::generate;
        }
        plan.top[role] = t;
    }

    for (const auto& role : state.targets_roles()) {
        if (!role.file) continue;
        TreePlan t;
        t.source = &role;
        t.copy = same_dialect(plan);
        if (!t.copy) {
            TUFKEY_TRY(auto authority, state.authority(role.name));
            auto listed = listed_keys(access, config, *authority.keys, authority.keyids);
            t.signers = held_up_to(listed, authority.threshold);
            if (t.signers.size() < authority.threshold)
                return core::Error(core::ErrorCode::key,
                                   role.name.str() + " must be signed again in the " + tuf::to_string(plan.to) +
                                       " dialect, by " + std::to_string(authority.threshold) + " of its keys (" +
                                       id_list(listed) + "), and this home holds " + std::to_string(t.signers.size()) +
                                       ": import the key with 'tufkey key import FILE --role " + role.name.str() +
                                       " --gun " + request.gun + "', or migrate without --dialect");
        }
        if (!t.copy) {
            // What the destination dialect cannot say is refused here, before any key is opened.
            TUFKEY_TRY(auto converted, detail::convert_targets(plan.from, plan.to, role.name, *role.targets));
            (void)converted;
        }
        plan.tree.push_back(std::move(t));
    }
    return plan;
}

namespace {

std::string top_label(const TopKeys& t, const std::string& role) {
    switch (t.kind) {
        case TopKeys::Kind::server:
            return "the destination Notary server's " + role + " key";
        case TopKeys::Kind::generate:
            return "a new " + role + " key file";
        case TopKeys::Kind::keep:
            break;
    }
    return id_list(t.keep) + " (key file)";
}

}  // namespace

// What the migration writes and who signs what, as far as it is known before any key is opened.
MigrateReport describe(const MigrateRequest& request, const Plan& plan, const RepositoryState& state) {
    MigrateReport r;
    r.gun = request.gun;
    r.from = plan.from;
    r.to = plan.to;
    r.server = plan.server;
    r.destination = plan.server ? remote::redact_url(plan.url) : plan.dir.string();
    r.dry_run = request.dry_run;
    r.continues_chain = plan.continues;
    r.old_root_signs = plan.old_root_here;
    r.root_version = plan.continues ? static_cast<std::uint64_t>(state.root().version.value()) + 1 : 1;
    MigrateReport::Signing root{"root", "signed", {}};
    if (plan.new_root_on_tokens) {
        for (const auto& uri : request.root_key_uris) root.keys.push_back("new root key " + uri);
    } else {
        for (const auto& k : plan.old_root_held) root.keys.push_back("new root key " + key_label(k));
    }
    if (plan.old_root_here) {
        for (const auto& k : plan.old_root_held) root.keys.push_back("old root key " + key_label(k));
    }
    r.signing.push_back(std::move(root));
    for (const auto& t : plan.tree) {
        MigrateReport::Signing s{
            t.source->name.str(), t.copy ? "copied (signatures kept)" : "re-encoded and signed", {}};
        for (const auto& k : t.signers) s.keys.push_back(key_label(k));
        r.signing.push_back(std::move(s));
        r.target_count.push_back(t.source->name.str() + ": " + std::to_string(t.source->targets->targets.size()) +
                                 " target(s)");
    }
    for (const RoleName& role : {RoleName::snapshot(), RoleName::timestamp()}) {
        const TopKeys& t = plan.top.at(role);
        r.signing.push_back({role.str(),
                             t.kind == TopKeys::Kind::server ? "signed by the server" : "signed",
                             {top_label(t, role.str())}});
        if (t.kind == TopKeys::Kind::generate) r.generated.push_back(role.str() + ": a new key file");
    }
    if (!plan.continues && plan.old_root_here)
        r.warnings.push_back("the migrated repository starts a new root chain in the " +
                             std::string(tuf::to_string(plan.to)) +
                             " dialect (version 1), signed by the old root keys too: a client holding the old root "
                             "checks the move with 'tufkey pull " +
                             request.gun + " --from DESTINATION --root OLD-ROOT'");
    else if (!plan.continues)
        r.warnings.push_back(
            "the migrated repository starts a new root chain (version 1) that the old root keys do "
            "not sign (they are not in this home): clients must pin its root ('tufkey pull " +
            request.gun + " --from DESTINATION --root 1.root.json')");
    Repository repo = state.repo();
    r.home_files.push_back(repo.metadata_dir().string() + "/ (" + tuf::to_string(plan.to) + " dialect)");
    r.home_files.push_back(repo.roots_dir().string() + "/" + std::to_string(r.root_version) + ".root.json");
    r.home_files.push_back(repo.config_file().string());
    r.home_files.push_back(detail::policy_path(repo).string());
    r.home_files.push_back(repo.transcript_file().string());
    // The role files the destination gets (publish adds the version- and hash-named copies).
    std::vector<std::string> roles{"root"};
    for (const auto& t : plan.tree) roles.push_back(t.source->name.str());
    for (const RoleName& role : {RoleName::snapshot(), RoleName::timestamp()}) {
        if (plan.top.at(role).kind != TopKeys::Kind::server) roles.push_back(role.str());
    }
    const std::string prefix = plan.server                  ? "upload "
                               : plan.to == Dialect::notary ? "v2/" + request.gun + "/_trust/tuf/"
                                                            : "";
    for (const auto& role : roles) r.destination_files.push_back(prefix + role + (plan.server ? "" : ".json"));
    return r;
}

}  // namespace tufkey::ceremony::detail::migration
