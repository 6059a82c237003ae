#include "tufkey/tuf/dialect_profile.h"

#include "tufkey/core/digest.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/notary_root.h"

namespace tufkey::tuf {

const DialectProfile& DialectProfile::of(Dialect dialect) noexcept {
    static const DialectProfile notary(Dialect::notary);
    static const DialectProfile tuf(Dialect::tuf);
    return dialect == Dialect::notary ? notary : tuf;
}

core::Result<const DialectProfile*> DialectProfile::detect(std::string_view root_bytes) {
    TUFKEY_TRY(Dialect dialect, detect_dialect(root_bytes));
    return &of(dialect);
}

std::vector<const DialectProfile*> DialectProfile::all() { return {&of(Dialect::notary), &of(Dialect::tuf)}; }

std::string DialectProfile::file_name(const RoleName& role) const {
    return (m_notary || !role.is_delegated() ? role.str() : role.quoted()) + ".json";
}

std::string DialectProfile::url_name(const RoleName& role, std::optional<Version> version) const {
    std::string name = version ? std::to_string(version->value()) + "." : std::string();
    return name + (m_notary ? role.str() : role.quoted()) + ".json";
}

std::string DialectProfile::metadata_base(std::string_view source, std::string_view gun) const {
    if (!m_notary) return std::string(source);
    return std::string(source) + "/v2/" + std::string(gun) + "/_trust/tuf";
}

std::string DialectProfile::meta_key(const RoleName& role) const {
    return m_notary ? role.str() : role.str() + ".json";
}

std::optional<RoleName> DialectProfile::role_of_meta_key(std::string_view key) const {
    if (!m_notary) {
        if (!key.ends_with(".json")) return std::nullopt;
        key.remove_suffix(5);
    }
    auto role = RoleName::parse(m_dialect, key);
    if (!role || role->kind() == RoleKind::root) return std::nullopt;
    return *role;
}

MetaFile DialectProfile::meta_for_file(std::string_view bytes, Version version) const {
    MetaFile meta;
    meta.length = bytes.size();
    meta.hashes["sha256"] = core::sha256(core::as_bytes(bytes));
    if (m_notary) {
        meta.hashes["sha512"] = core::sha512(core::as_bytes(bytes));
    } else {
        meta.version = version;
    }
    return meta;
}

Key DialectProfile::metadata_key(const core::PublicKey& key) const {
    return m_notary ? Key::notary(key) : Key::tuf(key);
}

Expiry DialectProfile::expiry(Instant when) const { return new_expiry(m_dialect, when); }

std::vector<RoleName> DialectProfile::baseline_roles() const {
    // Notary snapshot and timestamp meta carry no versions, and a client does not re-hash files
    // it persisted itself, so a stale saved snapshot would pass as current: there only the
    // timestamp is the baseline (its version still guards against rollback).
    if (m_notary) return {RoleName::timestamp()};
    return {RoleName::timestamp(), RoleName::snapshot(), RoleName::targets()};
}

bool DialectProfile::is_release_role(const RoleName& role) const {
    return role.str() == "targets/releases" || (!m_notary && role.str() == "releases");
}

std::optional<RoleName> DialectProfile::preferred_tag_role() const {
    if (!m_notary) return std::nullopt;
    auto releases = RoleName::delegated(m_dialect, "targets/releases");
    if (!releases) return std::nullopt;
    return *releases;
}

}  // namespace tufkey::tuf
