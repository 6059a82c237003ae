// Hashed-bin layouts (python-tuf's convention) and the prefix index sign routes targets with.
#include <gtest/gtest.h>

#include <set>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/hashed_bins.h"
#include "tufkey/tuf/path_match.h"

namespace tufkey::tuf {
namespace {

DelegatedRole hashed_role(const std::string& name, std::vector<std::string> prefixes) {
    DelegatedRole role;
    role.name = *RoleName::delegated(Dialect::tuf, name);
    role.paths = PathHashPrefixes{std::move(prefixes)};
    return role;
}

TEST(HashedBinLayout, ThirtyTwoBinsAsPythonTufNamesThem) {
    // python-tuf's example: 32 bins, prefix length 2, 8 prefixes per bin, "00-07" ... "f8-ff".
    auto bins = hashed_bin_layout("bins", 32);
    ASSERT_TRUE(bins.ok());
    ASSERT_EQ(bins->size(), 32u);
    EXPECT_EQ(bins->front().name, "bins-00-07");
    EXPECT_EQ(bins->front().prefixes, (std::vector<std::string>{"00", "01", "02", "03", "04", "05", "06", "07"}));
    EXPECT_EQ(bins->at(1).name, "bins-08-0f");
    EXPECT_EQ(bins->back().name, "bins-f8-ff");
}

TEST(HashedBinLayout, OnePrefixPerBinDropsTheRangeAndEveryPrefixIsCoveredOnce) {
    auto sixteen = hashed_bin_layout("b", 16);
    ASSERT_TRUE(sixteen.ok());
    EXPECT_EQ(sixteen->front().name, "b-0");
    EXPECT_EQ(sixteen->back().name, "b-f");
    auto many = hashed_bin_layout("bins", 16384);
    ASSERT_TRUE(many.ok());
    ASSERT_EQ(many->size(), 16384u);
    EXPECT_EQ(many->front().name, "bins-0000-0003");
    EXPECT_EQ(many->back().name, "bins-fffc-ffff");
    std::set<std::string> seen;
    for (const auto& bin : *many) {
        EXPECT_EQ(bin.prefixes.size(), 4u);
        for (const auto& p : bin.prefixes) EXPECT_TRUE(seen.insert(p).second) << p;
    }
    EXPECT_EQ(seen.size(), 65536u);
    auto two = hashed_bin_layout("x", 2);
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(two->front().name, "x-0-7");
    EXPECT_EQ(two->back().prefixes.front(), "8");
}

TEST(HashedBinLayout, CountMustBeAPowerOfTwoInRange) {
    for (std::uint32_t bad : {0u, 1u, 3u, 100u, 131072u}) {
        auto bins = hashed_bin_layout("b", bad);
        ASSERT_FALSE(bins.ok()) << bad;
        EXPECT_EQ(bins.error().code, core::ErrorCode::usage);
        EXPECT_NE(bins.error().message.find("power of two"), std::string::npos);
    }
    EXPECT_TRUE(hashed_bin_layout("b", 65536).ok());
}

TEST(HashBinIndex, FindsTheBinThatCoversAPathAsRoleCoversPathDoes) {
    auto bins = hashed_bin_layout("bins", 256);
    ASSERT_TRUE(bins.ok());
    HashBinIndex index;
    std::vector<DelegatedRole> roles;
    for (const auto& bin : *bins) roles.push_back(hashed_role(bin.name, bin.prefixes));
    for (const auto& role : roles) index.add(role);
    for (int i = 0; i < 200; ++i) {
        const std::string path = "pkg-" + std::to_string(i);
        const RoleName* found = index.find(path_hash_hex(path));
        ASSERT_NE(found, nullptr);
        for (const auto& role : roles)
            EXPECT_EQ(role_covers_path(Dialect::tuf, role, path), role.name == *found)
                << path << " " << role.name.str();
    }
}

TEST(HashBinIndex, MixedPrefixLengthsAndTheFirstRoleWins) {
    HashBinIndex index;
    const std::string hash = path_hash_hex("file.txt");
    index.add(hashed_role("long", {hash.substr(0, 3)}));
    index.add(hashed_role("short", {hash.substr(0, 1)}));
    DelegatedRole patterns;
    patterns.name = *RoleName::delegated(Dialect::tuf, "globs");
    patterns.paths = PathPatterns{{"*"}};
    index.add(patterns);  // not a hashed role: ignored
    ASSERT_NE(index.find(hash), nullptr);
    EXPECT_EQ(index.find(hash)->str(), "long");
    const std::string other = path_hash_hex("other");
    const RoleName* found = index.find(other);
    if (other[0] == hash[0]) {
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(found->str(), other.substr(0, 3) == hash.substr(0, 3) ? "long" : "short");
    } else {
        EXPECT_EQ(found, nullptr);
    }
    EXPECT_EQ(path_hash_hex("x"), core::hex_encode(core::sha256(core::as_bytes("x"))));
}

}  // namespace
}  // namespace tufkey::tuf
