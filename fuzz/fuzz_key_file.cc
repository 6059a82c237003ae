// The key-file reader: PEM scanning, block inspection (PKCS#8 PBES1/PBES2 with PBKDF2 or scrypt,
// RFC 1423, plain PKCS#8 / SEC1 / PKCS#1, Notary's Ed25519 form) and decryption. The reader
// refuses work factors above its bounds before deriving anything; below them, decryption is
// tried only for cheap parameters so that one input cannot take seconds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tufkey/keystore/key_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tufkey;
    auto text = core::SecretBytes::copy_of(std::string_view(reinterpret_cast<const char*>(data), size));
    auto blocks = keystore::parse_key_pem(text, "fuzz.key");
    if (!blocks) return 0;
    const auto passphrase = core::SecretBytes::copy_of(std::string_view("fuzz passphrase"));
    for (auto& block : *blocks) {
        auto key = keystore::PrivateKeyBlock::from_pem(std::move(block), "fuzz.key");
        if (!key) continue;
        const auto& p = key->protection();
        const bool cheap =
            p.kdf == "scrypt" ? p.iterations <= 1024 && p.scrypt_r <= 8 && p.scrypt_p <= 1 : p.iterations <= 4096;
        if (!key->encrypted()) {
            (void)key->load_plain();
        } else if (cheap) {
            (void)key->try_decrypt(passphrase);
        }
    }
    return 0;
}
