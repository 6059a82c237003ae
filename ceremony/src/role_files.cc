#include "role_files.h"

#include "tufkey/core/certificate.h"
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

core::Result<tuf::Key> root_metadata_key(tuf::Dialect dialect, const std::string& gun, core::Signer& signer,
                                         tuf::Instant now, Duration lifetime) {
    const tuf::DialectProfile& profile = tuf::DialectProfile::of(dialect);
    if (!profile.root_keys_are_certificates()) return profile.metadata_key(signer.public_key());
    if (signer.public_key().algorithm() == core::KeyAlgorithm::ed25519)
        return core::Error(core::ErrorCode::usage,
                           "Notary needs X.509 root certificates, which tufkey makes only for "
                           "ECDSA or RSA keys; this key is Ed25519 (use --dialect tuf)");
    auto not_before = std::chrono::time_point_cast<std::chrono::seconds>(now);
    auto not_after = not_before + lifetime + std::chrono::seconds(1);
    TUFKEY_TRY(auto pem, core::make_self_signed_certificate(signer, gun, not_before, not_after));
    return tuf::Key::notary_x509(std::move(pem));
}

}  // namespace tufkey::ceremony::detail
