// Internal: the expiry policy as a signed document, the one place that signs, verifies, reads
// and stores it (init, policy, publish, pull, bundle export/import all come here).
//
// The document is an envelope in the repository's dialect, like its metadata (envelope.h:
// notary Go-style bytes with `method`, tuf canonical bytes), around
//   {"_type":"tufkey-policy","expires":{ROLE:DURATION,...},"gun":GUN,"version":N,
//    "warn":{ROLE:DURATION,...}}
// ROLE is root, targets (also every delegation), snapshot or timestamp, each present in both
// maps; DURATION is the form of repository.json ("1d", "90d", "10y"). Unknown members, and
// unknown roles inside the maps, are ignored on read (a later tufkey may add some).
// It is signed by a threshold of the CURRENT root's root keys, under the key IDs root.json
// lists (notary: the certificate IDs), over tuf::canonical_json of `signed`; its `_type` keeps
// those signatures apart from metadata signatures by the same keys.
//
// Where it lives:
//   home         <home>/tufkey/<GUN>/policy.json (exact bytes), applied to repository.json
//                `expires` and `warn`, which every ceremony reads;
//   destination  <metadata base>/tufkey-policy.json, beside timestamp.json (notary
//                v2/<GUN>/_trust/tuf/, tuf the directory itself), docs/publishing.md;
//   bundle       the optional member "policy" (docs/bundle.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tufkey/ceremony/duration.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/home_transaction.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::ceremony::detail {

inline constexpr std::string_view kPolicyType = "tufkey-policy";
// The file name at a destination's metadata base.
inline constexpr std::string_view kPolicyFileName = "tufkey-policy.json";
inline constexpr std::size_t kMaxPolicySize = 64u << 10;

struct ExpiryPolicy final {
    std::string gun;
    std::uint64_t version = 1;
    RolePolicy expires = RolePolicy::default_expiry();
    RolePolicy warn = RolePolicy::default_warning();
};

// A policy whose signatures verified against a root.
struct VerifiedPolicy final {
    ExpiryPolicy policy;
    std::string bytes;            // the document exactly as signed and stored
    std::size_t signatures = 0;   // distinct root keys whose signature verified
    std::uint32_t threshold = 1;  // the root's threshold
};

// The document's content, NOT verified (for showing a policy whose signatures fail).
// ErrorCode::trust (TrustReason::malformed or wrong_type) when it is not a policy document.
core::Result<ExpiryPolicy> decode_policy(tuf::Dialect dialect, std::string_view bytes);

// Signs `policy` with `root_keys` (the root's signing keys, as detail::RootSigners holds them):
// the document's bytes.
core::Result<std::string> sign_policy(tuf::Dialect dialect, const ExpiryPolicy& policy,
                                      std::span<const tuf::SigningKey> root_keys, const tuf::KeyMap& known);

// Checks the document against `root` (a threshold of its root keys) and that it names `gun`.
// Failures are ErrorCode::trust with the reason of the failed rule.
core::Result<VerifiedPolicy> verify_policy(tuf::Dialect dialect, std::string_view bytes, const tuf::Root& root,
                                           std::string_view gun);
// The same against the bytes of a root.json.
core::Result<VerifiedPolicy> verify_policy(tuf::Dialect dialect, std::string_view bytes, std::string_view root_bytes,
                                           std::string_view gun);

// <home>/tufkey/<GUN>/policy.json.
std::filesystem::path policy_path(const Repository& repo);
// Its bytes, or nullopt in a home made before policies were signed, or pulled from a publisher
// that does not publish one.
core::Result<std::optional<std::string>> read_home_policy(const Repository& repo);

// A policy coming in with a pull or a bundle: verified against `root_bytes` (the root the
// incoming set ends up trusting, after the chain update), naming the repository's GUN, and not
// older than the home's own policy (a lower version is TrustReason::rollback; the same version
// with other content is TrustReason::version_mismatch). nullopt: the home already holds exactly
// this policy, nothing to store.
core::Result<std::optional<VerifiedPolicy>> check_incoming_policy(const Repository& repo, tuf::Dialect dialect,
                                                                  std::string_view bytes, std::string_view root_bytes);

// Stages policy.json, applies the policy to repository.json as `tx` holds it (call it after
// everything else that stages repository.json), and appends a "policy" transcript step saying
// how it came (`via`: "init", "policy", "pull", "bundle-import").
core::Result<void> store_policy(const Repository& repo, keystore::HomeTransaction& tx, const VerifiedPolicy& verified,
                                std::string_view via);

// The policy in effect (repository.json `expires`/`warn`), signed again as the home's version + 1
// (1 when it holds none) by those of `keys` that `new_root` lists as root keys: for a root
// rotation whose new root threshold is met in one room, so that the policy keeps verifying.
core::Result<VerifiedPolicy> resign_policy_for_root(const Repository& repo, const RepositoryConfig& config,
                                                    const tuf::Root& new_root, std::span<const tuf::SigningKey> keys);

// The policy a root rotation staged across rooms brings (ceremony/src/root_rotation.h): the next
// version, signed by the new root's keys as they sign the staged root, room by room. It lives
// beside the staged root as tufkey/<GUN>/staged-policy.json and travels in bundles as the member
// "staged_policy"; when the staged root is promoted and the policy meets the new root's
// threshold, it becomes the repository's policy (else the old one stays, and publish says so).
std::filesystem::path staged_policy_path(const Repository& repo);

// The policy in effect (repository.json `expires`/`warn`) as the home's version + 1, signed by
// those of `keys` that `new_root` lists as root keys (possibly none: a document with no
// signature yet). No threshold is required.
core::Result<std::string> sign_next_policy(const Repository& repo, const RepositoryConfig& config,
                                           const tuf::Root& new_root, std::span<const tuf::SigningKey> keys);

// Checks a staged policy against the staged root `new_root`: a policy naming `gun`, every
// signature valid and by a root key of `new_root` (a signature by any other key, or over another
// body, is refused, never dropped: ErrorCode::trust naming `source`).
core::Result<void> check_staged_policy(tuf::Dialect dialect, std::string_view bytes, const tuf::Root& new_root,
                                       std::string_view gun, std::string_view source);

// Adds signatures by those of `keys` that `new_root` lists as root keys (nothing when none is).
core::Result<std::string> add_policy_signatures(tuf::Dialect dialect, std::string_view bytes, const tuf::Root& new_root,
                                                std::span<const tuf::SigningKey> keys);

// The union of the signatures of two copies of one staged policy (by key ID; `into`'s kept). A
// different body is refused (ErrorCode::trust naming `source`).
core::Result<std::string> merge_policy_signatures(tuf::Dialect dialect, std::string_view into, std::string_view from,
                                                  std::string_view source);

// The transcript fields that record an applied policy (version, sha256, lifetimes), for a step
// that records it itself (store_policy with an empty `via`).
tuf::JsonObject policy_fields(const VerifiedPolicy& verified);

// The warning for a root lifetime shorter than one year, or nullopt.
std::optional<std::string> short_root_lifetime_warning(const RolePolicy& expires);

}  // namespace tufkey::ceremony::detail
