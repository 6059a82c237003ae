// The dialect codecs: a role's `signed` JSON ⇄ the typed model (model.h).
//
// decode_*() check structure the way the dialect's own clients do on load and refuse anything
// else with ErrorCode::trust naming the role and the problem: `_type` must match exactly
// ("Root" notary, "root" tuf), version >= 1, thresholds >= 1, root roles list only keys that
// are present, top-level and delegated role names valid for the dialect, hashes decodable
// (base64 notary, hex tuf), notary target names free of control characters, tuf spec_version
// "1.0" or "1.0.x". Key IDs as listed are kept; verify.h checks them against the keys.
//
// encode_*() write the dialect's form. encode(decode(x)) == x for every document tufkey
// accepts, so canonical_json of it equals the bytes that were signed. Encoding can fail only on
// what the dialect cannot express (notary: control characters in a target name, tuf-only
// fields such as path_hash_prefixes) with ErrorCode::usage.
#pragma once

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf {

core::Result<Root> decode_root(Dialect dialect, const Json& signed_part);
core::Result<Targets> decode_targets(Dialect dialect, const Json& signed_part);
core::Result<Snapshot> decode_snapshot(Dialect dialect, const Json& signed_part);
core::Result<Timestamp> decode_timestamp(Dialect dialect, const Json& signed_part);

core::Result<Json> encode_root(Dialect dialect, const Root& root);
core::Result<Json> encode_targets(Dialect dialect, const Targets& targets);
core::Result<Json> encode_snapshot(Dialect dialect, const Snapshot& snapshot);
core::Result<Json> encode_timestamp(Dialect dialect, const Timestamp& timestamp);

// The `_type` of a signed part, checked against `role` (delegated roles are Targets).
core::Result<void> check_type(Dialect dialect, const RoleName& role, const Json& signed_part);

// A new expiry in the dialect's usual precision: notary nanoseconds (RFC3339Nano, like Notary),
// tuf whole seconds (python-tuf parses only "YYYY-MM-DDTHH:MM:SSZ").
Expiry new_expiry(Dialect dialect, Instant when);

// Refuses a target path that `dialect` cannot publish (notary: control characters U+0000-U+001F;
// both: empty). ErrorCode::usage.
core::Result<void> check_target_path(Dialect dialect, std::string_view path);

}  // namespace tufkey::tuf
