// RoleName: a closed type for role names. A value is one of the four top-level roles or a
// delegated targets role whose name passed the dialect's rules:
//   notary  ^[-a-z0-9_/]+$, starts with "targets/", shorter than 256 characters and equal to
//           its path.Clean form (no "//", no trailing "/"); e.g. "targets/releases".
//   tuf     any non-empty string that is not a top-level role name. Such names may contain
//           "/", "..", "%" or anything else: never use str() as a path; use quoted().
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"

namespace tufkey::tuf {

enum class RoleKind { root, targets, snapshot, timestamp, delegated };

// The longest name new_delegated() accepts: its tuf file name, "V." + quoted() + ".json", then
// fits in one 255-byte file-name component even when every byte is percent-encoded.
inline constexpr std::size_t kMaxNewRoleName = 70;

class RoleName final {
public:
    static RoleName root() { return RoleName(RoleKind::root, "root"); }
    static RoleName targets() { return RoleName(RoleKind::targets, "targets"); }
    static RoleName snapshot() { return RoleName(RoleKind::snapshot, "snapshot"); }
    static RoleName timestamp() { return RoleName(RoleKind::timestamp, "timestamp"); }

    // A top-level name, or else a delegated name valid in `dialect`. Errors are ErrorCode::usage.
    static core::Result<RoleName> parse(Dialect dialect, std::string_view name);
    // Only a delegated name; a top-level name is refused (it is reserved).
    static core::Result<RoleName> delegated(Dialect dialect, std::string_view name);
    // A name for a NEW delegated role (`delegation add`, `signer add`): delegated()'s rules plus
    // what keeps every reader's file layout safe whatever the dialect: no empty, "." or ".."
    // segment (so no leading, trailing or doubled "/"), no "\\", no "%" (so no "%2e"), no
    // control character, at most kMaxNewRoleName bytes. ErrorCode::usage naming the problem.
    static core::Result<RoleName> new_delegated(Dialect dialect, std::string_view name);

    [[nodiscard]] RoleKind kind() const noexcept { return m_kind; }
    [[nodiscard]] bool is_delegated() const noexcept { return m_kind == RoleKind::delegated; }
    [[nodiscard]] const std::string& str() const noexcept { return m_name; }
    // The name percent-encoded for a URL or file-name component: every byte outside
    // [A-Za-z0-9_.~-] becomes %XX (uppercase), as python-tuf's quote(name, safe="") does.
    [[nodiscard]] std::string quoted() const;

    friend bool operator==(const RoleName&, const RoleName&) = default;
    friend std::strong_ordering operator<=>(const RoleName& a, const RoleName& b) { return a.m_name <=> b.m_name; }

private:
    RoleName(RoleKind kind, std::string name) : m_kind(kind), m_name(std::move(name)) {}

    RoleKind m_kind;
    std::string m_name;
};

// The `_type` value of a role's metadata: "Root"/"Targets"/"Snapshot"/"Timestamp" (notary) or
// lowercase (tuf). Delegated roles are "Targets"/"targets".
const char* type_name(Dialect dialect, RoleKind kind) noexcept;

}  // namespace tufkey::tuf
