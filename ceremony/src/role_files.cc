#include "role_files.h"

#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"

namespace tufkey::ceremony::detail {

tuf::MetaFile meta_for_file(tuf::Dialect dialect, std::string_view bytes, std::uint64_t version) {
    const auto v = tuf::Version::create(static_cast<std::int64_t>(version));
    return tuf::DialectProfile::of(dialect).meta_for_file(bytes, v ? *v : tuf::Version());
}

std::string meta_name(tuf::Dialect dialect, const tuf::RoleName& role) {
    return tuf::DialectProfile::of(dialect).meta_key(role);
}

tuf::Expiry expiry_after(tuf::Dialect dialect, tuf::Instant now, Duration lifetime) {
    return tuf::DialectProfile::of(dialect).expiry(now + lifetime);
}

core::Result<std::string> sign_role(tuf::Dialect dialect, tuf::Json signed_part, std::span<const tuf::SigningKey> keys,
                                    const tuf::KeyMap& known, const tuf::Envelope* previous) {
    tuf::Envelope envelope = tuf::make_envelope(std::move(signed_part));
    if (previous != nullptr) envelope.signatures = previous->signatures;
    TUFKEY_TRY_VOID(tuf::sign_envelope(dialect, envelope, keys, known));
    return tuf::serialize_envelope(dialect, envelope);
}

tuf::Key metadata_key(tuf::Dialect dialect, const core::PublicKey& key) {
    return tuf::DialectProfile::of(dialect).metadata_key(key);
}

}  // namespace tufkey::ceremony::detail
