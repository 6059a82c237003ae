// The typed metadata model shared by both dialects: Root, Targets (with Delegations),
// Snapshot, Timestamp and the file entries they list. Plain values; the codecs (codec.h) turn
// them into a dialect's JSON and back, and verify.h checks them.
//
// Every object keeps the members the model does not know in `extra`, so a document decodes
// and re-encodes to the same canonical bytes (TUF 1.0 requires keeping unknown fields; for
// Notary they are kept too, though Notary itself would drop them when it re-signs).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tufkey/core/bytes.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/key_id.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::tuf {

// The spec_version tufkey writes into new tuf-dialect documents.
inline constexpr const char* kTufSpecVersion = "1.0.31";

// Algorithm name ("sha256", "sha512", …) → digest bytes. Written as base64 (notary) or hex (tuf).
using Hashes = std::map<std::string, core::Bytes, std::less<>>;
// Key ID (as listed) → key.
using KeyMap = std::map<KeyId, Key>;

// Fields every role's `signed` carries besides `_type`.
struct SignedCommon {
    Version version;
    Expiry expires;
    std::string spec_version = kTufSpecVersion;  // tuf only; notary documents have none
    JsonObject extra;                            // unknown members of `signed`
};

// A top-level role's entry in root.json `roles`.
struct RoleKeys final {
    std::vector<KeyId> keyids;
    std::uint32_t threshold = 1;
    JsonObject extra;
};

struct Root final : SignedCommon {
    std::optional<bool> consistent_snapshot = false;  // tuf: absent when nullopt; notary: always written (false)
    KeyMap keys;
    RoleKeys root;
    RoleKeys targets;
    RoleKeys snapshot;
    RoleKeys timestamp;

    // The entry of a top-level role; nullptr for a delegated name.
    [[nodiscard]] const RoleKeys* role_keys(const RoleName& role) const noexcept;
    [[nodiscard]] RoleKeys* role_keys(const RoleName& role) noexcept;
};

// An entry of targets `targets`.
struct TargetFile final {
    std::uint64_t length = 0;
    Hashes hashes;
    std::optional<Json> custom;
    JsonObject extra;
};

// An entry of snapshot/timestamp `meta`. notary: length + hashes (sha256 and sha512), no
// version; tuf: version, optional length and hashes.
struct MetaFile final {
    std::optional<Version> version;
    std::optional<std::uint64_t> length;
    Hashes hashes;
    std::optional<Json> custom;
    JsonObject extra;
};

// Which target paths a delegated role is trusted for.
struct PathPatterns final {
    // notary: prefixes ("" = every path); tuf: shell-style globs ("*" and "?" do not cross "/").
    std::vector<std::string> patterns;
};
struct PathHashPrefixes final {
    // tuf only: lowercase hex prefixes of sha256(target path).
    std::vector<std::string> prefixes;
};

struct DelegatedRole final {
    RoleName name = RoleName::targets();  // always a delegated name once decoded
    std::vector<KeyId> keyids;
    std::uint32_t threshold = 1;
    std::variant<PathPatterns, PathHashPrefixes> paths;
    bool terminating = false;  // tuf only
    JsonObject extra;
};

struct Delegations final {
    KeyMap keys;
    std::vector<DelegatedRole> roles;  // in priority order
    JsonObject extra;                  // e.g. TAP 15 succinct_roles, kept but not interpreted

    [[nodiscard]] const DelegatedRole* find(const RoleName& name) const noexcept;
};

struct Targets final : SignedCommon {
    std::map<std::string, TargetFile, std::less<>> targets;  // target path → file
    // notary: always written, `{"keys":{},"roles":[]}` when empty; tuf: absent when nullopt.
    std::optional<Delegations> delegations;
};

// notary keys: role names ("root", "targets", "targets/releases"); tuf: file names
// ("targets.json", "role1.json").
using MetaMap = std::map<std::string, MetaFile, std::less<>>;

struct Snapshot final : SignedCommon {
    MetaMap meta;
};

struct Timestamp final : SignedCommon {
    MetaMap meta;  // notary: "snapshot"; tuf: "snapshot.json"
};

}  // namespace tufkey::tuf
