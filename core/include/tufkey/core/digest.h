// Message digests over public data.
#pragma once

#include <string_view>

#include "tufkey/core/bytes.h"

namespace tufkey::core {

enum class HashAlgorithm { sha256, sha384, sha512 };

const char* to_string(HashAlgorithm alg) noexcept;  // "sha256", "sha384", "sha512"
std::size_t digest_size(HashAlgorithm alg) noexcept;

Bytes digest(HashAlgorithm alg, ByteView data);
inline Bytes sha256(ByteView data) { return digest(HashAlgorithm::sha256, data); }
inline Bytes sha512(ByteView data) { return digest(HashAlgorithm::sha512, data); }

// Incremental hashing for files and streams.
class Hasher final {
public:
    explicit Hasher(HashAlgorithm alg);
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    void update(ByteView data);
    Bytes finish();

private:
    HashAlgorithm m_alg;
    void* m_ctx;  // EVP_MD_CTX*, kept opaque so callers need no OpenSSL headers
};

}  // namespace tufkey::core
