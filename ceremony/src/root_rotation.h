// Internal: a new root version on its way from the ceremony that proposes it to the moment it
// replaces the trusted root (`rotate GUN root`, `root sign`, `bundle import`).
//
// A root proposal is the file bytes of root version N+1: its body fixed by the ceremony that
// made it, its signatures collected in one room or several. It may replace root N only when it
// carries a threshold of root N's root keys (the old threshold) AND a threshold of its own root
// keys (the new threshold), as every client checks (TUF 1.0 §5.3.4, Notary's ValidateRoot).
// Until then it is staged in the home as tufkey/<GUN>/staged-root.json and nothing publishes it.
//
// Every signature a proposal carries must be a valid signature by a root key of N or of N+1:
// a signature by any other key, or over another body, is refused, never silently dropped, so a
// bundle carried between rooms cannot smuggle in a change.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "repository_state.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/home_transaction.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::ceremony::detail {

// How far a proposal is signed: distinct root keys of the trusted root (old) and of the
// proposal itself (new) with a valid signature.
struct RootTally final {
    std::size_t old_signed = 0;
    std::uint32_t old_threshold = 1;
    std::size_t new_signed = 0;
    std::uint32_t new_threshold = 1;

    [[nodiscard]] bool complete() const noexcept { return old_signed >= old_threshold && new_signed >= new_threshold; }
    // "2 of 2 old root keys, 1 of 3 new root keys"
    [[nodiscard]] std::string describe() const;
};

struct RootProposal final {
    std::string bytes;  // the file as it stands
    tuf::Envelope envelope;
    tuf::Root root;
    RootTally tally;
};

// Parses and checks `bytes` as the successor of `trusted`: version trusted + 1, the same
// `_type`, and every signature valid by a root key of `trusted` or of the proposal.
// ErrorCode::trust naming `source` and the problem.
core::Result<RootProposal> read_root_proposal(tuf::Dialect dialect, const tuf::Root& trusted, std::string bytes,
                                              std::string_view source);

// Adds signatures by `keys` (each a root key of `trusted` or of the proposal) to `proposal`,
// keeping every signature it had. Returns the re-read proposal.
core::Result<RootProposal> add_root_signatures(tuf::Dialect dialect, const tuf::Root& trusted,
                                               const RootProposal& proposal, std::span<const tuf::SigningKey> keys);

// The union of the signatures of two copies of one proposal (de-duplicated by key ID; a key ID
// both carry keeps `into`'s signature). A different body is refused (ErrorCode::trust).
core::Result<RootProposal> merge_root_proposals(tuf::Dialect dialect, const tuf::Root& trusted,
                                                const RootProposal& into, const RootProposal& from,
                                                std::string_view source);

// What a proposal changes, one line each, for a person to read before signing: version,
// expiry, root keys added and removed (canonical IDs), thresholds, other roles' keys.
std::vector<std::string> describe_root_change(const tuf::Root& trusted, const tuf::Root& proposed);

// Removes from `root.keys` the keys no role lists any more.
void drop_unused_keys(tuf::Root& root);

// The staged proposal of `repo`, if any (read_root_proposal against `trusted`).
core::Result<std::optional<RootProposal>> load_staged_root(const RepositoryState& state);

// Makes a complete proposal the repository's root: replaces it in `state`, re-signs snapshot
// and timestamp with the home's keys (`keyring`), stages root N+1 in roots/, the metadata, the
// removal of staged-root.json and the transcript step `step` with `fields` in `tx`. Returns
// the updates staged.
core::Result<std::vector<RoleUpdate>> promote_root(RepositoryState& state, Keyring& keyring,
                                                   keystore::HomeTransaction& tx, const RootProposal& proposal,
                                                   std::string_view step, tuf::JsonObject fields, tuf::Instant now);

}  // namespace tufkey::ceremony::detail
