#include <gtest/gtest.h>

#include <type_traits>

#include "tufkey/core/secret_bytes.h"

namespace tufkey::core {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>, "secrets are copied only with clone()");
static_assert(!std::is_convertible_v<SecretBytes, std::string>, "secrets never become std::string");

TEST(SecretBytes, CopyCloneCompare) {
    auto a = SecretBytes::copy_of(std::string_view("correct horse"));
    auto b = a.clone();
    EXPECT_TRUE(a.equals(b));
    b.push_back('!');
    EXPECT_FALSE(a.equals(b));
    EXPECT_EQ(a.reveal_as_chars(), "correct horse");
}

TEST(SecretBytes, ClearWipesAndEmpties) {
    auto a = SecretBytes::copy_of(std::string_view("hunter22"));
    a.clear();
    EXPECT_TRUE(a.empty());
}

TEST(SecretBytes, AllocatorWipesReleasedStorage) {
    // Observe the wipe through the allocator directly: the storage is zero before release.
    CleansingAllocator<std::uint8_t> alloc;
    std::uint8_t* p = alloc.allocate(16);
    for (int i = 0; i < 16; ++i) p[i] = 0xAB;
    secure_wipe(p, 16);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(p[i], 0) << i;
    alloc.deallocate(p, 16);
}

}  // namespace
}  // namespace tufkey::core
