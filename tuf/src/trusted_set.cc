#include "tufkey/tuf/trusted_set.h"

#include <set>

#include "tufkey/core/digest.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::tuf {
namespace {

core::Error trust(core::TrustReason reason, const std::string& context, const std::string& problem) {
    return core::Error(reason, context + ": " + problem);
}

core::Error out_of_order(const std::string& problem) {
    return core::Error(core::ErrorCode::internal, "trusted set: " + problem);
}

std::optional<core::HashAlgorithm> hash_algorithm(std::string_view name) {
    if (name == "sha256") return core::HashAlgorithm::sha256;
    if (name == "sha384") return core::HashAlgorithm::sha384;
    if (name == "sha512") return core::HashAlgorithm::sha512;
    return std::nullopt;
}

core::Result<void> check_hashes(const std::string& context, const Hashes& hashes, std::string_view bytes) {
    for (const auto& [name, expected] : hashes) {
        const auto algorithm = hash_algorithm(name);
        if (!algorithm)
            return trust(core::TrustReason::unsupported, context,
                         "hash algorithm " + name + " is not supported; refusing the file");
        if (core::digest(*algorithm, core::as_bytes(bytes)) != expected) {
            return trust(core::TrustReason::hash_mismatch, context,
                         name + " hash does not match (mix-and-match or tampered file)");
        }
    }
    return core::success();
}

core::Result<Envelope> parse(Dialect dialect, const RoleName& role, std::string_view bytes) {
    return parse_envelope(dialect, bytes, role.str());
}

}  // namespace

std::string meta_key(Dialect dialect, const RoleName& role) { return DialectProfile::of(dialect).meta_key(role); }

bool role_keys_rotated(const Root& before, const Root& after, const RoleName& role) {
    const RoleKeys* a = before.role_keys(role);
    const RoleKeys* b = after.role_keys(role);
    if (a == nullptr || b == nullptr) return false;
    const std::set<KeyId> ka(a->keyids.begin(), a->keyids.end());
    const std::set<KeyId> kb(b->keyids.begin(), b->keyids.end());
    return ka != kb || a->threshold != b->threshold;
}

core::Result<void> check_meta_file(const std::string& context, const MetaFile& meta, std::string_view bytes) {
    if (meta.length && *meta.length != bytes.size()) {
        return trust(core::TrustReason::length_mismatch, context,
                     "length " + std::to_string(bytes.size()) + " differs from the listed " +
                         std::to_string(*meta.length) + " (mix-and-match or tampered file)");
    }
    return check_hashes(context, meta.hashes, bytes);
}

core::Result<void> check_target_file(const std::string& context, const TargetFile& target, std::string_view bytes) {
    if (target.length != bytes.size()) {
        return trust(
            core::TrustReason::length_mismatch, context,
            "length " + std::to_string(bytes.size()) + " differs from the listed " + std::to_string(target.length));
    }
    if (target.hashes.empty())
        return trust(core::TrustReason::malformed, context, "the target lists no hashes; refusing it");
    return check_hashes(context, target.hashes, bytes);
}

core::Result<TrustedSet> TrustedSet::create(Dialect dialect, std::string_view root_bytes, Instant reference_time) {
    const RoleName role = RoleName::root();
    TUFKEY_TRY(Envelope envelope, parse(dialect, role, root_bytes));
    TUFKEY_TRY(Root root, decode_root(dialect, envelope.signed_part));
    TUFKEY_TRY_VOID(verify_top_level(dialect, root, role, envelope));
    return TrustedSet(dialect, std::move(root), reference_time);
}

core::Result<void> TrustedSet::update_root(std::string_view bytes) {
    if (m_timestamp) return out_of_order("root cannot change once a timestamp is trusted");
    const RoleName role = RoleName::root();
    TUFKEY_TRY(Envelope envelope, parse(m_dialect, role, bytes));
    TUFKEY_TRY(Root candidate, verify_root_update(m_dialect, m_root, envelope));
    if (DialectProfile::of(m_dialect).root_versions_consecutive()) {
        TUFKEY_TRY_VOID(check_version_equal(role, candidate.version, m_root.version.next()));
    } else {
        TUFKEY_TRY_VOID(check_version_greater(role, candidate.version, m_root.version));
    }
    m_root = std::move(candidate);
    return core::success();
}

core::Result<void> TrustedSet::check_final_root() const {
    return check_not_expired(RoleName::root(), m_root.expires, m_reference);
}

core::Result<TimestampUpdate> TrustedSet::update_timestamp(std::string_view bytes) {
    if (m_snapshot) return out_of_order("timestamp cannot change once a snapshot is trusted");
    TUFKEY_TRY_VOID(check_final_root());
    const RoleName role = RoleName::timestamp();
    TUFKEY_TRY(Envelope envelope, parse(m_dialect, role, bytes));
    TUFKEY_TRY(Timestamp candidate, decode_timestamp(m_dialect, envelope.signed_part));
    TUFKEY_TRY_VOID(verify_top_level(m_dialect, m_root, role, envelope));
    const std::string key = meta_key(m_dialect, RoleName::snapshot());
    auto listed = candidate.meta.find(key);
    if (listed == candidate.meta.end())
        return trust(core::TrustReason::not_listed, role.str(), "meta does not list " + key);
    if (m_timestamp) {
        TUFKEY_TRY_VOID(check_version_not_lower(role, candidate.version, m_timestamp->version));
        if (candidate.version == m_timestamp->version) return TimestampUpdate::unchanged;
        const MetaFile* old_meta = snapshot_meta();
        if (old_meta != nullptr && old_meta->version && listed->second.version) {
            TUFKEY_TRY_VOID(check_version_not_lower(RoleName::snapshot(), *listed->second.version, *old_meta->version));
        }
    }
    m_timestamp = std::move(candidate);
    TUFKEY_TRY_VOID(check_final_timestamp());
    return TimestampUpdate::updated;
}

