#include "tufkey/core/digest.h"
#include "tufkey/core/openssl_handles.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace tufkey::core {

const EVP_MD* evp_md(HashAlgorithm alg) noexcept {
    switch (alg) {
        case HashAlgorithm::sha256:
            return EVP_sha256();
        case HashAlgorithm::sha384:
            return EVP_sha384();
        case HashAlgorithm::sha512:
            return EVP_sha512();
    }
    return EVP_sha256();
}

const char* to_string(HashAlgorithm alg) noexcept {
    switch (alg) {
        case HashAlgorithm::sha256:
            return "sha256";
        case HashAlgorithm::sha384:
            return "sha384";
        case HashAlgorithm::sha512:
            return "sha512";
    }
    return "sha256";
}

std::size_t digest_size(HashAlgorithm alg) noexcept {
    switch (alg) {
        case HashAlgorithm::sha256:
            return 32;
        case HashAlgorithm::sha384:
            return 48;
        case HashAlgorithm::sha512:
            return 64;
    }
    return 32;
}

Bytes digest(HashAlgorithm alg, ByteView data) {
    Bytes out(digest_size(alg));
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, evp_md(alg), nullptr) != 1)
        throw std::runtime_error("EVP_Digest failed");
    return out;
}

Hasher::Hasher(HashAlgorithm alg) : m_alg(alg), m_ctx(EVP_MD_CTX_new()) {
    if (m_ctx == nullptr || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), evp_md(alg), nullptr) != 1)
        throw std::runtime_error("EVP_DigestInit_ex failed");
}

Hasher::~Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx)); }

void Hasher::update(ByteView data) { EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), data.data(), data.size()); }

Bytes Hasher::finish() {
    Bytes out(digest_size(m_alg));
    unsigned int len = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), out.data(), &len);
    return out;
}

}  // namespace tufkey::core
