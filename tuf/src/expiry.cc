#include "tufkey/tuf/expiry.h"

#include <cstdio>

namespace tufkey::tuf {
namespace {

namespace ch = std::chrono;

core::Error bad_time(std::string_view text) {
    return core::Error(core::ErrorCode::trust,
                       "\"" + std::string(text) + "\" is not an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)");
}

// Reads `count` decimal digits at `pos`; -1 when any is not a digit.
int digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool separators_ok(std::string_view t) {
    return t.size() >= 20 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':';
}

// Parses the fraction after position 19, if any; returns the index after it or npos.
std::size_t parse_fraction(std::string_view t, std::uint32_t& nanos) {
    std::size_t pos = 19;
    nanos = 0;
    if (t[pos] != '.') return pos;
    ++pos;
    std::size_t count = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
        if (++count > 9) return std::string_view::npos;
        nanos = nanos * 10 + static_cast<std::uint32_t>(t[pos] - '0');
        ++pos;
    }
    if (count == 0) return std::string_view::npos;
    for (std::size_t i = count; i < 9; ++i) nanos *= 10;
    return pos;
}

// Parses "Z" or "±HH:MM" at `pos` to the end; returns false when malformed.
bool parse_offset(std::string_view t, std::size_t pos, int& minutes) {
    const std::string_view rest = t.substr(pos);
    if (rest == "Z") {
        minutes = 0;
        return true;
    }
    if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return false;
    const int hh = digits(rest, 1, 2);
    const int mm = digits(rest, 4, 2);
    if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return false;
    minutes = (hh * 60 + mm) * (rest[0] == '-' ? -1 : 1);
    return true;
}

}  // namespace

Expiry Expiry::at(Instant when) {
    const auto ns = ch::time_point_cast<ch::nanoseconds>(when);
    const auto secs = ch::floor<ch::seconds>(ns);
    Expiry e;
    e.m_seconds = ch::sys_seconds(secs.time_since_epoch());
    e.m_nanos = static_cast<std::uint32_t>((ns - secs).count());
    return e;
}

Expiry Expiry::at_seconds(ch::sys_seconds when) {
    Expiry e;
    e.m_seconds = when;
    return e;
}

core::Result<Expiry> Expiry::parse(std::string_view text) {
    if (!separators_ok(text)) return bad_time(text);
    const int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
    const int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return bad_time(text);
    const ch::year_month_day ymd{ch::year(y), ch::month(static_cast<unsigned>(mo)), ch::day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return bad_time(text);
    Expiry e;
    const std::size_t after_fraction = parse_fraction(text, e.m_nanos);
    if (after_fraction == std::string_view::npos || after_fraction >= text.size()) return bad_time(text);
    if (!parse_offset(text, after_fraction, e.m_offset_minutes)) return bad_time(text);
    const auto local = ch::sys_days(ymd) + ch::hours(h) + ch::minutes(mi) + ch::seconds(s);
    e.m_seconds = local - ch::minutes(e.m_offset_minutes);
    e.m_text = std::string(text);
    return e;
}

std::string Expiry::to_string() const { return m_text.empty() ? format_rfc3339_nano(m_seconds, m_nanos) : m_text; }

bool Expiry::is_expired_at(Instant reference) const noexcept {
    const auto ref_ns = ch::time_point_cast<ch::nanoseconds>(reference);
    const auto ref_secs = ch::floor<ch::seconds>(ref_ns);
    const auto ref_nanos = static_cast<std::uint32_t>((ref_ns - ref_secs).count());
    const ch::sys_seconds ref_s(ref_secs.time_since_epoch());
    if (ref_s != m_seconds) return ref_s > m_seconds;
    return ref_nanos >= m_nanos;
}

std::strong_ordering operator<=>(const Expiry& a, const Expiry& b) noexcept {
    if (auto c = a.m_seconds <=> b.m_seconds; c != 0) return c;
    return a.m_nanos <=> b.m_nanos;
}

std::string format_rfc3339_nano(ch::sys_seconds secs, std::uint32_t nanos) {
    const auto day_point = ch::floor<ch::days>(secs);
    const ch::year_month_day ymd(day_point);
    const ch::hh_mm_ss hms(secs - day_point);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    std::string out = buf;
    if (nanos != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09u", nanos);
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out + "Z";
}

core::Result<void> check_not_expired(const RoleName& role, const Expiry& expires, Instant reference) {
    if (!expires.is_expired_at(reference)) return core::success();
    return core::Error(core::TrustReason::expired, role.str() + ": expired at " + expires.to_string());
}

}  // namespace tufkey::tuf
