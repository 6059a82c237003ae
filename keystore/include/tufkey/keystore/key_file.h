// Private key files in Notary's format, and every older or foreign form tufkey reads.
//
// Written (the only form tufkey writes):
//   -----BEGIN ENCRYPTED PRIVATE KEY-----
//   gun: example.com/app          <- targets/snapshot/timestamp keys only
//   role: targets
//
//   <base64 EncryptedPrivateKeyInfo, 64 columns>
//   -----END ENCRYPTED PRIVATE KEY-----
// PKCS#8 PBES2, PBKDF2 with HMAC-SHA1 and no PRF field (the only PRF Notary derives with),
// a 16-byte random salt, at least kMinimumIterations iterations, AES-256-CBC with a 16-byte IV.
// Ed25519 keys use Notary's own PKCS#8 encoding (OID 1.3.6.1.4.1.11591.15.1, a 96-byte blob
// public(32) || seed(32) || public(32)); ECDSA and RSA keys are standard PKCS#8.
//
// Read: encrypted PKCS#8 with any PBES2 parameters OpenSSL supports (PBKDF2 with any PRF and
// iteration count, scrypt), RFC 1423 `Proc-Type: 4,ENCRYPTED` blocks (`EC PRIVATE KEY`,
// `RSA PRIVATE KEY`), and plain `PRIVATE KEY` (PKCS#8, RFC 8410 or Notary Ed25519),
// `EC PRIVATE KEY` (SEC1) and `RSA PRIVATE KEY` (PKCS#1).
//
// Secrets (passphrases, plain key bytes, unencrypted key text) stay in core::SecretBytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tufkey/core/pem.h"
#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"
#include "tufkey/core/software_signer.h"

namespace tufkey::keystore {

// Tufkey never writes fewer PBKDF2 iterations than this (Notary itself writes 2048).
inline constexpr std::uint32_t kMinimumIterations = 600000;
// Reading refuses key files that ask for more (ErrorCode::key): far above any writer, far below
// the 2^31-1 a hostile file may ask for.
inline constexpr std::uint64_t kMaxKdfIterations = 10'000'000;
// scrypt (PBES2 with id-scrypt, e.g. `openssl pkcs8 -topk8 -scrypt`, N=16384 r=8 p=1) is read
// only within these bounds (ErrorCode::key before any derivation): N a power of two up to 2^20,
// r up to 32, p up to 16, and the memory OpenSSL needs for it, 128*r*(N+p+2) bytes, at most its
// own 32 MiB ceiling (above that OpenSSL would fail as if the passphrase were wrong). The work
// is then at most 16 times a 32 MiB pass: seconds, not hours.
inline constexpr std::uint64_t kMaxScryptN = std::uint64_t{1} << 20;
inline constexpr std::uint64_t kMaxScryptR = 32;
inline constexpr std::uint64_t kMaxScryptP = 16;
inline constexpr std::uint64_t kMaxScryptMemory = std::uint64_t{32} << 20;

// One PEM block of a key file. The body is kept as a secret because it may be a plain key.
using KeyPemBlock = core::SecretPemBlock;

// Every PEM block in `text` (core::parse_secret_pem). A malformed block is ErrorCode::key
// naming `origin`.
core::Result<std::vector<KeyPemBlock>> parse_key_pem(const core::SecretBytes& text, std::string_view origin);

// Reads a whole file into wiping storage (for files that may hold plain private keys).
// ErrorCode::io naming the path when it cannot be read.
core::Result<core::SecretBytes> read_secret_file(const std::filesystem::path& path);

// The Notary PEM headers of a key file. Empty fields are not written; headers are written
// sorted by name (gun, path, role), as Go's pem encoder does.
struct KeyHeaders final {
    std::string role;
    std::string gun;
    std::string path;  // only in export files: the key ID, which `notary key import` needs
};

// How a key block is protected, as found in the file.
struct KeyProtection final {
    enum class Kind { pbes2, rfc1423, plain };
    Kind kind = Kind::plain;
    std::string kdf;               // "pbkdf2", "scrypt", "EVP_BytesToKey-MD5" or ""
    std::string prf;               // PBKDF2 PRF short name, "hmacWithSHA1" when the field is absent
    bool prf_field = false;        // whether the PBKDF2 parameters carry a PRF field
    std::uint64_t iterations = 0;  // PBKDF2 or PBES1 iterations; scrypt: N
    std::uint64_t scrypt_r = 0;    // scrypt block size
    std::uint64_t scrypt_p = 0;    // scrypt parallelisation
    std::string cipher;            // OpenSSL short name, e.g. "AES-256-CBC"
};

// A private key block as read from a file, checked for structure but not yet decrypted.
class PrivateKeyBlock final {
public:
    // Accepts the key block types listed in this header's comment. Any other block type, or a
    // body that does not parse, is ErrorCode::key naming `origin` (the file, for messages).
    static core::Result<PrivateKeyBlock> from_pem(KeyPemBlock block, std::string origin);

