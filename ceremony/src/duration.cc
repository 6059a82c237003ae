#include "tufkey/ceremony/duration.h"

#include <charconv>

namespace tufkey::ceremony {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kWeek = 7 * kDay;
constexpr std::int64_t kYear = 365 * kDay;

std::string role_class_of(std::string_view role) {
    if (role == "root" || role == "targets" || role == "snapshot" || role == "timestamp") return std::string(role);
    return "targets";
}

}  // namespace

core::Result<Duration> parse_duration(std::string_view text) {
    auto bad = [&] {
        return core::Error(core::ErrorCode::usage, "invalid duration \"" + std::string(text) +
                                                       "\": use a number and a unit h, d, w or y, e.g. 90d or 10y");
    };
    if (text.size() < 2) return bad();
    std::int64_t unit = 0;
    switch (text.back()) {
        case 'h':
            unit = kHour;
            break;
        case 'd':
            unit = kDay;
            break;
        case 'w':
            unit = kWeek;
            break;
        case 'y':
            unit = kYear;
            break;
        default:
            return bad();
    }
    std::int64_t count = 0;
    auto digits = text.substr(0, text.size() - 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc() || end != digits.data() + digits.size() || count <= 0) return bad();
    if (count > 1000 * kYear / unit)
        return core::Error(core::ErrorCode::usage,
                           "duration \"" + std::string(text) + "\" is too long (at most 1000y)");
    return Duration(count * unit);
}

std::string format_duration(Duration d) {
    std::int64_t s = d.count();
    if (s % kYear == 0) return std::to_string(s / kYear) + "y";
    if (s % kDay == 0) return std::to_string(s / kDay) + "d";
    return std::to_string(s / kHour) + "h";
}

RolePolicy::RolePolicy(Duration root, Duration targets, Duration snapshot, Duration timestamp) {
    m_entries = {{"root", root}, {"targets", targets}, {"snapshot", snapshot}, {"timestamp", timestamp}};
}

RolePolicy RolePolicy::default_expiry() {
    return RolePolicy(Duration(10 * kYear), Duration(3 * kYear), Duration(3 * kYear), Duration(14 * kDay));
}

RolePolicy RolePolicy::default_warning() {
    return RolePolicy(Duration(90 * kDay), Duration(30 * kDay), Duration(7 * kDay), Duration(2 * kDay));
}

core::Result<void> RolePolicy::apply_override(std::string_view assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string_view::npos)
        return core::Error(core::ErrorCode::usage,
                           "expected ROLE=DURATION, e.g. targets=90d, got \"" + std::string(assignment) + "\"");
    std::string role(assignment.substr(0, eq));
    if (role == "delegation" || role == "delegations") role = "targets";
    if (!m_entries.contains(role))
        return core::Error(core::ErrorCode::usage, "unknown role \"" + role + "\" in \"" + std::string(assignment) +
                                                       "\": use root, targets, snapshot, timestamp or delegation");
    TUFKEY_TRY(Duration d, parse_duration(assignment.substr(eq + 1)));
    m_entries[role] = d;
    return core::success();
}

Duration RolePolicy::for_role(std::string_view role) const { return m_entries.at(role_class_of(role)); }

}  // namespace tufkey::ceremony
