#include "root_rotation.h"

#include <set>

#include "metadata_set.h"
#include "role_files.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::KeyId;
using tuf::RoleName;

constexpr std::size_t kMaxRootSize = tuf::kDefaultRootLength;  // tuf/limits.h

core::Error refused(std::string_view source, const std::string& problem) {
    return core::Error(core::TrustReason::malformed, std::string(source) + " refused: " + problem);
}

// The root key of `root` that key ID `id` names, if `root` lists it for the root role.
const tuf::Key* root_key(const tuf::Root& root, const KeyId& id) {
    if (std::find(root.root.keyids.begin(), root.root.keyids.end(), id) == root.root.keyids.end()) return nullptr;
    auto it = root.keys.find(id);
    return it == root.keys.end() ? nullptr : &it->second;
}

std::size_t distinct_signed(tuf::Dialect dialect, const tuf::Envelope& envelope, const tuf::Root& keys_from) {
    auto report = tuf::verify_signatures(dialect, RoleName::root(), envelope, keys_from.keys, keys_from.root.keyids, 0);
    return report ? report->distinct_keys : 0;
}

std::string short_id(const std::string& id) { return id.substr(0, 16); }

// canonical ID -> metadata key ID of the keys `keys` lists.
std::map<std::string, std::string> by_canonical(const tuf::Root& root, const tuf::RoleKeys& keys) {
    std::map<std::string, std::string> out;
    for (const auto& id : keys.keyids) {
        auto it = root.keys.find(id);
        out[it == root.keys.end() ? id.str() : it->second.canonical_id().str()] = id.str();
    }
    return out;
}

void describe_role(std::vector<std::string>& lines, const std::string& role, const tuf::Root& before,
                   const tuf::RoleKeys& old_keys, const tuf::Root& after, const tuf::RoleKeys& new_keys) {
    const auto old_ids = by_canonical(before, old_keys);
    const auto new_ids = by_canonical(after, new_keys);
    for (const auto& [canonical, id] : new_ids) {
        auto it = old_ids.find(canonical);
        if (it == old_ids.end())
            lines.push_back("+ " + role + " key " + canonical);
        else if (it->second != id)
            lines.push_back("~ " + role + " key " + canonical + ": new certificate (key ID " + short_id(it->second) +
                            "... -> " + short_id(id) + "...)");
    }
    for (const auto& [canonical, id] : old_ids) {
        if (!new_ids.contains(canonical)) lines.push_back("- " + role + " key " + canonical);
    }
    if (old_keys.threshold != new_keys.threshold)
        lines.push_back("  " + role + " threshold " + std::to_string(old_keys.threshold) + " -> " +
                        std::to_string(new_keys.threshold));
}

}  // namespace

std::string RootTally::describe() const {
    return std::to_string(old_signed) + " of " + std::to_string(old_threshold) + " old root keys, " +
           std::to_string(new_signed) + " of " + std::to_string(new_threshold) + " new root keys";
}

core::Result<RootProposal> read_root_proposal(tuf::Dialect dialect, const tuf::Root& trusted, std::string bytes,
                                              std::string_view source) {
    auto envelope = tuf::parse_envelope(dialect, bytes, "root");
    if (!envelope) return refused(source, envelope.error().message);
    auto root = tuf::decode_root(dialect, envelope->signed_part);
    if (!root) return refused(source, root.error().message);
    if (root->version != trusted.version.next())
        return refused(source, "it is root version " + std::to_string(root->version.value()) +
                                   ", not the successor of the trusted version " +
                                   std::to_string(trusted.version.value()));
    if (auto ids = tuf::check_key_ids(RoleName::root(), root->keys); !ids) return refused(source, ids.error().message);
    const std::string message = envelope->signing_bytes();
    for (const auto& signature : envelope->signatures) {
        auto id = KeyId::parse(signature.keyid);
        const tuf::Key* key = nullptr;
        if (id) key = root_key(*root, *id);
        if (id && key == nullptr) key = root_key(trusted, *id);
        if (key == nullptr)
            return refused(
                source, "it carries a signature by key " + signature.keyid + ", which is not a root key of version " +
                            std::to_string(trusted.version.value()) + " or " + std::to_string(root->version.value()));
        if (!tuf::signature_verifies(dialect, *key, signature, message))
            return refused(source, "the signature by key " + signature.keyid +
                                       " does not verify over this root (its body was changed after signing)");
    }
    RootProposal out;
    out.tally = RootTally{distinct_signed(dialect, *envelope, trusted), trusted.root.threshold,
                          distinct_signed(dialect, *envelope, *root), root->root.threshold};
    out.bytes = std::move(bytes);
    out.envelope = std::move(*envelope);
    out.root = std::move(*root);
    return out;
}

