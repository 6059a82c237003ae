// Expiry: the `expires` instant of a role, with the UTC offset and text it was written with.
//
// Notary writes Go's RFC3339Nano in whatever offset the signer had ("…T17:56:36.027379879-05:00"),
// TUF 1.0 writes "YYYY-MM-DDTHH:MM:SSZ". A parsed Expiry keeps its original text, so decoding
// and re-encoding reproduces the signed bytes exactly, whatever fraction or offset they had.
// A new Expiry (at()) formats as Go's RFC3339Nano in UTC: fraction with trailing zeros trimmed
// (none when whole), then `Z`. Years 0000-9999 are representable, beyond the range of
// nanosecond time_points, so the instant is kept as seconds plus nanoseconds.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"

namespace tufkey::tuf {

// A reference time for expiry checks (system_clock: nanoseconds on Linux).
using Instant = std::chrono::system_clock::time_point;

class Expiry final {
public:
    Expiry() = default;  // 1970-01-01T00:00:00Z
    // A new expiry at `when` (UTC, nanosecond precision, formatted as RFC3339Nano with `Z`).
    static Expiry at(Instant when);
    // A new expiry at `when`, whole seconds (the form TUF 1.0 readers such as python-tuf need).
    static Expiry at_seconds(std::chrono::sys_seconds when);
    // RFC 3339: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1-9 digits, then `Z` or ±HH:MM.
    // Anything else (lowercase t/z, leap second 60, missing offset) is ErrorCode::trust.
    static core::Result<Expiry> parse(std::string_view text);

    // Seconds since the epoch (UTC) and the nanoseconds within that second.
    [[nodiscard]] std::chrono::sys_seconds seconds() const noexcept { return m_seconds; }
    [[nodiscard]] std::uint32_t nanoseconds() const noexcept { return m_nanos; }
    // The offset the text was written in, in minutes east of UTC (0 for new expiries).
    [[nodiscard]] int utc_offset_minutes() const noexcept { return m_offset_minutes; }
    // The text to write: the original if parsed, else RFC3339Nano in UTC.
    [[nodiscard]] std::string to_string() const;

    // True when `reference` is at or after the expiry instant.
    [[nodiscard]] bool is_expired_at(Instant reference) const noexcept;

    // Ordering and equality compare the instant only (not the offset or text).
    friend std::strong_ordering operator<=>(const Expiry& a, const Expiry& b) noexcept;
    friend bool operator==(const Expiry& a, const Expiry& b) noexcept {
        return a.m_seconds == b.m_seconds && a.m_nanos == b.m_nanos;
    }

private:
    std::chrono::sys_seconds m_seconds{};
    std::uint32_t m_nanos = 0;
    int m_offset_minutes = 0;
    std::string m_text;  // empty: format on demand
};

// Formats an instant as Go's RFC3339Nano in UTC ("2029-11-22T14:20:15.26756647Z").
std::string format_rfc3339_nano(std::chrono::sys_seconds seconds, std::uint32_t nanos);

// ErrorCode::trust "<role>: expired at <expires>" when `expires` is not after `reference`.
core::Result<void> check_not_expired(const RoleName& role, const Expiry& expires, Instant reference);

}  // namespace tufkey::tuf
