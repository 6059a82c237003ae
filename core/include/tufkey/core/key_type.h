// The key-type vocabulary: the one place where key algorithms and the user-facing key-type
// names ("ecdsa-p256", "rsa-3072", ...) are defined, parsed and printed. Key files
// (keystore/), tokens (pkcs11/) and the commands all use KeyType; nothing else spells the list.
#pragma once

#include <string_view>

#include "tufkey/core/result.h"

namespace tufkey::core {

// What a public key is, as far as signing schemes care (any RSA size is one algorithm).
enum class KeyAlgorithm { ecdsa_p256, ecdsa_p384, ed25519, rsa };

const char* to_string(KeyAlgorithm alg) noexcept;  // "ecdsa-p256", "ecdsa-p384", "ed25519", "rsa"

// A key to make: the algorithm and, for RSA, the modulus size.
enum class KeyType { ecdsa_p256, ecdsa_p384, ed25519, rsa_2048, rsa_3072, rsa_4096 };

inline constexpr KeyType kDefaultKeyType = KeyType::ecdsa_p256;

KeyAlgorithm algorithm_of(KeyType type) noexcept;
unsigned rsa_bits(KeyType type) noexcept;      // 0 for non-RSA types
const char* to_string(KeyType type) noexcept;  // "ecdsa-p256", ..., "rsa-3072"

// Parses a type name; "ecdsa" (P-256) and "rsa" (3072 bits) are accepted as Notary's names.
// Anything else is ErrorCode::usage naming `option` and the accepted names.
Result<KeyType> parse_key_type(std::string_view text, std::string_view option = "--type");

// "ecdsa-p256 (default), ecdsa-p384, ed25519, rsa-2048, rsa-3072 or rsa-4096", for help texts.
const char* key_type_help() noexcept;

}  // namespace tufkey::core
