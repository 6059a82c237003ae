// Internal helpers shared by the ceremonies: building meta entries from file bytes, and
// signing a role into its file bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tufkey/ceremony/duration.h"
#include "tufkey/core/result.h"
#include "tufkey/core/signer.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::ceremony::detail {

// The entry that snapshot (or timestamp) lists for a file: notary length + sha256 + sha512 of
// the bytes (no version); tuf version + length + sha256.
tuf::MetaFile meta_for_file(tuf::Dialect dialect, std::string_view bytes, std::uint64_t version);

// The name a role has in snapshot/timestamp meta: notary "targets/releases"; tuf "releases.json".
std::string meta_name(tuf::Dialect dialect, const tuf::RoleName& role);

// `now + lifetime` in the dialect's precision.
tuf::Expiry expiry_after(tuf::Dialect dialect, tuf::Instant now, Duration lifetime);

// Signs `signed_part` with `keys` (keeping still-valid signatures of `known` keys found in
// `previous`, if given) and returns the file bytes.
core::Result<std::string> sign_role(tuf::Dialect dialect, tuf::Json signed_part, std::span<const tuf::SigningKey> keys,
                                    const tuf::KeyMap& known, const tuf::Envelope* previous = nullptr);

// The metadata key object for a key that signs a non-root role.
tuf::Key metadata_key(tuf::Dialect dialect, const core::PublicKey& key);

// The metadata key of a root key held by `signer`: in the notary dialect a self-signed
// certificate (CN = `gun`, as Notary makes it) valid from `now` for `lifetime` and one second,
// so it outlives the root.json it signs; in the tuf dialect the bare key. An Ed25519 key in the
// notary dialect is ErrorCode::usage.
core::Result<tuf::Key> root_metadata_key(tuf::Dialect dialect, const std::string& gun, core::Signer& signer,
                                         tuf::Instant now, Duration lifetime);

}  // namespace tufkey::ceremony::detail
