#include "tufkey/core/secret_bytes.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace tufkey::core {

void secure_wipe(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

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
