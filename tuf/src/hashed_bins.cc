#include "tufkey/tuf/hashed_bins.h"

#include <algorithm>
#include <variant>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"

namespace tufkey::tuf {
namespace {

std::string hex_prefix(std::uint64_t value, std::size_t digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(digits, '0');
    for (std::size_t i = digits; i-- > 0; value >>= 4) out[i] = kHex[value & 0xf];
    return out;
}

}  // namespace

core::Result<std::vector<HashBin>> hashed_bin_layout(std::string_view name, std::uint32_t count) {
    if (count < kMinHashBins || count > kMaxHashBins || (count & (count - 1)) != 0)
        return core::Error(core::ErrorCode::usage, "the number of hash bins must be a power of two from " +
                                                       std::to_string(kMinHashBins) + " to " +
                                                       std::to_string(kMaxHashBins) + ", not " + std::to_string(count));
    std::size_t digits = 1;
    while ((std::uint64_t{1} << (4 * digits)) < count) ++digits;  // hex digits of count - 1
    const std::uint64_t prefixes = std::uint64_t{1} << (4 * digits);
    const std::uint64_t per_bin = prefixes / count;
    std::vector<HashBin> bins;
    bins.reserve(count);
    for (std::uint64_t low = 0; low < prefixes; low += per_bin) {
        const std::uint64_t high = low + per_bin - 1;
        HashBin bin;
        bin.name = std::string(name) + "-" + hex_prefix(low, digits);
        if (high != low) bin.name += "-" + hex_prefix(high, digits);
        for (std::uint64_t p = low; p <= high; ++p) bin.prefixes.push_back(hex_prefix(p, digits));
        bins.push_back(std::move(bin));
    }
    return bins;
}

std::string path_hash_hex(std::string_view target_path) {
    return core::hex_encode(core::sha256(core::as_bytes(target_path)));
}

void HashBinIndex::add(const DelegatedRole& role) {
    const auto* prefixes = std::get_if<PathHashPrefixes>(&role.paths);
    if (prefixes == nullptr) return;
    const std::size_t index = m_roles.size();
    m_roles.push_back(role.name);
    for (const auto& prefix : prefixes->prefixes) {
        m_by_prefix.try_emplace(prefix, index);
        if (std::find(m_lengths.begin(), m_lengths.end(), prefix.size()) == m_lengths.end())
            m_lengths.push_back(prefix.size());
    }
}

const RoleName* HashBinIndex::find(std::string_view path_hash) const {
    std::size_t best = m_roles.size();
    std::string key;
    for (std::size_t length : m_lengths) {
        if (length > path_hash.size()) continue;
        key.assign(path_hash.substr(0, length));
        if (auto it = m_by_prefix.find(key); it != m_by_prefix.end()) best = std::min(best, it->second);
    }
    return best == m_roles.size() ? nullptr : &m_roles[best];
}

}  // namespace tufkey::tuf
