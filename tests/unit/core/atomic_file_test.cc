#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "temp_dir.h"
#include "tufkey/core/atomic_file.h"

namespace tufkey::core {
namespace {

using tufkey::testing::TempDir;

TEST(AtomicFile, WritesWithModeAndLeavesNoTemporaryFiles) {
    TempDir dir;
    auto path = dir / "root.json";
    ASSERT_TRUE(write_file_atomic(path, std::string_view("old"), 0600).ok());
    ASSERT_TRUE(write_file_atomic(path, std::string_view("new contents"), 0600).ok());
    EXPECT_EQ(tufkey::testing::read_text(path), "new contents");
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    EXPECT_EQ(files, 1);
}

// rename() onto a non-empty directory fails even for root: the error names the path and
// neither the target nor a temporary file is left changed behind.
TEST(AtomicFile, FailureNamesThePathAndLeavesNothingBehind) {
    TempDir dir;
    auto target = dir / "metadata";
    ASSERT_TRUE(make_directories(target, 0700).ok());
    ASSERT_TRUE(write_file_atomic(target / "keep", std::string_view("old")).ok());
    auto r = write_file_atomic(target, std::string_view("new"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::io);
    EXPECT_NE(r.error().message.find(target.string()), std::string::npos);
    EXPECT_EQ(tufkey::testing::read_text(target / "keep"), "old");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, MissingDirectoryIsAnIoError) {
    TempDir dir;
    auto r = write_file_atomic(dir / "missing" / "f", std::string_view("x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::io);
}

TEST(AtomicFile, ReadFileRefusesOversizedFiles) {
    TempDir dir;
    ASSERT_TRUE(write_file_atomic(dir / "big", std::string(100, 'x')).ok());
    EXPECT_TRUE(read_file(dir / "big", 100).ok());
    auto r = read_file(dir / "big", 99);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("larger than"), std::string::npos);
}

TEST(AtomicFile, MakeDirectoriesUsesMode) {
    TempDir dir;
    auto path = dir / "a" / "b" / "c";
    ASSERT_TRUE(make_directories(path, 0700).ok());
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace tufkey::core
