// `tufkey rotate GUN root`: see tufkey/ceremony/rotate.h and docs/rotation.md.
#include <chrono>
#include <set>

#include "key_generation_record.h"
#include "policy_document.h"
#include "repository_state.h"
#include "role_files.h"
#include "root_rotation.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/rotate.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/certificate.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony {
namespace {

using tuf::RoleName;

core::Error usage(const std::string& message) { return core::Error(core::ErrorCode::usage, message); }

// A root key of the current root.
struct CurrentKey final {
    tuf::KeyId id;
    tuf::Key key;
    std::string canonical;  // Notary's canonical ID of the bare public key (repository.json key_id)
};

std::vector<CurrentKey> current_root_keys(const tuf::Root& root) {
    std::vector<CurrentKey> out;
    for (const auto& id : root.root.keyids) {
        auto it = root.keys.find(id);
        if (it == root.keys.end() || !it->second.public_key()) continue;
        out.push_back({id, it->second, tuf::notary_canonical_key_id(*it->second.public_key())});
    }
    return out;
}

core::Result<CurrentKey> find_current(const std::vector<CurrentKey>& current, const std::string& prefix) {
    if (prefix.size() < 7)
        return usage("'" + prefix + "' is not a key ID or a pkcs11: URI: give at least 7 hex digits");
    for (const auto& k : current) {
        if (k.canonical.starts_with(prefix) || k.id.str().starts_with(prefix)) return k;
    }
    return usage("key " + prefix + " is not a root key of this repository (see 'tufkey status')");
}

// A new root key whose token is in another room, introduced by the certificate that
// `tufkey root certificate` made there (or, in the tuf dialect, by its PEM public key).
struct FileKey final {
    std::filesystem::path file;
    tuf::Key key;
    std::string canonical;
};

// Reads and checks --key FILE. A certificate must be self-signed by its key (so whoever made it
// holds the key), name the repository (CN = GUN), and be valid now and for at least a day.
core::Result<FileKey> read_file_key(tuf::Dialect dialect, const std::string& gun, const std::filesystem::path& file,
                                    tuf::Instant now) {
    const std::string name = "--key " + file.string();
    auto bytes = core::read_file(file, 64u << 10);
    if (!bytes) return usage(name + ": " + bytes.error().message);
    const std::string pem = core::to_string(*bytes);
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(dialect);
    const std::string make_one = "make one where the token is: 'tufkey root certificate " + gun + " --key URI -o FILE'";
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        if (profile.root_keys_are_certificates())
            return usage(name + " is not an X.509 certificate, and Notary's root keys are certificates: " + make_one);
        auto key = core::PublicKey::from_pem(pem);
        if (!key) return usage(name + " is neither a certificate nor a PEM public key: " + make_one);
        return FileKey{file, profile.metadata_key(*key), tuf::notary_canonical_key_id(*key)};
    }
    if (core::count_certificates_pem(pem) != 1)
        return usage(name + " holds " + std::to_string(core::count_certificates_pem(pem)) +
                     " certificates; give one root certificate per --key");
    auto info = core::parse_certificate_pem(pem);
    if (!info) return usage(name + ": " + info.error().message);
    if (auto self = core::verify_self_signed(pem); !self)
        return usage(name +
                     " is not signed by its own key, so it does not prove that its key holder made it: " + make_one);
    if (info->common_name != gun)
        return usage(name + " is made for '" + info->common_name + "', not for " + gun + ": " + make_one);
    if (info->is_ca) return usage(name + " is a CA certificate; a root key certificate is not: " + make_one);
    if (tuf::Instant(info->not_before) > now + std::chrono::minutes(5))
        return usage(name + " is not valid before " + tuf::Expiry::at_seconds(info->not_before).to_string() +
                     " (check this machine's clock)");
    if (tuf::Instant(info->not_after) < now + std::chrono::hours(24))
        return usage(name + " has expired or expires within a day: " + make_one);
    const std::string canonical = tuf::notary_canonical_key_id(info->public_key);
    if (profile.root_keys_are_certificates()) {
        auto key = tuf::Key::notary_x509(pem);
        if (!key) return usage(name + ": " + key.error().message);
        return FileKey{file, std::move(*key), canonical};
    }
    return FileKey{file, profile.metadata_key(info->public_key), canonical};
}

// Which root keys the new root lists: kept current keys, new token keys, and keys of tokens in
// other rooms (files).
struct Selection final {
    std::vector<CurrentKey> kept;
    std::vector<std::string> new_uris;
    std::vector<FileKey> files;

