// SecretBytes: the only home of passphrases, PINs and private key bytes.
//
// Storage is wiped with OPENSSL_cleanse whenever it is released (including on growth),
// copies must be made explicitly with clone(), and reading the bytes needs the greppable
// reveal() call. Never convert a SecretBytes to std::string.
//
// The storage lives on pages of its own (LockedPageAllocator), locked in memory where the system
// allows it (mlock; RLIMIT_MEMLOCK may refuse, which is never an error: the bytes are then only
// kept out of core dumps) and marked MADV_DONTDUMP, so that they are neither swapped out nor
// written into a core file even where RLIMIT_CORE is raised again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace tufkey::core {

void secure_wipe(void* data, std::size_t size) noexcept;

// Pages for secrets: `bytes` rounded up to whole pages from mmap, mlock'ed best effort and
// marked MADV_DONTDUMP. Throws std::bad_alloc only when no memory can be mapped.
void* allocate_locked_pages(std::size_t bytes);
// Unlocks and unmaps what allocate_locked_pages(`bytes`) returned (not wiped here).
void release_locked_pages(void* data, std::size_t bytes) noexcept;

// How many bytes of secret storage are currently mapped, and how many of those the system
// agreed to lock (for tests and diagnostics).
struct LockedPageStats final {
    std::size_t mapped_bytes = 0;
    std::size_t locked_bytes = 0;
};
LockedPageStats locked_page_stats() noexcept;

// A stateless allocator over allocate_locked_pages: the upstream of SecretBytes' storage.
template <typename T>
struct LockedPageAllocator {
    using value_type = T;
    LockedPageAllocator() noexcept = default;
    template <typename U>
    LockedPageAllocator(const LockedPageAllocator<U>&) noexcept {}  // NOLINT
    T* allocate(std::size_t n) { return static_cast<T*>(allocate_locked_pages(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { release_locked_pages(p, n * sizeof(T)); }
    template <typename U>
    bool operator==(const LockedPageAllocator<U>&) const noexcept {
        return true;
    }
};

// Wipes storage before handing it back to `Upstream` (locked pages in product code; tests
// substitute an upstream that inspects the bytes it is given back). Upstream is stateless.
template <typename T, typename Upstream = LockedPageAllocator<T>>
struct CleansingAllocator {
    using value_type = T;
    template <typename U>
    struct rebind {
        using other = CleansingAllocator<U, typename std::allocator_traits<Upstream>::template rebind_alloc<U>>;
    };
    CleansingAllocator() noexcept = default;
    template <typename U, typename V>
    CleansingAllocator(const CleansingAllocator<U, V>&) noexcept {}  // NOLINT
    T* allocate(std::size_t n) { return Upstream{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        secure_wipe(p, n * sizeof(T));
        Upstream{}.deallocate(p, n);
    }
    template <typename U, typename V>
    bool operator==(const CleansingAllocator<U, V>&) const noexcept {
        return true;
    }
};

class SecretBytes final {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size) : m_data(size) {}
    // Copies `data` into wiping storage; the caller wipes its own copy.
    static SecretBytes copy_of(std::span<const std::uint8_t> data);
    static SecretBytes copy_of(std::string_view data);

    SecretBytes(SecretBytes&&) noexcept = default;
    SecretBytes& operator=(SecretBytes&&) noexcept = default;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes() = default;

    [[nodiscard]] SecretBytes clone() const;

    // Explicit, greppable access to the secret.
    [[nodiscard]] std::span<const std::uint8_t> reveal() const noexcept { return m_data; }
    [[nodiscard]] std::span<std::uint8_t> reveal_mutable() noexcept { return m_data; }
    [[nodiscard]] std::string_view reveal_as_chars() const noexcept {
        return {reinterpret_cast<const char*>(m_data.data()), m_data.size()};
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_data.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_data.empty(); }
    void push_back(std::uint8_t b) { m_data.push_back(b); }
    void pop_back() { m_data.pop_back(); }
    void resize(std::size_t n) { m_data.resize(n); }
    void clear() noexcept;

    // Constant-time comparison.
    [[nodiscard]] bool equals(const SecretBytes& other) const noexcept;

private:
    std::vector<std::uint8_t, CleansingAllocator<std::uint8_t>> m_data;
};

}  // namespace tufkey::core
