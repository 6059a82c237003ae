#include "tufkey/core/digest.h"
#include "tufkey/core/openssl_handles.h"

#include <openssl/evp.h>

#include <new>
#include <string>

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
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, evp_md(alg), nullptr) != 1) throw std::bad_alloc();
    return out;
}

Result<Hasher> Hasher::create(HashAlgorithm alg) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), evp_md(alg), nullptr) != 1)
        return Error(ErrorCode::internal,
                     std::string("cannot start a ") + to_string(alg) + " digest: " + openssl_error_text());
    return Hasher(alg, std::move(ctx));
}

Result<void> Hasher::update(ByteView data) {
    if (!m_ctx || EVP_DigestUpdate(m_ctx.get(), data.data(), data.size()) != 1)
        return Error(ErrorCode::internal, std::string(to_string(m_alg)) + " digest update failed");
    return success();
}

Result<Bytes> Hasher::finish() {
    Bytes out(digest_size(m_alg));
    unsigned int len = 0;
    if (!m_ctx || EVP_DigestFinal_ex(m_ctx.get(), out.data(), &len) != 1)
        return Error(ErrorCode::internal, std::string(to_string(m_alg)) + " digest could not be finished");
    m_ctx.reset();
    return out;
}

}  // namespace tufkey::core