    [[nodiscard]] std::size_t count() const noexcept { return kept.size() + new_uris.size() + files.size(); }
};

core::Result<Selection> select_keys(tuf::Dialect dialect, const std::string& gun,
                                    const std::vector<CurrentKey>& current, const RootRotateRequest& request,
                                    tuf::Instant now) {
    Selection s;
    auto keep = [&](const CurrentKey& k) {
        for (const auto& have : s.kept)
            if (have.canonical == k.canonical) return;
        s.kept.push_back(k);
    };
    if (request.keys.empty()) {
        for (const auto& k : current) keep(k);
    }
    for (const auto& k : request.keys) {
        if (k.starts_with("pkcs11:")) {
            if (std::find(s.new_uris.begin(), s.new_uris.end(), k) != s.new_uris.end())
                return usage("--key " + k + " is given twice");
            s.new_uris.push_back(k);
            continue;
        }
        std::error_code ec;
        if (std::filesystem::is_regular_file(k, ec)) {
            TUFKEY_TRY(auto file, read_file_key(dialect, gun, k, now));
            for (const auto& c : current)
                if (c.canonical == file.canonical)
                    return usage("--key " + k + " is the current root key " + c.canonical.substr(0, 16) +
                                 "...: keep it by its ID instead");
            for (const auto& other : s.files)
                if (other.canonical == file.canonical)
                    return usage("--key " + k + " names the same key as --key " + other.file.string());
            s.files.push_back(std::move(file));
            continue;
        }
        TUFKEY_TRY(auto found, find_current(current, k));
        keep(found);
    }
    for (const auto& prefix : request.remove_keys) {
        TUFKEY_TRY(auto found, find_current(current, prefix));
        std::erase_if(s.kept, [&](const CurrentKey& k) { return k.canonical == found.canonical; });
    }
    if (s.count() == 0) return usage("the new root would have no root key: give --key URI");
    return s;
}

// The token keys of this room: current root keys (by canonical ID) and new ones (by URI).
struct Room final {
    std::map<std::string, TokenKey> current;  // canonical ID -> opened key
    std::vector<std::string> absent;          // URIs of current root keys whose token is not here
    std::vector<PreparedTokenKey> prepared;   // new keys, in --key order
    std::vector<TokenKey> added;              // the same, after finish_token_key
};

core::Result<Room> open_room(KeyAccess& access, const detail::RepositoryState& state,
                             const std::vector<CurrentKey>& current, const Selection& selection) {
    Room room;
    for (const auto& ref : state.config().root_keys) {
        bool is_current = false;
        for (const auto& k : current) is_current = is_current || k.canonical == ref.key_id;
        if (!is_current || room.current.contains(ref.key_id)) continue;
        if (!token_present(access, ref.uri)) {
            room.absent.push_back(ref.uri);
            continue;
        }
        TUFKEY_TRY(auto key, open_token_key(access, TokenKeyRequest{ref.uri, false, {}, true}));
        if (tuf::notary_canonical_key_id(key.signer->public_key()) != ref.key_id)
            return core::Error(core::ErrorCode::key, "the token key " + ref.uri + " is not the root key " + ref.key_id +
                                                         " that repository.json names");
        room.current.emplace(ref.key_id, std::move(key));
    }
    for (const auto& uri : selection.new_uris) {
        TUFKEY_TRY(auto prepared, prepare_token_key(access, TokenKeyRequest{uri, true, core::kDefaultKeyType, true}));
        room.prepared.push_back(std::move(prepared));
    }
    return room;
}

std::string list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

// Before any key is generated: can this room meet both thresholds? Without --stage it must.
core::Result<void> check_room_suffices(const std::string& gun, const tuf::Root& old_root, const Selection& selection,
                                       const Room& room, std::uint32_t threshold, bool stage) {
    std::size_t new_here = room.prepared.size();
    for (const auto& k : selection.kept) new_here += room.current.contains(k.canonical) ? 1 : 0;
    if (room.current.size() >= old_root.root.threshold && new_here >= threshold) return core::success();
    if (stage) return core::success();
    std::string missing = room.absent.empty() ? "" : " (not plugged in: " + list(room.absent) + ")";
    return core::Error(core::ErrorCode::token,
                       "rotating the root of " + gun + " needs " + std::to_string(old_root.root.threshold) +
                           " old and " + std::to_string(threshold) + " new root key signatures; the tokens here give " +
                           std::to_string(room.current.size()) + " and " + std::to_string(new_here) + missing +
                           ": plug in the missing tokens, or add --stage and collect the other signatures with "
                           "'tufkey bundle export' and 'tufkey root sign'");
}

