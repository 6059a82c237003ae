// Internal: plain words for a pinned root that does not fit (`pull --root`, `bundle import
// --root`). A pin of the other dialect is named as such before anything is fetched or verified
// (instead of "timestamp.json: not found" or `_type is "root", expected "Root"`), and when
// verification from a pin fails, the pinned root's keys are compared with the root keys of the
// root the repository serves (instead of "threshold (0 of 1)"). Key IDs are canonical, as
// `key list`, `status` and the ceremony transcript show them.
#pragma once

#include <string>
#include <string_view>

#include "tufkey/core/result.h"

namespace tufkey::ceremony::detail {

// `pin` (from the file `pin_name`) must be of the dialect of `served` (the current root of the
// repository `gun` at `where`, a source or a bundle): else ErrorCode::trust (dialect_mismatch)
// naming both dialects. Roots that cannot be read are left to the verification.
core::Result<void> check_pin_dialect(std::string_view pin, std::string_view pin_name, std::string_view served,
                                     std::string_view where, std::string_view gun);

// After verification from the pin failed with `failure`: when the pinned root holds none of the
// root keys of `served`, an error of the same code comparing the two (version and root key IDs)
// and naming the next step; otherwise `failure` as it was.
core::Error explain_pin_failure(core::Error failure, std::string_view pin, std::string_view pin_name,
                                std::string_view served, std::string_view where, std::string_view gun);

}  // namespace tufkey::ceremony::detail
