// Internal: re-expressing targets-type metadata in the other dialect for `tufkey migrate`
// (migrate.h). Pure functions over the tuf/ model: no I/O, no keys.
//
// What carries over unchanged: target paths, lengths, hashes and custom data; delegated role
// names (both dialects name signers targets/NAME, delegated by the name before the last '/');
// the keys (re-listed in the destination dialect's form: a Notary x509 key becomes its bare
// public key in TUF, so its TUF key ID is derived from the plain key); thresholds.
// What must be translated, and is refused (ErrorCode::usage naming the role and the reason)
// where the destination cannot say it:
//   notary -> tuf   a path prefix P becomes the glob P*; TUF's '*' does not cross '/', so every
//                   target the role (and each role below it) signs must match the glob, else the
//                   prefix is refused; a prefix holding a glob character (*?[]) is refused.
//   tuf -> notary   '*' becomes the empty prefix (every path) and P* (P without glob
//                   characters) the prefix P; other globs, hashed bins (path_hash_prefixes) and
//                   terminating delegations have no Notary form and are refused.
#pragma once

#include <string>

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/model.h"

namespace tufkey::ceremony::detail {

// `key` as the `to` dialect lists a non-root key (x509 keys lose their certificate). A key type
// tufkey cannot parse is ErrorCode::usage naming `where`.
core::Result<tuf::Key> convert_key(tuf::Dialect to, const tuf::Key& key, const std::string& where);

// The role's metadata in the `to` dialect (version and expiry copied; the caller sets them).
core::Result<tuf::Targets> convert_targets(tuf::Dialect from, tuf::Dialect to, const tuf::RoleName& role,
                                           const tuf::Targets& in);

// Checks that the converted delegation entry `entry` still covers every target path of the
// role's own file (`targets`). ErrorCode::usage naming the first path it loses.
core::Result<void> check_paths_kept(tuf::Dialect to, const tuf::DelegatedRole& entry, const tuf::Targets& targets);

}  // namespace tufkey::ceremony::detail