tuf::Instant certificate_end(const tuf::Key& key) {
    auto info = core::parse_certificate_pem(*key.certificate_pem());
    return info ? tuf::Instant(info->not_after) : tuf::Instant::min();
}

struct NewRootKeys final {
    std::vector<tuf::Key> keys;            // in order: kept, then added, then files
    std::vector<tuf::SigningKey> signing;  // old and new metadata keys with the signers here
    std::vector<core::Signer*> signers;    // distinct token signers here (transcript head)
    tuf::Instant expires{};
    tuf::Dialect dialect = tuf::Dialect::tuf;
};

// Notary: the new root may not outlive the certificate of a root key that cannot be renewed here.
void cap_at_certificate(const tuf::Key& key, const std::string& canonical, const std::string& why, NewRootKeys& out,
                        std::vector<std::string>& warnings) {
    const tuf::Instant end = certificate_end(key);
    if (end >= out.expires) return;
    out.expires = end - std::chrono::seconds(1);
    warnings.push_back("the new root expires " +
                       detail::expiry_after(out.dialect, out.expires, Duration(0)).to_string() +
                       ", with the certificate of root key " + canonical.substr(0, 16) + "..., " + why);
}

core::Result<NewRootKeys> new_root_keys(const detail::RepositoryState& state, const std::vector<CurrentKey>& current,
                                        const Selection& selection, Room& room, tuf::Instant now,
                                        std::vector<std::string>& warnings) {
    const tuf::Dialect d = state.dialect();
    const bool certificates = tuf::DialectProfile::of(d).root_keys_are_certificates();
    const Duration lifetime = state.config().expires.for_role("root");
    NewRootKeys out;
    out.expires = now + lifetime;
    out.dialect = d;
    std::vector<std::pair<tuf::Key, core::Signer*>> listed;
    for (const auto& k : selection.kept) {
        auto here = room.current.find(k.canonical);
        core::Signer* signer = here == room.current.end() ? nullptr : here->second.signer.get();
        if (certificates && signer != nullptr) {
            TUFKEY_TRY(auto renewed, detail::root_metadata_key(d, state.repo().gun(), *signer, now, lifetime));
            listed.emplace_back(std::move(renewed), signer);
            continue;
        }
        if (certificates) {
            if (certificate_end(k.key) < now + std::chrono::hours(24))
                return core::Error(core::ErrorCode::token,
                                   "the certificate of root key " + k.canonical.substr(0, 16) +
                                       "... has expired or expires within a day, and its token is not here to make "
                                       "a new one: plug it in");
            cap_at_certificate(k.key, k.canonical, "whose token is not here; renew it where that token is", out,
                               warnings);
        }
        listed.emplace_back(k.key, signer);
    }
    for (auto& prepared : room.prepared) {
        TUFKEY_TRY(auto key, finish_token_key(std::move(prepared)));
        room.added.push_back(std::move(key));
    }
    room.prepared.clear();
    for (auto& key : room.added) {
        TUFKEY_TRY(auto metadata, detail::root_metadata_key(d, state.repo().gun(), *key.signer, now, lifetime));
        listed.emplace_back(std::move(metadata), key.signer.get());
    }
    for (const auto& file : selection.files) {
        if (certificates) cap_at_certificate(file.key, file.canonical, "its token is in another room", out, warnings);
        listed.emplace_back(file.key, nullptr);
    }
    for (const auto& [key, signer] : listed) out.keys.push_back(key);
    // Signing keys: first the old root keys here (the old threshold), then the new ones.
    std::set<std::string> ids;
    std::set<core::Signer*> signers;
    for (const auto& k : current) {
        auto here = room.current.find(k.canonical);
        if (here == room.current.end() || !ids.insert(k.id.str()).second) continue;
        out.signing.push_back(tuf::SigningKey{k.key, *here->second.signer});
        signers.insert(here->second.signer.get());
    }
    for (std::size_t i = 0; i < listed.size(); ++i) {
        core::Signer* signer = listed[i].second;
        if (signer == nullptr || !ids.insert(out.keys[i].id().str()).second) continue;
        out.signing.push_back(tuf::SigningKey{out.keys[i], *signer});
        signers.insert(signer);
    }
    out.signers.assign(signers.begin(), signers.end());
    return out;
}

