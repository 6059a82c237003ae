#include "tufkey/core/secret_bytes.h"

#include <openssl/crypto.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <new>

namespace tufkey::core {

void secure_wipe(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

namespace {

std::atomic<std::size_t> g_mapped{0};
std::atomic<std::size_t> g_locked{0};

// Whole pages, never zero (a zero-byte request still gets a page of its own).
std::size_t page_span(std::size_t bytes) {
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return bytes == 0 ? page : (bytes + page - 1) / page * page;
}

// The first byte of each mapping records whether it was locked; the caller's storage starts
// one alignment unit later. Keeping the flag in the mapping keeps release exact without a table.
constexpr std::size_t kHeader = alignof(std::max_align_t);

}  // namespace

void* allocate_locked_pages(std::size_t bytes) {
    if (bytes > SIZE_MAX - kHeader) throw std::bad_alloc();
    const std::size_t span = page_span(bytes + kHeader);
    void* base = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    ::madvise(base, span, MADV_DONTDUMP);          // best effort: kept out of core dumps
    const bool locked = ::mlock(base, span) == 0;  // best effort: RLIMIT_MEMLOCK may say no
    auto* header = static_cast<unsigned char*>(base);
    header[0] = locked ? 1 : 0;
    g_mapped += span;
    if (locked) g_locked += span;
    return header + kHeader;
}

void release_locked_pages(void* data, std::size_t bytes) noexcept {
    if (data == nullptr) return;
    auto* base = static_cast<unsigned char*>(data) - kHeader;
    const std::size_t span = page_span(bytes + kHeader);
    const bool locked = base[0] == 1;
    if (locked) {
        ::munlock(base, span);
        g_locked -= span;
    }
    g_mapped -= span;
    ::munmap(base, span);
}

LockedPageStats locked_page_stats() noexcept { return {g_mapped.load(), g_locked.load()}; }

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> data) {
    SecretBytes s(data.size());
    std::copy(data.begin(), data.end(), s.m_data.begin());
    return s;
}

SecretBytes SecretBytes::copy_of(std::string_view data) {
    return copy_of(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

SecretBytes SecretBytes::clone() const { return copy_of(std::span<const std::uint8_t>(m_data)); }

void SecretBytes::clear() noexcept {
    secure_wipe(m_data.data(), m_data.size());
    m_data.clear();
}

bool SecretBytes::equals(const SecretBytes& other) const noexcept {
    if (m_data.size() != other.m_data.size()) return false;
    return CRYPTO_memcmp(m_data.data(), other.m_data.data(), m_data.size()) == 0;
}

}  // namespace tufkey::core
