#include <gtest/gtest.h>

#include "tufkey/core/result.h"

namespace tufkey::core {
namespace {

Result<int> parse_positive(int v) {
    if (v <= 0) return Error(ErrorCode::usage, "not positive");
    return v;
}

Result<int> doubled(int v) {
    TUFKEY_TRY(int p, parse_positive(v));
    return p * 2;
}

TEST(Result, PropagatesValueAndError) {
    auto ok = doubled(4);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 8);
    auto bad = doubled(-1);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::usage);
    EXPECT_EQ(bad.error().message, "not positive");
}

TEST(Result, ExitCodesFollowTheSpec) {
    EXPECT_EQ(exit_code(ErrorCode::trust), 1);
    EXPECT_EQ(exit_code(ErrorCode::usage), 2);
    EXPECT_EQ(exit_code(ErrorCode::key), 3);
    EXPECT_EQ(exit_code(ErrorCode::token), 3);
    EXPECT_EQ(exit_code(ErrorCode::io), 4);
    EXPECT_EQ(exit_code(ErrorCode::remote), 4);
    EXPECT_EQ(exit_code(ErrorCode::refused), 5);
    EXPECT_EQ(exit_code(ErrorCode::expiring), 6);
}

TEST(Result, ErrorKeepsRawCkRvThroughContext) {
    Error e(ErrorCode::token, "wrong PIN", 0xA0);
    auto wrapped = e.with_context("token ceremony");
    EXPECT_EQ(wrapped.message, "token ceremony: wrong PIN");
    ASSERT_TRUE(wrapped.ck_rv.has_value());
    EXPECT_EQ(*wrapped.ck_rv, 0xA0u);
}

}  // namespace
}  // namespace tufkey::core
