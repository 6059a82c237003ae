// Internal: the one engine behind `delegation add|remove` and `signer add|remove`
// (tufkey/ceremony/delegation.h): edits to delegated roles, applied to their parents, which are
// re-signed with snapshot and timestamp in one HomeTransaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "repository_state.h"
#include "tufkey/ceremony/delegation.h"
#include "tufkey/tuf/model.h"

namespace tufkey::ceremony::detail {

// A delegate's public key read from a file (see delegation.h for what is accepted).
struct DelegateKey final {
    tuf::Key key;
    std::vector<std::string> warnings;  // e.g. a certificate outside its validity period
};
core::Result<DelegateKey> read_delegate_key(tuf::Dialect dialect, const std::filesystem::path& file, tuf::Instant now);

// Every file of `files` through read_delegate_key; warnings go to access.warn.
core::Result<std::vector<tuf::Key>> read_delegate_keys(tuf::Dialect dialect,
                                                       const std::vector<std::filesystem::path>& files,
                                                       KeyAccess& access);

using RolePaths = std::variant<tuf::PathPatterns, tuf::PathHashPrefixes>;

// One change to one delegated role.
struct RoleEdit final {
    tuf::RoleName role = tuf::RoleName::targets();
    std::vector<tuf::Key> add_keys;
    std::vector<std::string> remove_keys;  // key IDs or unique prefixes (canonical or metadata ID)
    bool remove_role = false;              // drop the whole delegation
    bool remove_if_keyless = false;        // drop it when remove_keys leaves no key
    std::optional<RolePaths> paths;        // added to the role's paths (replaces them on a kind change)
    std::uint32_t threshold = 0;           // 0: unchanged (1 for a new role)
    std::optional<bool> terminating;
};

// The parent of `role`: the name before its last "/" when that is targets or a delegated role of
// the repository; a tuf-dialect name without "/" belongs to targets. ErrorCode::usage otherwise.
core::Result<tuf::RoleName> parent_of(const RepositoryState& state, const tuf::RoleName& role);

// Runs `edits` (in order) under the home lock: loads the repository, asks `before_signing` (it
// may refuse, e.g. a confirmation) with the changes worked out, re-signs every parent touched,
// snapshot and timestamp, and commits with a transcript step named `step`, whose fields are
// `describe`'s (default: every change, role by role).
using BeforeSigning = std::function<core::Result<void>(const RepositoryState&, const std::vector<DelegationChange>&)>;
using DescribeStep = std::function<tuf::JsonObject(const std::vector<DelegationChange>&)>;
core::Result<DelegationReport> change_delegations(
    KeyAccess& access, const std::string& gun,
    const std::function<core::Result<std::vector<RoleEdit>>(const RepositoryState&)>& make_edits, std::string_view step,
    const BeforeSigning& before_signing = {}, const DescribeStep& describe = {});

// The delegation `role` as `parent`'s `delegations` list it (key IDs canonical), or nullopt when
// they do not list it. `version` and `key_held` are left for the caller.
std::optional<DelegationInfo> describe_delegation(const tuf::Delegations& delegations, const tuf::RoleName& parent,
                                                  const tuf::RoleName& role);

}  // namespace tufkey::ceremony::detail
