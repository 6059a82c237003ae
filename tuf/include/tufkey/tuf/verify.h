// Verification of signed metadata: pure functions; the reference time is passed in.
//
// Rules (each failure is one ErrorCode::trust line "<role>: <problem>"):
//   - signatures are checked over canonical_json(parsed signed part), never a slice of the file;
//   - duplicate signature key IDs in one envelope are refused;
//   - every key the role authorises must be in the key map and its listed ID must equal the ID
//     computed from its content (Key::id());
//   - the threshold counts DISTINCT PUBLIC KEYS (equal DER SPKI), not key IDs: one key listed
//     under two IDs (e.g. as ecdsa and as ecdsa-x509) counts once;
//   - signatures by keys the role does not authorise, and invalid, malformed or empty
//     signatures, are skipped: they do not count, and do not break a threshold met by others;
//   - `_type` must match the role exactly.
// Version rules are in version.h and expiry checks in expiry.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf {

// What a successful signature check found.
struct SignatureReport final {
    std::vector<KeyId> valid_key_ids;  // authorised key IDs whose signature verified, file order
    std::size_t distinct_keys = 0;     // distinct public keys among them (what the threshold counts)
    std::uint32_t threshold = 1;
};

// Whether one signature by `key` is valid over `message` (the signing bytes). Any defect
// (unknown method, malformed or empty value, wrong key type) is simply false.
bool signature_verifies(Dialect dialect, const Key& key, const Signature& signature, std::string_view message);

// The signatures of `envelope` against the role's authorised `keyids` (looked up in `keys`)
// and `threshold`.
core::Result<SignatureReport> verify_signatures(Dialect dialect, const RoleName& role, const Envelope& envelope,
                                                const KeyMap& keys, const std::vector<KeyId>& keyids,
                                                std::uint32_t threshold);

// A top-level role (root, targets, snapshot, timestamp) against a trusted root: `_type`, then
// the root's keys and threshold for that role.
core::Result<SignatureReport> verify_top_level(Dialect dialect, const Root& trusted_root, const RoleName& role,
                                               const Envelope& envelope);

// A delegated role against the delegations of its trusted parent: `_type` Targets, then the
// delegation's keys and threshold. A role the parent does not delegate to is refused.
core::Result<SignatureReport> verify_delegated(Dialect dialect, const Delegations& parent, const RoleName& role,
                                               const Envelope& envelope);

// A new root against the trusted one: `_type`, then a threshold of the TRUSTED root's root
// keys and a threshold of the NEW root's own root keys. Returns the decoded new root. Version
// (notary: greater; tuf: exactly trusted + 1) and expiry are the caller's next checks.
core::Result<Root> verify_root_update(Dialect dialect, const Root& trusted_root, const Envelope& envelope);

// Every key in `keys` is listed under the ID computed from its content.
core::Result<void> check_key_ids(const RoleName& context, const KeyMap& keys);

// The delegations a targets file of role `owner` may make: unique delegated names valid for the
// dialect, notary roles direct children of `owner` (path.Dir(name) == owner), every listed key
// ID present in `keys`, thresholds >= 1, tuf hash prefixes lowercase hex.
core::Result<void> check_delegations(Dialect dialect, const RoleName& owner, const Delegations& delegations);

}  // namespace tufkey::tuf
