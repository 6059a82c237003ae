// Version: a metadata version number, always >= 1, and the rollback rules over it.
#pragma once

#include <compare>
#include <cstdint>

#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"

namespace tufkey::tuf {

class Version final {
public:
    Version() = default;  // 1, the first published version
    // Refuses values below 1 (ErrorCode::trust, naming the value).
    static core::Result<Version> create(std::int64_t value);

    [[nodiscard]] std::int64_t value() const noexcept { return m_value; }
    [[nodiscard]] Version next() const noexcept { return Version(m_value + 1); }

    friend auto operator<=>(const Version&, const Version&) = default;

private:
    explicit Version(std::int64_t value) : m_value(value) {}
    std::int64_t m_value = 1;
};

// Rollback checks; each failure is ErrorCode::trust naming the role and both versions.
// `candidate` must be strictly greater than `trusted` (a new root, a changed role).
core::Result<void> check_version_greater(const RoleName& role, Version candidate, Version trusted);
// `candidate` must not be lower than `trusted` (Notary's download rule, TUF timestamp).
core::Result<void> check_version_not_lower(const RoleName& role, Version candidate, Version trusted);
// `candidate` must equal `expected` (TUF: snapshot's version of a role, root N+1).
core::Result<void> check_version_equal(const RoleName& role, Version candidate, Version expected);

}  // namespace tufkey::tuf