core::Result<RootProposal> add_root_signatures(tuf::Dialect dialect, const tuf::Root& trusted,
                                               const RootProposal& proposal, std::span<const tuf::SigningKey> keys) {
    tuf::KeyMap known = proposal.root.keys;
    for (const auto& id : trusted.root.keyids) {
        if (auto it = trusted.keys.find(id); it != trusted.keys.end()) known.insert(*it);
    }
    TUFKEY_TRY(auto bytes, sign_role(dialect, proposal.envelope.signed_part, keys, known, &proposal.envelope));
    return read_root_proposal(dialect, trusted, std::move(bytes), "the new root");
}

core::Result<RootProposal> merge_root_proposals(tuf::Dialect dialect, const tuf::Root& trusted,
                                                const RootProposal& into, const RootProposal& from,
                                                std::string_view source) {
    if (into.envelope.signing_bytes() != from.envelope.signing_bytes())
        return refused(source, "its staged root " + std::to_string(from.root.version.value()) +
                                   " has another body than the one staged here: a root proposal may not change "
                                   "while it collects signatures (start over with 'tufkey rotate GUN root "
                                   "--discard-staged')");
    tuf::Envelope merged = into.envelope;
    std::set<std::string> have;
    for (const auto& s : merged.signatures) have.insert(s.keyid);
    for (const auto& s : from.envelope.signatures) {
        if (have.insert(s.keyid).second) merged.signatures.push_back(s);
    }
    TUFKEY_TRY(auto bytes, tuf::serialize_envelope(dialect, merged));
    return read_root_proposal(dialect, trusted, std::move(bytes), source);
}

std::vector<std::string> describe_root_change(const tuf::Root& trusted, const tuf::Root& proposed) {
    std::vector<std::string> lines;
    lines.push_back("root version " + std::to_string(trusted.version.value()) + " -> " +
                    std::to_string(proposed.version.value()));
    lines.push_back("expires " + trusted.expires.to_string() + " -> " + proposed.expires.to_string());
    describe_role(lines, "root", trusted, trusted.root, proposed, proposed.root);
    for (const auto& role : {RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()})
        describe_role(lines, role.str(), trusted, *trusted.role_keys(role), proposed, *proposed.role_keys(role));
    return lines;
}

void drop_unused_keys(tuf::Root& root) {
    std::set<std::string> used;
    for (const auto* keys : {&root.root, &root.targets, &root.snapshot, &root.timestamp}) {
        for (const auto& id : keys->keyids) used.insert(id.str());
    }
    for (auto it = root.keys.begin(); it != root.keys.end();) {
        it = used.contains(it->first.str()) ? std::next(it) : root.keys.erase(it);
    }
}

core::Result<std::optional<RootProposal>> load_staged_root(const RepositoryState& state) {
    const auto file = state.repo().staged_root_file();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::optional<RootProposal>();
    TUFKEY_TRY(auto raw, core::read_file(file, kMaxRootSize));
    std::string bytes = core::to_string(raw);
    // A proposal for a version the home already has (the rotation finished elsewhere and came
    // in by pull or import) is obsolete: no longer staged.
    auto version = file_version(state.dialect(), RoleName::root(), bytes);
    if (version && *version <= static_cast<std::uint64_t>(state.root().version.value()))
        return std::optional<RootProposal>();
    TUFKEY_TRY(auto proposal,
               read_root_proposal(state.dialect(), state.root(), std::move(bytes), "the staged root " + file.string()));
    return std::optional<RootProposal>(std::move(proposal));
}

core::Result<std::vector<RoleUpdate>> promote_root(RepositoryState& state, Keyring& keyring,
                                                   keystore::HomeTransaction& tx, const RootProposal& proposal,
                                                   std::string_view step, tuf::JsonObject fields, tuf::Instant now) {
    if (!proposal.tally.complete())
        return core::Error(core::TrustReason::threshold, "the new root is signed by " + proposal.tally.describe() +
                                                             ": both thresholds must be met before it is used");
    TUFKEY_TRY_VOID(state.replace_root(proposal.bytes));
    std::vector<RoleUpdate> changed;
    changed.push_back(RoleUpdate{RoleName::root(), proposal.bytes, proposal.root.version});
    TUFKEY_TRY(auto updates, resign_snapshot_timestamp(state, keyring, std::move(changed), {}, now));
    const Repository& repo = state.repo();
    repo.keep_root_version(tx, static_cast<std::uint64_t>(proposal.root.version.value()), proposal.bytes);
    tx.remove(repo.staged_root_file());
    TUFKEY_TRY_VOID(write_updates(state, tx, updates, step, std::move(fields)));
    return updates;
}

}  // namespace tufkey::ceremony::detail
