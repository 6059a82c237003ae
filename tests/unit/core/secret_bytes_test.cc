#include <gtest/gtest.h>

#include <cstdint>
#include <type_traits>
#include <vector>

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
    // clear() keeps the allocation (std::vector::clear does not free), so the old bytes can be
    // read back through the pointer taken before: they must be zero, not "hunter22".
    const std::uint8_t* storage = a.reveal().data();
    const std::size_t size = a.size();
    a.clear();
    EXPECT_TRUE(a.empty());
    for (std::size_t i = 0; i < size; ++i) EXPECT_EQ(storage[i], 0) << "byte " << i << " was not wiped";
}

// An upstream allocator that records, at the moment storage is handed back, whether every
// byte was already zero; the cleansing allocator must have wiped it before.
struct ReleasedBytes final {
    static inline std::size_t releases = 0;
    static inline std::size_t nonzero_bytes = 0;
};

template <typename T>
struct ObservingAllocator {
    using value_type = T;
    ObservingAllocator() noexcept = default;
    template <typename U>
    ObservingAllocator(const ObservingAllocator<U>&) noexcept {}  // NOLINT
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        const auto* bytes = reinterpret_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n * sizeof(T); ++i) ReleasedBytes::nonzero_bytes += bytes[i] != 0 ? 1 : 0;
        ++ReleasedBytes::releases;
        std::allocator<T>{}.deallocate(p, n);
    }
    template <typename U>
    bool operator==(const ObservingAllocator<U>&) const noexcept {
        return true;
    }
};

TEST(SecretBytes, AllocatorWipesReleasedStorage) {
    ReleasedBytes::releases = 0;
    ReleasedBytes::nonzero_bytes = 0;
    {
        std::vector<std::uint8_t, CleansingAllocator<std::uint8_t, ObservingAllocator<std::uint8_t>>> v(16, 0xAB);
        v.resize(4096, 0xCD);  // growth releases the first buffer through deallocate
        EXPECT_EQ(ReleasedBytes::releases, 1U);
    }  // destruction releases the second
    EXPECT_EQ(ReleasedBytes::releases, 2U);
    EXPECT_EQ(ReleasedBytes::nonzero_bytes, 0U) << "storage went back to the heap unwiped";
}

}  // namespace
}  // namespace tufkey::core