core::Result<void> TrustedSet::check_final_timestamp() const {
    if (!m_timestamp) return trust(core::TrustReason::missing, "timestamp", "no trusted timestamp");
    return check_not_expired(RoleName::timestamp(), m_timestamp->expires, m_reference);
}

const MetaFile* TrustedSet::snapshot_meta() const {
    if (!m_timestamp) return nullptr;
    auto it = m_timestamp->meta.find(meta_key(m_dialect, RoleName::snapshot()));
    return it == m_timestamp->meta.end() ? nullptr : &it->second;
}

const MetaFile* TrustedSet::role_meta(const RoleName& role) const {
    if (!m_snapshot) return nullptr;
    auto it = m_snapshot->meta.find(meta_key(m_dialect, role));
    return it == m_snapshot->meta.end() ? nullptr : &it->second;
}

const Targets* TrustedSet::targets(const RoleName& role) const {
    auto it = m_targets.find(role);
    return it == m_targets.end() ? nullptr : &it->second;
}

core::Result<void> TrustedSet::check_snapshot_rollback(const Snapshot& candidate) const {
    if (!m_snapshot) return core::success();
    for (const auto& [name, old_file] : m_snapshot->meta) {
        auto it = candidate.meta.find(name);
        if (it == candidate.meta.end())
            return trust(core::TrustReason::rollback, "snapshot", "no longer lists " + name + " (rollback)");
        if (old_file.version && it->second.version && *it->second.version < *old_file.version) {
            return trust(core::TrustReason::rollback, "snapshot",
                         "lists " + name + " version " + std::to_string(it->second.version->value()) +
                             ", lower than the trusted " + std::to_string(old_file.version->value()) + " (rollback)");
        }
    }
    return core::success();
}

core::Result<void> TrustedSet::update_snapshot(std::string_view bytes, bool from_local) {
    if (!m_timestamp) return out_of_order("snapshot needs a trusted timestamp");
    if (!m_targets.empty()) return out_of_order("snapshot cannot change once targets are trusted");
    TUFKEY_TRY_VOID(check_final_timestamp());
    const RoleName role = RoleName::snapshot();
    const MetaFile* listed = snapshot_meta();
    if (listed == nullptr) return trust(core::TrustReason::not_listed, "timestamp", "lists no snapshot");
    // A saved copy skips the hash check only where the version check below can tell a stale
    // copy from the current one; Notary's meta carries no version, so there the hash decides.
    if (!from_local || !listed->version) TUFKEY_TRY_VOID(check_meta_file(role.str(), *listed, bytes));
    TUFKEY_TRY(Envelope envelope, parse(m_dialect, role, bytes));
    TUFKEY_TRY(Snapshot candidate, decode_snapshot(m_dialect, envelope.signed_part));
    TUFKEY_TRY_VOID(verify_top_level(m_dialect, m_root, role, envelope));
    TUFKEY_TRY_VOID(check_snapshot_rollback(candidate));
    m_snapshot = std::move(candidate);
    return check_final_snapshot();
}

core::Result<void> TrustedSet::check_final_snapshot() const {
    if (!m_snapshot) return trust(core::TrustReason::missing, "snapshot", "no trusted snapshot");
    TUFKEY_TRY_VOID(check_not_expired(RoleName::snapshot(), m_snapshot->expires, m_reference));
    const MetaFile* listed = snapshot_meta();
    if (listed != nullptr && listed->version) {
        TUFKEY_TRY_VOID(check_version_equal(RoleName::snapshot(), m_snapshot->version, *listed->version));
    }
    return core::success();
}

core::Result<void> TrustedSet::update_targets(std::string_view bytes, const RoleName& role, const RoleName& delegator) {
    if (!m_snapshot) return out_of_order("targets need a trusted snapshot");
    TUFKEY_TRY_VOID(check_final_snapshot());
    const bool top_level = role == RoleName::targets();
    const Targets* parent = top_level ? nullptr : targets(delegator);
    if (!top_level && (parent == nullptr || !parent->delegations)) {
        return out_of_order(role.str() + " needs its trusted delegator " + delegator.str());
    }
    const MetaFile* listed = role_meta(role);
    if (listed == nullptr)
        return trust(core::TrustReason::not_listed, role.str(), "not listed in the trusted snapshot; refusing it");
    TUFKEY_TRY_VOID(check_meta_file(role.str(), *listed, bytes));
    TUFKEY_TRY(Envelope envelope, parse(m_dialect, role, bytes));
    TUFKEY_TRY(Targets candidate, decode_targets(m_dialect, envelope.signed_part));
    if (top_level) {
        TUFKEY_TRY_VOID(verify_top_level(m_dialect, m_root, role, envelope));
    } else {
        TUFKEY_TRY_VOID(verify_delegated(m_dialect, *parent->delegations, role, envelope));
    }
    if (listed->version) TUFKEY_TRY_VOID(check_version_equal(role, candidate.version, *listed->version));
    TUFKEY_TRY_VOID(check_not_expired(role, candidate.expires, m_reference));
    if (candidate.delegations) TUFKEY_TRY_VOID(check_delegations(m_dialect, role, *candidate.delegations));
    m_targets.insert_or_assign(role, std::move(candidate));
    return core::success();
}

}  // namespace tufkey::tuf