    [[nodiscard]] bool encrypted() const noexcept { return m_protection.kind != KeyProtection::Kind::plain; }
    [[nodiscard]] const KeyProtection& protection() const noexcept { return m_protection; }
    [[nodiscard]] const KeyPemBlock& pem() const noexcept { return m_block; }
    [[nodiscard]] const std::string& origin() const noexcept { return m_origin; }
    [[nodiscard]] std::string role() const { return m_block.header("role").value_or(""); }
    [[nodiscard]] std::string gun() const { return m_block.header("gun").value_or(""); }
    [[nodiscard]] std::string path() const { return m_block.header("path").value_or(""); }

    // Decrypts the block (a plain block is loaded and the passphrase ignored). A wrong
    // passphrase gives nullopt: it cannot be told apart from a body damaged inside the
    // encryption. A block whose outer structure is damaged is ErrorCode::key naming the origin.
    [[nodiscard]] core::Result<std::optional<std::unique_ptr<core::SoftwareSigner>>> try_decrypt(
        const core::SecretBytes& passphrase) const;
    // As try_decrypt, with a wrong passphrase as ErrorCode::key "wrong passphrase for <origin>".
    [[nodiscard]] core::Result<std::unique_ptr<core::SoftwareSigner>> decrypt(
        const core::SecretBytes& passphrase) const;
    // Loads a plain block. ErrorCode::key naming the origin when it does not parse.
    [[nodiscard]] core::Result<std::unique_ptr<core::SoftwareSigner>> load_plain() const;

    // The encrypted block re-armoured with other headers, for export (`path:`) without
    // decrypting. Only for encrypted blocks.
    [[nodiscard]] std::string rearmour(const KeyHeaders& headers) const;

private:
    PrivateKeyBlock(KeyPemBlock block, KeyProtection protection, std::string origin)
        : m_block(std::move(block)), m_protection(std::move(protection)), m_origin(std::move(origin)) {}

    KeyPemBlock m_block;
    KeyProtection m_protection;
    std::string m_origin;
};

// Encrypts `key` as a Notary key file block (see the top of this header). `iterations` below
// kMinimumIterations is accepted only so tests can make files like Notary's own.
core::Result<std::string> encrypt_key_pem(const core::SoftwareSigner& key, const core::SecretBytes& passphrase,
                                          const KeyHeaders& headers, std::uint32_t iterations = kMinimumIterations);

// The unencrypted PKCS#8 PrivateKeyInfo that Notary reads: Notary's Ed25519 encoding for
// Ed25519 keys, standard PKCS#8 otherwise.
core::Result<core::SecretBytes> notary_pkcs8_der(const core::SoftwareSigner& key);

// Parses an unencrypted private key in DER: PKCS#8 (standard or Notary Ed25519), SEC1 or
// PKCS#1. ErrorCode::key when it is none of them.
core::Result<std::unique_ptr<core::SoftwareSigner>> parse_private_key_der(const core::SecretBytes& der,
                                                                          std::string description);

}  // namespace tufkey::keystore
