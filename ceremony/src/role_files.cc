#include "role_files.h"

#include "tufkey/core/digest.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"

namespace tufkey::ceremony::detail {

tuf::MetaFile meta_for_file(tuf::Dialect dialect, std::string_view bytes, std::uint64_t version) {
    tuf::MetaFile meta;
    meta.length = bytes.size();
    meta.hashes["sha256"] = core::sha256(core::as_bytes(bytes));
    if (dialect == tuf::Dialect::notary) {
        meta.hashes["sha512"] = core::sha512(core::as_bytes(bytes));
    } else {
        meta.version = *tuf::Version::create(static_cast<std::int64_t>(version));
    }
    return meta;
}

std::string meta_name(tuf::Dialect dialect, const tuf::RoleName& role) {
    return dialect == tuf::Dialect::notary ? role.str() : role.str() + ".json";
}

tuf::Expiry expiry_after(tuf::Dialect dialect, tuf::Instant now, Duration lifetime) {
    return tuf::new_expiry(dialect, now + lifetime);
}

core::Result<std::string> sign_role(tuf::Dialect dialect, tuf::Json signed_part, std::span<const tuf::SigningKey> keys,
                                    const tuf::KeyMap& known, const tuf::Envelope* previous) {
    tuf::Envelope envelope = tuf::make_envelope(std::move(signed_part));
    if (previous != nullptr) envelope.signatures = previous->signatures;
    TUFKEY_TRY_VOID(tuf::sign_envelope(dialect, envelope, keys, known));
    return tuf::serialize_envelope(dialect, envelope);
}

tuf::Key metadata_key(tuf::Dialect dialect, const core::PublicKey& key) {
    return dialect == tuf::Dialect::notary ? tuf::Key::notary(key) : tuf::Key::tuf(key);
}

}  // namespace tufkey::ceremony::detail
