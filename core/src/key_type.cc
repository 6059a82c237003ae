#include "tufkey/core/key_type.h"

#include <array>
#include <string>

namespace tufkey::core {
namespace {

constexpr std::array kAllTypes{KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ed25519,
                               KeyType::rsa_2048,   KeyType::rsa_3072,   KeyType::rsa_4096};

}  // namespace

const char* to_string(KeyAlgorithm alg) noexcept {
    switch (alg) {
        case KeyAlgorithm::ecdsa_p256:
            return "ecdsa-p256";
        case KeyAlgorithm::ecdsa_p384:
            return "ecdsa-p384";
        case KeyAlgorithm::ed25519:
            return "ed25519";
        case KeyAlgorithm::rsa:
            return "rsa";
    }
    return "unknown";
}

KeyAlgorithm algorithm_of(KeyType type) noexcept {
    switch (type) {
        case KeyType::ecdsa_p256:
            return KeyAlgorithm::ecdsa_p256;
        case KeyType::ecdsa_p384:
            return KeyAlgorithm::ecdsa_p384;
        case KeyType::ed25519:
            return KeyAlgorithm::ed25519;
        case KeyType::rsa_2048:
        case KeyType::rsa_3072:
        case KeyType::rsa_4096:
            return KeyAlgorithm::rsa;
    }
    return KeyAlgorithm::ecdsa_p256;
}

unsigned rsa_bits(KeyType type) noexcept {
    switch (type) {
        case KeyType::rsa_2048:
            return 2048;
        case KeyType::rsa_3072:
            return 3072;
        case KeyType::rsa_4096:
            return 4096;
        default:
            return 0;
    }
}

const char* to_string(KeyType type) noexcept {
    switch (type) {
        case KeyType::ecdsa_p256:
            return "ecdsa-p256";
        case KeyType::ecdsa_p384:
            return "ecdsa-p384";
        case KeyType::ed25519:
            return "ed25519";
        case KeyType::rsa_2048:
            return "rsa-2048";
        case KeyType::rsa_3072:
            return "rsa-3072";
        case KeyType::rsa_4096:
            return "rsa-4096";
    }
    return "unknown";
}

Result<KeyType> parse_key_type(std::string_view text, std::string_view option) {
    if (text == "ecdsa") return KeyType::ecdsa_p256;
    if (text == "rsa") return KeyType::rsa_3072;
    for (const KeyType type : kAllTypes) {
        if (text == to_string(type)) return type;
    }
    return Error(ErrorCode::usage, "unknown key type '" + std::string(text) + "' for " + std::string(option) +
                                       ": use " + key_type_help());
}

const char* key_type_help() noexcept {
    return "ecdsa-p256 (default), ecdsa-p384, ed25519, rsa-2048, rsa-3072 or rsa-4096";
}

}  // namespace tufkey::core
