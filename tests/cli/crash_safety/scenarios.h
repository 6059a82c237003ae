// Building blocks of the crash-safety cases: before-homes made with the real binary, and the
// "next command" checks (e) that prove a home needs no repair.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crash_harness.h"
#include "crash_world.h"
#include "tufkey/tuf/dialect.h"

namespace tufkey::testing::crash {

// Runs tufkey in `home` and fails the test (with its output) unless it exits 0.
void must_run(const CrashWorld& world, const std::filesystem::path& home, const std::vector<std::string>& args);

// In `home`: init kGun in `dialect` on the ceremony token, key files re-encrypted cheaply
// (make_key_files_cheap), then tags t1 and t2 signed.
void build_signed_home(const CrashWorld& world, tuf::Dialect dialect, const std::filesystem::path& home);

// (e) for a home holding the repository's keys: `sign kGun:next` exits 0 and `verify` prints
// its digest.
void expect_sign_works(const CrashWorld& world, Match match);

// (e) for a home without signing keys: `verify kGun:TAG` prints the digest of TAG.
void expect_verifies_tag(const CrashWorld& world, const std::string& tag);

// Every file a client can fetch from a publish destination is whole JSON, whatever run was
// interrupted; a killed publish may leave its own temporaries (".NAME.tmp-XXXXXX", which no
// client asks for) until the next publish removes them.
void expect_site_parses(const std::filesystem::path& site, bool allow_temporaries);

// "name/notary" or "name/tuf".
std::string scenario_name(const std::string& command, tuf::Dialect dialect);

// Both dialects, for INSTANTIATE_TEST_SUITE_P, and their test-name suffix.
std::vector<tuf::Dialect> both_dialects();
std::string dialect_test_name(const ::testing::TestParamInfo<tuf::Dialect>& info);

}  // namespace tufkey::testing::crash
