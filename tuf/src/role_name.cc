#include "tufkey/tuf/role_name.h"

#include <optional>
#include <string>

#include "tufkey/core/encoding.h"

namespace tufkey::tuf {
namespace {

std::optional<RoleName> top_level(std::string_view name) {
    if (name == "root") return RoleName::root();
    if (name == "targets") return RoleName::targets();
    if (name == "snapshot") return RoleName::snapshot();
    if (name == "timestamp") return RoleName::timestamp();
    return std::nullopt;
}

bool notary_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
}

// Notary's rules (tuf/data/roles.go IsDelegation); the charset excludes "." so path.Clean only
// has "//" and a trailing "/" left to remove.
std::optional<std::string> notary_delegation_problem(std::string_view name) {
    if (name.size() >= 256) return "is 256 characters or longer";
    for (char c : name) {
        if (!notary_name_char(c)) return "may contain only a-z, 0-9, \"-\", \"_\" and \"/\"";
    }
    if (name.substr(0, 8) != "targets/") return "must start with \"targets/\"";
    if (name.find("//") != std::string_view::npos || name.back() == '/') {
        return "is not a clean path (no \"//\", no trailing \"/\")";
    }
    return std::nullopt;
}

}  // namespace

core::Result<RoleName> RoleName::parse(Dialect dialect, std::string_view name) {
    if (auto top = top_level(name)) return *top;
    return delegated(dialect, name);
}

core::Result<RoleName> RoleName::delegated(Dialect dialect, std::string_view name) {
    const std::string quoted_name = "\"" + std::string(name) + "\"";
    if (name.empty()) return core::Error(core::ErrorCode::usage, "a role name must not be empty");
    if (top_level(name)) {
        return core::Error(core::ErrorCode::usage, "role name " + quoted_name + " is reserved for a top-level role");
    }
    if (dialect == Dialect::notary) {
        if (auto problem = notary_delegation_problem(name)) {
            return core::Error(core::ErrorCode::usage,
                               "invalid notary delegation name " + quoted_name + ": it " + *problem);
        }
    }
    return RoleName(RoleKind::delegated, std::string(name));
}

core::Result<RoleName> RoleName::new_delegated(Dialect dialect, std::string_view name) {
    auto refuse = [&](const std::string& problem) {
        return core::Error(core::ErrorCode::usage, "invalid role name \"" + core::printable(name) + "\": " + problem);
    };
    if (name.size() > kMaxNewRoleName) return refuse("longer than " + std::to_string(kMaxNewRoleName) + " characters");
    for (char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return refuse("it contains a control character");
        if (c == '\\') return refuse("it contains a backslash");
        if (c == '%') return refuse("it contains \"%\" (percent-encoded names such as %2e are refused)");
    }
    if (name.starts_with('/')) return refuse("it is an absolute path");
    std::size_t start = 0;
    while (true) {
        const std::size_t end = std::min(name.find('/', start), name.size());
        const std::string_view segment = name.substr(start, end - start);
        if (segment.empty()) return refuse("it has an empty segment (\"//\" or a trailing \"/\")");
        if (segment == "." || segment == "..") return refuse("it has a \"" + std::string(segment) + "\" segment");
        if (end == name.size()) break;
        start = end + 1;
    }
    return delegated(dialect, name);
}

std::string RoleName::quoted() const { return core::percent_encode(m_name); }

const char* type_name(Dialect dialect, RoleKind kind) noexcept {
    const bool notary = dialect == Dialect::notary;
    switch (kind) {
        case RoleKind::root:
            return notary ? "Root" : "root";
        case RoleKind::snapshot:
            return notary ? "Snapshot" : "snapshot";
        case RoleKind::timestamp:
            return notary ? "Timestamp" : "timestamp";
        case RoleKind::targets:
        case RoleKind::delegated:
            break;
    }
    return notary ? "Targets" : "targets";
}

}  // namespace tufkey::tuf
