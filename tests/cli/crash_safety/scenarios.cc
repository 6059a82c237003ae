#include "scenarios.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tufkey::testing::crash {

namespace fs = std::filesystem;

void must_run(const CrashWorld& world, const fs::path& home, const std::vector<std::string>& args) {
    auto r = world.tufkey(home, args);
    std::string command;
    for (const auto& a : args) command += " " + a;
    ASSERT_EQ(r.exit_code, 0) << "tufkey" << command << ": " << r.out << r.err;
}

void build_signed_home(const CrashWorld& world, tuf::Dialect dialect, const fs::path& home) {
    ASSERT_NO_FATAL_FAILURE(must_run(world, home, world.init_args(dialect)));
    make_key_files_cheap(home);
    ASSERT_NO_FATAL_FAILURE(must_run(world, home, CrashWorld::sign_args("t1")));
    ASSERT_NO_FATAL_FAILURE(must_run(world, home, CrashWorld::sign_args("t2")));
}

void expect_verifies_tag(const CrashWorld& world, const std::string& tag) {
    auto verify = world.tufkey({"verify", std::string(kGun) + ":" + tag});
    EXPECT_EQ(verify.exit_code, 0) << "(e) verify " << tag << ": " << verify.err;
    EXPECT_NE(verify.out.find(CrashWorld::digest_of(tag)), std::string::npos)
        << "(e) verify " << tag << ": " << verify.out;
}

void expect_sign_works(const CrashWorld& world, Match) {
    auto sign = world.tufkey(CrashWorld::sign_args("next"));
    ASSERT_EQ(sign.exit_code, 0) << "(e) the next sign fails: " << sign.err;
    expect_verifies_tag(world, "next");
}

void expect_site_parses(const fs::path& site, bool allow_temporaries) {
    for (const auto& [path, bytes] : read_tree(site)) {
        const std::string name = fs::path(path).filename().string();
        if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) {
            EXPECT_TRUE(allow_temporaries) << "publish left a temporary behind: " << path;
            continue;
        }
        EXPECT_FALSE(nlohmann::json::parse(bytes, nullptr, false).is_discarded()) << "torn published file " << path;
    }
}

std::string scenario_name(const std::string& command, tuf::Dialect dialect) {
    return command + "/" + tuf::to_string(dialect);
}

std::vector<tuf::Dialect> both_dialects() { return {tuf::Dialect::notary, tuf::Dialect::tuf}; }

std::string dialect_test_name(const ::testing::TestParamInfo<tuf::Dialect>& info) { return tuf::to_string(info.param); }

}  // namespace tufkey::testing::crash
