// Delegation path rules: notary prefixes, tuf globs and hash prefixes.
#include <gtest/gtest.h>

#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/path_match.h"

namespace tufkey::tuf {
namespace {

TEST(NotaryPaths, PrefixMatchAndEmptyMatchesAll) {
    EXPECT_TRUE(notary_prefix_matches("", "anything/at/all"));
    EXPECT_TRUE(notary_prefix_matches("releases/", "releases/v1"));
    EXPECT_TRUE(notary_prefix_matches("rel", "release"));  // a prefix, not a path component
    EXPECT_FALSE(notary_prefix_matches("releases/", "other/v1"));
    EXPECT_FALSE(notary_prefix_matches("releases/", "releases"));
}

TEST(TufGlob, StarAndQuestionMarkDoNotCrossSlash) {
    EXPECT_TRUE(glob_matches("targets/*.tgz", "targets/a.tgz"));
    EXPECT_FALSE(glob_matches("targets/*.tgz", "targets/sub/a.tgz"));
    EXPECT_FALSE(glob_matches("*", "a/b"));
    EXPECT_TRUE(glob_matches("*/*", "a/b"));
    EXPECT_TRUE(glob_matches("*", ""));
    EXPECT_TRUE(glob_matches("file?.txt", "file1.txt"));
    EXPECT_FALSE(glob_matches("a?b", "a/b"));
    EXPECT_FALSE(glob_matches("file?.txt", "file12.txt"));
}

TEST(TufGlob, CaseSensitiveWholeMatch) {
    EXPECT_FALSE(glob_matches("*.TGZ", "a.tgz"));
    EXPECT_FALSE(glob_matches("a", "ab"));
    EXPECT_FALSE(glob_matches("ab", "a"));
    EXPECT_TRUE(glob_matches("a*b*c", "aXbYbZc"));
}

TEST(TufGlob, CharacterClasses) {
    EXPECT_TRUE(glob_matches("v[0-9].txt", "v7.txt"));
    EXPECT_FALSE(glob_matches("v[0-9].txt", "vx.txt"));
    EXPECT_TRUE(glob_matches("v[!0-9].txt", "vx.txt"));
    EXPECT_FALSE(glob_matches("v[!0-9].txt", "v1.txt"));
    EXPECT_TRUE(glob_matches("v[.txt", "v[.txt"));  // unclosed "[" is literal
}

TEST(TufHashPrefixes, MatchSha256HexOfThePath) {
    const std::string digest = core::hex_encode(core::sha256(core::as_bytes("file.txt")));
    EXPECT_TRUE(hash_prefix_matches(digest.substr(0, 2), "file.txt"));
    EXPECT_TRUE(hash_prefix_matches(digest, "file.txt"));
    const std::string other = digest[0] == '0' ? "1" : "0";
    EXPECT_FALSE(hash_prefix_matches(other, "file.txt"));
}

TEST(RoleCoversPath, PerDialectRules) {
    DelegatedRole role;
    role.paths = PathPatterns{{"releases/*"}};
    EXPECT_TRUE(role_covers_path(Dialect::tuf, role, "releases/v1"));
    EXPECT_FALSE(role_covers_path(Dialect::tuf, role, "releases/v1/x"));
    EXPECT_FALSE(role_covers_path(Dialect::notary, role, "releases/v1"));  // "*" is literal for notary
    role.paths = PathPatterns{{"releases/"}};
    EXPECT_TRUE(role_covers_path(Dialect::notary, role, "releases/v1/x"));
    role.paths = PathPatterns{};
    EXPECT_FALSE(role_covers_path(Dialect::notary, role, "x"));  // no paths: can publish nothing
    const std::string digest = core::hex_encode(core::sha256(core::as_bytes("x")));
    role.paths = PathHashPrefixes{{digest.substr(0, 1)}};
    EXPECT_TRUE(role_covers_path(Dialect::tuf, role, "x"));
}

}  // namespace
}  // namespace tufkey::tuf
