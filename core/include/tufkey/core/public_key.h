// PublicKey: an immutable value holding a verified SubjectPublicKeyInfo.
//
// Supported: ECDSA P-256 and P-384, Ed25519, RSA with a modulus of at least 2048 bits.
// Two PublicKeys are equal when their DER SPKI bytes are equal, which is how thresholds
// count distinct keys.
#pragma once

#include <string>
#include <string_view>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"
#include "tufkey/core/signature_scheme.h"

namespace tufkey::core {

class PublicKey final {
public:
    // DER SubjectPublicKeyInfo.
    static Result<PublicKey> from_spki_der(ByteView der);
    // PEM "PUBLIC KEY" (extra PEM headers such as "role:" are allowed and ignored).
    static Result<PublicKey> from_pem(std::string_view pem);
    // Raw 32-byte Ed25519 public key.
    static Result<PublicKey> from_ed25519_raw(ByteView raw);
    // Uncompressed EC point (0x04 || X || Y) on the given curve.
    static Result<PublicKey> from_ec_point(KeyAlgorithm curve, ByteView point);
    // RSA modulus and public exponent, big-endian.
    static Result<PublicKey> from_rsa_components(ByteView modulus, ByteView exponent);

    [[nodiscard]] KeyAlgorithm algorithm() const noexcept { return m_algorithm; }
    [[nodiscard]] unsigned bits() const noexcept { return m_bits; }
    [[nodiscard]] const Bytes& spki_der() const noexcept { return m_spki; }
    // PEM "PUBLIC KEY" with 64-column lines and a trailing newline.
    [[nodiscard]] std::string to_pem() const;
    // The raw 32 bytes of an Ed25519 key; empty for other algorithms.
    [[nodiscard]] Bytes ed25519_raw() const;
    // The uncompressed point of an EC key; empty for other algorithms.
    [[nodiscard]] Bytes ec_point() const;
    // ECDSA field size in bytes (32 for P-256, 48 for P-384); 0 for other algorithms.
    [[nodiscard]] std::size_t ec_field_size() const noexcept;

    // Checks `signature` over `message` under `scheme`. A mismatch is ErrorCode::trust.
    [[nodiscard]] Result<void> verify(const SignatureScheme& scheme, ByteView message, ByteView signature) const;

    friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.m_spki == b.m_spki; }
    friend bool operator<(const PublicKey& a, const PublicKey& b) { return a.m_spki < b.m_spki; }

private:
    PublicKey(KeyAlgorithm alg, unsigned bits, Bytes spki) : m_algorithm(alg), m_bits(bits), m_spki(std::move(spki)) {}

    KeyAlgorithm m_algorithm;
    unsigned m_bits;
    Bytes m_spki;
};

}  // namespace tufkey::core
