// Message digests over public data.
#pragma once

#include <string_view>

#include "tufkey/core/bytes.h"
#include "tufkey/core/openssl_fwd.h"
#include "tufkey/core/result.h"

namespace tufkey::core {

enum class HashAlgorithm { sha256, sha384, sha512 };

const char* to_string(HashAlgorithm alg) noexcept;  // "sha256", "sha384", "sha512"
std::size_t digest_size(HashAlgorithm alg) noexcept;

// One-shot digests. The algorithms are OpenSSL built-ins over bytes in memory, so the only way
// these can fail is memory exhaustion, reported like any allocation failure (std::bad_alloc);
// they return no Result because no caller could do anything with one.
Bytes digest(HashAlgorithm alg, ByteView data);
inline Bytes sha256(ByteView data) { return digest(HashAlgorithm::sha256, data); }
inline Bytes sha512(ByteView data) { return digest(HashAlgorithm::sha512, data); }

// Incremental hashing for files and streams.
class Hasher final {
public:
    static Result<Hasher> create(HashAlgorithm alg);

    Hasher(Hasher&&) noexcept = default;
    Hasher& operator=(Hasher&&) noexcept = default;
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    ~Hasher() = default;

    [[nodiscard]] Result<void> update(ByteView data);
    // The digest of everything given to update(); the Hasher is spent afterwards.
    [[nodiscard]] Result<Bytes> finish();

private:
    Hasher(HashAlgorithm alg, EvpMdCtxPtr ctx) : m_alg(alg), m_ctx(std::move(ctx)) {}

    HashAlgorithm m_alg;
    EvpMdCtxPtr m_ctx;
};

}  // namespace tufkey::core
