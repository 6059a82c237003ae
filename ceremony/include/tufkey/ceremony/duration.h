// Durations of SPEC.md ("90d", "10y", "12h", "2w") and the expiry and warning-window policies
// built from them.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "tufkey/core/result.h"

namespace tufkey::ceremony {

using Duration = std::chrono::seconds;

// A positive whole number followed by h, d, w or y (365 days). ErrorCode::usage otherwise.
core::Result<Duration> parse_duration(std::string_view text);
// The shortest exact form: "10y", "14d", "36h".
std::string format_duration(Duration d);

// Per-role durations by role class: "root", "targets" (also every delegation), "snapshot",
// "timestamp".
class RolePolicy final {
public:
    RolePolicy(Duration root, Duration targets, Duration snapshot, Duration timestamp);
    // Notary's lifetimes: root 10y, targets and snapshot 3y, timestamp 14d.
    static RolePolicy default_expiry();
    // Warning windows of `status`: root 90d, targets and delegations 30d, snapshot 7d, timestamp 2d.
    static RolePolicy default_warning();

    // `ROLE=DURATION` (role root|targets|snapshot|timestamp|delegation). ErrorCode::usage.
    [[nodiscard]] core::Result<void> apply_override(std::string_view assignment);
    // The duration for a role name; delegated names use the targets entry.
    [[nodiscard]] Duration for_role(std::string_view role) const;
    [[nodiscard]] const std::map<std::string, Duration>& entries() const noexcept { return m_entries; }
    void set(const std::string& role_class, Duration d) { m_entries[role_class] = d; }

private:
    std::map<std::string, Duration> m_entries;
};

}  // namespace tufkey::ceremony
