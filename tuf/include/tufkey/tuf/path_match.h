// Which targets a delegated role may sign for.
//
//   notary  `paths` are prefixes (strings.HasPrefix); "" matches every path.
//   tuf     `paths` are shell-style globs: `*` matches any run of characters except "/", `?` one
//           character except "/", `[...]`/`[!...]` a class; case-sensitive; the whole path must
//           match. `path_hash_prefixes` match when hex(sha256(path)) starts with one of them.
#pragma once

#include <string_view>

#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf {

bool notary_prefix_matches(std::string_view prefix, std::string_view target_path);
bool glob_matches(std::string_view pattern, std::string_view target_path);
bool hash_prefix_matches(std::string_view hex_prefix, std::string_view target_path);

// Whether `role` is trusted for `target_path` in `dialect` (any pattern or prefix matching).
bool role_covers_path(Dialect dialect, const DelegatedRole& role, std::string_view target_path);
// The same with `path_hash` = path_hash_hex(target_path) computed once by the caller (a search
// over many roles); empty: computed here when needed.
bool role_covers_path(Dialect dialect, const DelegatedRole& role, std::string_view target_path,
                      std::string_view path_hash);

}  // namespace tufkey::tuf