tuf::Root next_root(const tuf::Root& old_root, const std::vector<tuf::Key>& keys, std::uint32_t threshold,
                    tuf::Expiry expires) {
    tuf::Root root = old_root;
    root.root.keyids.clear();
    for (const auto& key : keys) {
        root.root.keyids.push_back(key.id());
        root.keys.insert_or_assign(key.id(), key);
    }
    root.root.threshold = threshold;
    detail::drop_unused_keys(root);
    root.version = root.version.next();
    root.expires = std::move(expires);
    return root;
}

// repository.json root_keys after the rotation: the known token keys that the new root lists
// (or, while it is staged, that either root lists).
std::vector<TokenKeyRef> root_key_refs(const RepositoryConfig& config, const Room& room, const tuf::Root& old_root,
                                       const tuf::Root& new_root, bool staged) {
    std::set<std::string> listed;
    for (const auto* root : {&new_root, staged ? &old_root : nullptr}) {
        if (root == nullptr) continue;
        for (const auto& k : current_root_keys(*root)) listed.insert(k.canonical);
    }
    std::vector<TokenKeyRef> refs;
    std::set<std::string> seen;
    auto add = [&](TokenKeyRef ref) {
        if (listed.contains(ref.key_id) && seen.insert(ref.key_id).second) refs.push_back(std::move(ref));
    };
    for (const auto& ref : config.root_keys) add(ref);
    for (const auto& key : room.added)
        add({key.uri, key.token.label, key.token.serial, tuf::notary_canonical_key_id(key.signer->public_key())});
    return refs;
}

// `added`: the new root keys opened here; those generated now are recorded with the template
// profile their token accepted and the attributes read back (key_generation_record.h).
tuf::JsonObject transcript_fields(const detail::RootProposal& proposal, const std::vector<std::string>& change,
                                  const std::vector<TokenKey>& added) {
    tuf::JsonArray keys, lines, generated;
    for (const auto& k : current_root_keys(proposal.root)) keys.push_back(k.canonical);
    for (const auto& line : change) lines.push_back(line);
    for (const auto& k : added) {
        if (!k.generated || !k.key.generation) continue;
        generated.push_back(
            tuf::JsonObject{{"uri", k.uri}, {"key_generation", detail::key_generation_json(*k.key.generation)}});
    }
    tuf::JsonObject fields{{"version", static_cast<std::int64_t>(proposal.root.version.value())},
                           {"root_keys", std::move(keys)},
                           {"root_threshold", static_cast<std::int64_t>(proposal.root.root.threshold)},
                           {"expires", proposal.root.expires.to_string()},
                           {"change", std::move(lines)},
                           {"signed", proposal.tally.describe()}};
    if (!generated.empty()) fields["generated_root_keys"] = std::move(generated);
    return fields;
}

