#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
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

// The /proc/self/smaps entry of the mapping that holds `address`: its VmFlags and Locked kB.
struct Mapping final {
    bool found = false;
    std::string vm_flags;
    long locked_kb = -1;
};

Mapping mapping_of(const void* address) {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    Mapping m;
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        std::uintptr_t lo = 0, hi = 0;
        char dash = 0;
        std::istringstream range(line);
        if (range >> std::hex >> lo >> dash >> hi && dash == '-' && line.find(':') > line.find(' ')) {
            if (m.found) break;  // the next mapping begins
            inside = at >= lo && at < hi;
            m.found = inside;
            continue;
        }
        if (!inside) continue;
        if (line.starts_with("Locked:")) m.locked_kb = std::stol(line.substr(7));
        if (line.starts_with("VmFlags:")) m.vm_flags = line.substr(8);
    }
    return m;
}

bool has_flag(const std::string& flags, const std::string& flag) {
    return (" " + flags + " ").find(" " + flag + " ") != std::string::npos;
}

TEST(SecretBytes, StorageIsLockedAndKeptOutOfCoreDumps) {
    const LockedPageStats before = locked_page_stats();
    {
        auto secret = SecretBytes::copy_of(std::string_view("a passphrase to keep in RAM"));
        const Mapping m = mapping_of(secret.reveal().data());
        ASSERT_TRUE(m.found);
        EXPECT_TRUE(has_flag(m.vm_flags, "dd")) << "not MADV_DONTDUMP: " << m.vm_flags;
        rlimit memlock{};
        ASSERT_EQ(::getrlimit(RLIMIT_MEMLOCK, &memlock), 0);
        if (memlock.rlim_cur >= (1u << 20)) {  // Debian's default is 8 MiB; a page always fits
            EXPECT_TRUE(has_flag(m.vm_flags, "lo")) << "not mlock'ed: " << m.vm_flags;
            EXPECT_GT(m.locked_kb, 0);
            EXPECT_GT(locked_page_stats().locked_bytes, before.locked_bytes);
        }
        EXPECT_GT(locked_page_stats().mapped_bytes, before.mapped_bytes);
    }
    EXPECT_EQ(locked_page_stats().mapped_bytes, before.mapped_bytes) << "pages were not given back";
    EXPECT_EQ(locked_page_stats().locked_bytes, before.locked_bytes);
}

// Makes mlock fail in this process: RLIMIT_MEMLOCK 0, and without CAP_IPC_LOCK (tests may run
// as root, where the limit alone does not apply). True when a probe lock is then refused.
bool refuse_memory_locks() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct caps[2]{};
    if (::syscall(SYS_capget, &header, caps) != 0) return false;
    caps[0].effective &= ~(1u << CAP_IPC_LOCK);
    if (::syscall(SYS_capset, &header, caps) != 0) return false;
    rlimit none{};
    if (::getrlimit(RLIMIT_MEMLOCK, &none) != 0) return false;
    none.rlim_cur = 0;
    if (::setrlimit(RLIMIT_MEMLOCK, &none) != 0) return false;
    static char probe[1];
    return ::mlock(probe, 1) != 0;
}

// Runs in a child process (a death test), since it gives up a capability for good.
int secrets_work_without_locks() {
    if (!refuse_memory_locks()) return 2;
    const LockedPageStats before = locked_page_stats();
    {
        SecretBytes big(256 * 1024);
        big.reveal_mutable()[0] = 7;
        big.push_back(9);  // growth: a second mapping, also unlocked
        auto copy = big.clone();
        if (!copy.equals(big) || big.size() != 256 * 1024 + 1) return 3;
        const Mapping m = mapping_of(big.reveal().data());
        if (!m.found || !has_flag(m.vm_flags, "dd") || has_flag(m.vm_flags, "lo")) return 4;
        if (locked_page_stats().locked_bytes != before.locked_bytes) return 5;
    }
    return locked_page_stats().mapped_bytes == before.mapped_bytes ? 0 : 6;
}

TEST(SecretBytesDeathTest, ARefusedLockIsNotAnError) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::_Exit(secrets_work_without_locks()), ::testing::ExitedWithCode(0), "")
        << "2: mlock could not be refused; 3: the secret misbehaved; 4: not dontdump or locked anyway; "
           "5/6: page accounting";
}

}  // namespace
}  // namespace tufkey::core
