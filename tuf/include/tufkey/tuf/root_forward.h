// Trusted roots only move forward. One rule for every place a person offers a root that is to
// be trusted where another root is trusted already: `pull --root`, `bundle import --root`
// (the home's root of the GUN is trusted) and `client init` (the metadata directory's
// root.json is trusted).
//
//   candidate older than the trusted root        refused (a rollback)
//   same version, another signed body            refused (a fork)
//   same version, same signed body               accepted: nothing changes
//   newer                                        accepted only once the chain from the trusted
//                                                root reaches it: the caller walks the chain
//                                                from the TRUSTED root (never from the
//                                                candidate) and then calls check_pin_reached()
//
// Refusals are ErrorCode::refused naming both versions and how to start over on purpose
// (`start_over`, e.g. "use a new home (--home DIR)"). Pure: bytes in, verdicts out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"

namespace tufkey::tuf {

struct RootPin final {
    std::int64_t trusted_version = 0;
    std::int64_t candidate_version = 0;
    std::string candidate_body;  // canonical JSON of the candidate's signed part

    [[nodiscard]] bool same() const noexcept { return trusted_version == candidate_version; }
};

// Compares `candidate` with `trusted` (both root file bytes of `dialect`; each must verify under
// its own root keys). `what` names the trusted side for messages ("this home's root of GUN").
core::Result<RootPin> compare_root_pin(Dialect dialect, std::string_view trusted, std::string_view candidate,
                                       std::string_view what, std::string_view start_over);

// After the chain was walked from the trusted root: `chain` (version -> file bytes of every
// root version now trusted) must hold the candidate's version with the candidate's signed
// body, else the candidate is not reachable from the trusted root (ErrorCode::refused).
core::Result<void> check_pin_reached(Dialect dialect, const RootPin& pin,
                                     const std::map<std::uint64_t, std::string>& chain, std::string_view what,
                                     std::string_view start_over);

// For a trusted root kept alone (a client metadata directory, which holds no chain): the
// candidate must be the same root, or the next version verified by the trusted root's
// threshold and its own (TUF 1.0 §5.3.4-5.3.5). Returns whether the candidate is newer.
// A candidate more than one version ahead cannot be checked here: refused, naming `refresh`.
core::Result<bool> check_root_successor(Dialect dialect, std::string_view trusted, std::string_view candidate,
                                        Instant now, std::string_view what, std::string_view start_over);

}  // namespace tufkey::tuf
