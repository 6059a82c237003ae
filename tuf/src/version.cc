#include "tufkey/tuf/version.h"

#include <string>

namespace tufkey::tuf {
namespace {

core::Error version_error(core::TrustReason reason, const RoleName& role, const std::string& problem) {
    return core::Error(reason, role.str() + ": " + problem);
}

}  // namespace

core::Result<Version> Version::create(std::int64_t value) {
    if (value < 1) {
        return core::Error(core::ErrorCode::trust,
                           "version " + std::to_string(value) + " is invalid: versions start at 1");
    }
    return Version(value);
}

core::Result<void> check_version_greater(const RoleName& role, Version candidate, Version trusted) {
    if (candidate > trusted) return core::success();
    return version_error(core::TrustReason::rollback, role,
                         "version " + std::to_string(candidate.value()) + " is not greater than the trusted version " +
                             std::to_string(trusted.value()) + " (rollback)");
}

core::Result<void> check_version_not_lower(const RoleName& role, Version candidate, Version trusted) {
    if (candidate >= trusted) return core::success();
    return version_error(core::TrustReason::rollback, role,
                         "version " + std::to_string(candidate.value()) + " is lower than the trusted version " +
                             std::to_string(trusted.value()) + " (rollback)");
}

core::Result<void> check_version_equal(const RoleName& role, Version candidate, Version expected) {
    if (candidate == expected) return core::success();
    return version_error(core::TrustReason::version_mismatch, role,
                         "version " + std::to_string(candidate.value()) + " does not match the expected version " +
                             std::to_string(expected.value()));
}

}  // namespace tufkey::tuf
