#include "tufkey/tuf/verify.h"

#include <set>
#include <string>

#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/scheme.h"

namespace tufkey::tuf {
namespace {

core::Error trust(core::TrustReason reason, const std::string& context, const std::string& problem) {
    return core::Error(reason, context + ": " + problem);
}

core::Result<void> check_unique_keyids(const std::string& context, const Envelope& envelope) {
    std::set<std::string, std::less<>> seen;
    for (const Signature& signature : envelope.signatures) {
        if (!seen.insert(signature.keyid).second) {
            return trust(core::TrustReason::malformed, context,
                         "signature key ID " + signature.keyid + " appears more than once");
        }
    }
    return core::success();
}

// The authorised keys by ID, each checked to be present and listed under its own ID.
core::Result<std::map<KeyId, const Key*>> authorised_keys(const std::string& context, const KeyMap& keys,
                                                          const std::vector<KeyId>& keyids) {
    std::map<KeyId, const Key*> out;
    for (const KeyId& id : keyids) {
        auto it = keys.find(id);
        if (it == keys.end())
            return trust(core::TrustReason::unknown_key, context,
                         "authorised key ID " + id.str() + " is not among the keys");
        const KeyId computed = it->second.id();
        if (computed != id) {
            return trust(core::TrustReason::unknown_key, context,
                         "key ID " + id.str() + " does not match its key (computed " + computed.str() + ")");
        }
        out.emplace(id, &it->second);
    }
    return out;
}

core::Result<SignatureReport> check_signatures(Dialect dialect, const std::string& context, const Envelope& envelope,
                                               const KeyMap& keys, const std::vector<KeyId>& keyids,
                                               std::uint32_t threshold) {
    TUFKEY_TRY_VOID(check_unique_keyids(context, envelope));
    TUFKEY_TRY(auto authorised, authorised_keys(context, keys, keyids));
    const std::string message = envelope.signing_bytes();
    SignatureReport report;
    report.threshold = threshold;
    std::set<core::PublicKey> distinct;
    for (const Signature& signature : envelope.signatures) {
        auto id = KeyId::parse(signature.keyid);
        if (!id) continue;
        auto it = authorised.find(*id);
        if (it == authorised.end() || !signature_verifies(dialect, *it->second, signature, message)) continue;
        report.valid_key_ids.push_back(*id);
        distinct.insert(*it->second->public_key());
    }
    report.distinct_keys = distinct.size();
    if (report.distinct_keys < threshold) {
        return trust(core::TrustReason::threshold, context,
                     "valid signatures did not meet threshold (" + std::to_string(report.distinct_keys) + " of " +
                         std::to_string(threshold) + " distinct keys)");
    }
    return report;
}

}  // namespace

bool signature_verifies(Dialect dialect, const Key& key, const Signature& signature, std::string_view message) {
    if (key.dialect() != dialect) return false;
    auto scheme = verification_scheme(key, signature.method);
    if (!scheme) return false;
    auto value = decode_signature_value(dialect, signature);
    if (!value || value->empty()) return false;
    return key.public_key()->verify(*scheme, core::as_bytes(message), *value).ok();
}

core::Result<SignatureReport> verify_signatures(Dialect dialect, const RoleName& role, const Envelope& envelope,
                                                const KeyMap& keys, const std::vector<KeyId>& keyids,
                                                std::uint32_t threshold) {
    return check_signatures(dialect, role.str(), envelope, keys, keyids, threshold);
}

core::Result<SignatureReport> verify_top_level(Dialect dialect, const Root& trusted_root, const RoleName& role,
                                               const Envelope& envelope) {
    const RoleKeys* role_keys = trusted_root.role_keys(role);
    if (role_keys == nullptr) return trust(core::TrustReason::malformed, role.str(), "is not a top-level role");
    TUFKEY_TRY_VOID(check_type(dialect, role, envelope.signed_part));
    return check_signatures(dialect, role.str(), envelope, trusted_root.keys, role_keys->keyids, role_keys->threshold);
}

core::Result<SignatureReport> verify_delegated(Dialect dialect, const Delegations& parent, const RoleName& role,
                                               const Envelope& envelope) {
    const DelegatedRole* delegation = parent.find(role);
    if (delegation == nullptr)
        return trust(core::TrustReason::delegation, role.str(), "is not delegated by its parent");
    TUFKEY_TRY_VOID(check_type(dialect, role, envelope.signed_part));
    return check_signatures(dialect, role.str(), envelope, parent.keys, delegation->keyids, delegation->threshold);
}

core::Result<Root> verify_root_update(Dialect dialect, const Root& trusted_root, const Envelope& envelope) {
    TUFKEY_TRY_VOID(check_type(dialect, RoleName::root(), envelope.signed_part));
    TUFKEY_TRY_VOID(check_signatures(dialect, "root (trusted root keys)", envelope, trusted_root.keys,
                                     trusted_root.root.keyids, trusted_root.root.threshold));
    TUFKEY_TRY(Root candidate, decode_root(dialect, envelope.signed_part));
    TUFKEY_TRY_VOID(check_signatures(dialect, "root (new root keys)", envelope, candidate.keys, candidate.root.keyids,
                                     candidate.root.threshold));
    return candidate;
}

core::Result<void> check_key_ids(const RoleName& context, const KeyMap& keys) {
    for (const auto& [listed, key] : keys) {
        const KeyId computed = key.id();
        if (computed != listed) {
            return trust(core::TrustReason::unknown_key, context.str(),
                         "key ID " + listed.str() + " does not match its key (computed " + computed.str() + ")");
        }
    }
    return core::success();
}

namespace {

core::Result<void> check_one_delegation(Dialect dialect, const RoleName& owner, const Delegations& delegations,
                                        const DelegatedRole& role) {
    auto valid = RoleName::delegated(dialect, role.name.str());
    if (!valid) return trust(core::TrustReason::delegation, owner.str(), valid.error().message);
    const std::string& name = role.name.str();
    if (dialect == Dialect::notary && name.substr(0, name.rfind('/')) != owner.str()) {
        return trust(core::TrustReason::delegation, owner.str(),
                     "may delegate only to its direct children, not to " + name);
    }
    if (role.threshold < 1) return trust(core::TrustReason::delegation, owner.str(), name + " has threshold 0");
    for (const KeyId& id : role.keyids) {
        if (!delegations.keys.contains(id)) {
            return trust(core::TrustReason::delegation, owner.str(),
                         name + " lists key ID " + id.str() + ", which is not among the keys");
        }
    }
    if (const auto* prefixes = std::get_if<PathHashPrefixes>(&role.paths)) {
        if (dialect == Dialect::notary)
            return trust(core::TrustReason::delegation, owner.str(), name + ": notary has no path_hash_prefixes");
        for (const std::string& prefix : prefixes->prefixes) {
            for (char c : prefix) {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                    return trust(core::TrustReason::delegation, owner.str(),
                                 name + ": path hash prefix \"" + prefix + "\" is not lowercase hex");
                }
            }
        }
    }
    return core::success();
}

}  // namespace

core::Result<void> check_delegations(Dialect dialect, const RoleName& owner, const Delegations& delegations) {
    if (owner.kind() != RoleKind::targets && owner.kind() != RoleKind::delegated) {
        return trust(core::TrustReason::delegation, owner.str(), "only targets roles can delegate");
    }
    TUFKEY_TRY_VOID(check_key_ids(owner, delegations.keys));
    std::set<std::string, std::less<>> names;
    for (const DelegatedRole& role : delegations.roles) {
        if (!names.insert(role.name.str()).second) {
            return trust(core::TrustReason::delegation, owner.str(),
                         "delegates to " + role.name.str() + " more than once");
        }
        TUFKEY_TRY_VOID(check_one_delegation(dialect, owner, delegations, role));
    }
    return core::success();
}

}  // namespace tufkey::tuf
