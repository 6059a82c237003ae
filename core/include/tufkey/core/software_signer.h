// SoftwareSigner: a private key held in process memory (decrypted from a key file, or made
// here). The key material lives in an OpenSSL EVP_PKEY and is freed (and wiped by OpenSSL)
// with the signer.
#pragma once

#include <memory>
#include <string>

#include "tufkey/core/openssl_fwd.h"
#include "tufkey/core/secret_bytes.h"
#include "tufkey/core/signer.h"

namespace tufkey::core {

class SoftwareSigner final : public Signer {
public:
    // A new random key. For rsa, `rsa_bits` (>= 2048) applies.
    static Result<std::unique_ptr<SoftwareSigner>> generate(KeyAlgorithm alg, unsigned rsa_bits = 3072);
    static Result<std::unique_ptr<SoftwareSigner>> generate(KeyType type) {
        return generate(algorithm_of(type), rsa_bits(type));
    }
    // From an unencrypted PKCS#8 PrivateKeyInfo (DER).
    static Result<std::unique_ptr<SoftwareSigner>> from_pkcs8_der(const SecretBytes& der);
    // Takes ownership of an EVP_PKEY holding a private key (keystore/ uses this).
    static Result<std::unique_ptr<SoftwareSigner>> adopt(EvpPkeyPtr pkey, std::string description);

    ~SoftwareSigner() override = default;

    [[nodiscard]] const PublicKey& public_key() const override { return m_public; }
    [[nodiscard]] Result<Bytes> sign(const SignatureScheme& scheme, ByteView message) override;
    [[nodiscard]] std::string describe() const override { return m_description; }
    void set_description(std::string d) { m_description = std::move(d); }

    // Unencrypted PKCS#8 PrivateKeyInfo DER, for keystore/ to encrypt. Never write it out as is.
    [[nodiscard]] Result<SecretBytes> to_pkcs8_der() const;
    // The key for code that must hand it to OpenSSL (keystore/ encryption). Not owned.
    [[nodiscard]] evp_pkey_st* evp_pkey() const noexcept { return m_pkey.get(); }

private:
    SoftwareSigner(EvpPkeyPtr pkey, PublicKey pub, std::string description);

    EvpPkeyPtr m_pkey;
    PublicKey m_public;
    std::string m_description;
};

}  // namespace tufkey::core
