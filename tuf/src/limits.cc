#include "tufkey/tuf/limits.h"

#include <algorithm>

#include "tufkey/tuf/role_name.h"

namespace tufkey::tuf {

std::size_t default_metadata_length(RoleKind kind) {
    switch (kind) {
        case RoleKind::root:
            return kDefaultRootLength;
        case RoleKind::timestamp:
            return kDefaultTimestampLength;
        case RoleKind::snapshot:
            return kDefaultSnapshotLength;
        case RoleKind::targets:
        case RoleKind::delegated:
            break;
    }
    return kDefaultTargetsLength;
}

std::size_t metadata_length_cap(RoleKind kind, std::optional<std::uint64_t> listed) {
    if (!listed) return default_metadata_length(kind);
    return static_cast<std::size_t>(std::min<std::uint64_t>(*listed, kMaxMetadataLength));
}

}  // namespace tufkey::tuf
