// Hashed bins: a layout of delegated roles that split the target paths by the SHA-256 of the
// path (TUF's `path_hash_prefixes`), so that a repository with many targets signs and serves
// many small files instead of one large one.
//
// The layout is python-tuf's (examples/manual_repo/hashed_bin_delegation.py): with N bins
// (a power of two), prefixes are L = number of hex digits of N-1 long; the 16^L prefixes are
// cut into N runs of 16^L/N consecutive prefixes; bin i holds run i. A bin is named
// NAME-<low>-<high> after the first and last prefix of its run, or NAME-<low> when the run is
// one prefix. E.g. 16,384 bins: L = 4, 4 prefixes per bin, "bins-0000-0003" ... "bins-fffc-ffff".
//
// HashBinIndex answers "which of these roles covers this path" with one hash and one lookup
// per distinct prefix length, however many roles there are (sign routes 100,000 targets into
// 16,384 bins without matching every path against every role).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf {

inline constexpr std::uint32_t kMinHashBins = 2;
inline constexpr std::uint32_t kMaxHashBins = 65536;

// One bin of a layout: its role name and the hex prefixes it is trusted for.
struct HashBin final {
    std::string name;
    std::vector<std::string> prefixes;
};

// The N bins named `name` + "-" + range (see the header comment), in prefix order. A count that
// is not a power of two in [kMinHashBins, kMaxHashBins] is ErrorCode::usage. `name` is not
// checked here (the caller makes RoleNames of the results).
core::Result<std::vector<HashBin>> hashed_bin_layout(std::string_view name, std::uint32_t count);

// Lowercase hex of SHA-256(path): what path_hash_prefixes match against.
std::string path_hash_hex(std::string_view target_path);

// Delegated roles with path_hash_prefixes, by prefix. Roles added first win where prefixes
// overlap (clients search delegations in listed order).
class HashBinIndex final {
public:
    // Adds `role` under each of its hash prefixes (a role with path patterns is ignored).
    void add(const DelegatedRole& role);
    [[nodiscard]] bool empty() const noexcept { return m_roles.empty(); }
    // The first role added whose prefixes cover a path with hex SHA-256 `path_hash`, or nullptr.
    [[nodiscard]] const RoleName* find(std::string_view path_hash) const;

private:
    std::vector<RoleName> m_roles;
    std::vector<std::size_t> m_lengths;                        // distinct prefix lengths
    std::unordered_map<std::string, std::size_t> m_by_prefix;  // prefix -> first role's index
};

}  // namespace tufkey::tuf