core::Result<RootRotateReport> rotate(KeyAccess& access, const RootRotateRequest& request,
                                      keystore::HomeTransaction& tx, detail::RepositoryState& state, Room& room,
                                      const Selection& selection, const std::vector<CurrentKey>& current,
                                      std::uint32_t threshold) {
    const tuf::Dialect d = state.dialect();
    const tuf::Root old_root = state.root();
    RootRotateReport report;
    report.gun = request.gun;
    const tuf::Instant now = std::chrono::system_clock::now();
    TUFKEY_TRY(auto keys, new_root_keys(state, current, selection, room, now, report.warnings));
    for (const auto& key : room.added)
        if (key.generated) report.generated.push_back(key.uri);
    tuf::Root root = next_root(old_root, keys.keys, threshold, detail::expiry_after(d, keys.expires, Duration(0)));
    report.version = static_cast<std::uint64_t>(root.version.value());
    report.change = detail::describe_root_change(old_root, root);
    access.show("The new root of " + request.gun + ":");
    for (const auto& line : report.change) access.show(line);
    TUFKEY_TRY(bool yes, access.confirm("Sign root version " + std::to_string(report.version) + " of " + request.gun +
                                        " with the changes above?"));
    if (!yes) return core::Error(core::ErrorCode::refused, "root rotation declined; nothing was changed");

    tuf::KeyMap known = root.keys;
    for (const auto& k : current) known.insert_or_assign(k.id, k.key);
    TUFKEY_TRY(auto root_json, tuf::encode_root(d, root));
    TUFKEY_TRY(auto bytes, detail::sign_role(d, std::move(root_json), keys.signing, known));
    TUFKEY_TRY(auto proposal, detail::read_root_proposal(d, old_root, std::move(bytes), "the new root"));
    report.old_signed = proposal.tally.old_signed;
    report.old_threshold = proposal.tally.old_threshold;
    report.new_signed = proposal.tally.new_signed;
    report.new_threshold = proposal.tally.new_threshold;
    const Repository& repo = state.repo();
    RepositoryConfig config = state.config();
    Transcript transcript(repo.transcript_file(), repo.gun());
    if (proposal.tally.complete()) {
        detail::Keyring keyring(access);
        TUFKEY_TRY(auto updates, detail::promote_root(state, keyring, tx, proposal, "rotate-root",
                                                      transcript_fields(proposal, report.change, room.added), now));
        for (const auto& u : updates) report.versions[u.role] = u.version;
        config.root_keys = root_key_refs(config, room, old_root, proposal.root, false);
        // The expiry policy must be signed by the new root keys, or pulls would refuse it.
        TUFKEY_TRY(auto policy, detail::resign_policy_for_root(repo, config, proposal.root, keys.signing));
        TUFKEY_TRY_VOID(detail::store_policy(repo, tx, policy, "rotate-root"));
        tx.remove(detail::staged_policy_path(repo));  // of a rotation this one replaces
    } else {
        if (!request.stage)  // check_room_suffices made sure of this; never publish a half-signed root
            return core::Error(core::ErrorCode::token, "the new root is signed by " + proposal.tally.describe());
        report.staged = true;
        report.staged_file = repo.staged_root_file();
        tx.write(report.staged_file, proposal.bytes, 0644);
        // The policy travels with it, signed by the new root keys as they sign the root.
        TUFKEY_TRY(auto policy, detail::sign_next_policy(repo, config, proposal.root, keys.signing));
        tx.write(detail::staged_policy_path(repo), std::move(policy), 0644);
        TUFKEY_TRY_VOID(
            transcript.append(tx, "rotate-root-staged", transcript_fields(proposal, report.change, room.added)));
        config.root_keys = root_key_refs(config, room, old_root, proposal.root, true);
    }
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    if (!keys.signers.empty()) TUFKEY_TRY_VOID(transcript.sign_head(tx, keys.signers));
    TUFKEY_TRY_VOID(tx.commit());
    return report;
}

}  // namespace

core::Result<RootRotateReport> rotate_root(KeyAccess& access, const RootRotateRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey rotate " + request.gun + " root"));
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, request.gun, true));
    TUFKEY_TRY(auto staged, detail::load_staged_root(state));
    if (staged && !request.discard_staged)
        return core::Error(core::ErrorCode::refused,
                           "a rotation to root version " + std::to_string(staged->root.version.value()) + " of " +
                               request.gun + " is staged (signed by " + staged->tally.describe() +
                               "): finish it by importing the bundle that carries the other signatures "
                               "('tufkey bundle import FILE'), or replace it with --discard-staged");
    const auto current = current_root_keys(state.root());
    TUFKEY_TRY(auto selection,
               select_keys(state.dialect(), request.gun, current, request, std::chrono::system_clock::now()));
    const std::size_t count = selection.count();
    const std::uint32_t threshold = request.threshold != 0 ? request.threshold : state.root().root.threshold;
    if (threshold < 1 || threshold > count)
        return usage("the new root would have " + std::to_string(count) + " root key(s) and threshold " +
                     std::to_string(threshold) + ": give --root-threshold between 1 and " + std::to_string(count));
    if (state.config().root_keys.empty() && !request.stage)
        return core::Error(core::ErrorCode::key, "this home holds no root key of " + request.gun +
                                                     " (it was pulled, not made here): rotate the root where its "
                                                     "tokens are, or add --stage to start a rotation signed in "
                                                     "several rooms");
    // Tokens first: a missing token or a wrong PIN costs nothing else.
    TUFKEY_TRY(auto room, open_room(access, state, current, selection));
    TUFKEY_TRY_VOID(check_room_suffices(request.gun, state.root(), selection, room, threshold, request.stage));
    auto report = rotate(access, request, tx, state, room, selection, current, threshold);
    if (report || room.added.empty()) return report;
    core::Error error = report.error();
    std::vector<std::string> generated;
    for (const auto& key : room.added)
        if (key.generated) generated.push_back(key.uri);
    if (!generated.empty())
        error.message += "; nothing was written, but these root keys were generated on tokens: " + list(generated) +
                         " (reuse them with --key, or delete them on the token)";
    return error;
}

}  // namespace tufkey::ceremony
