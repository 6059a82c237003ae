// Notary's PKCS#8 forms and plain private key parsing.
#include "notary_pkcs8.h"

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>

#include <algorithm>
#include <array>

#include "tufkey/core/openssl_handles.h"
#include "tufkey/keystore/key_file.h"

namespace tufkey::keystore {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

constexpr std::size_t kEd25519Size = 32;
constexpr std::size_t kNotaryBlobSize = 3 * kEd25519Size;

// DER of SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.6.1.4.1.11591.15.1 }, OCTET STRING (96) }
// up to the OCTET STRING's contents.
constexpr std::array<std::uint8_t, 20> kNotaryEd25519Prefix = {0x30, 0x72, 0x02, 0x01, 0x00, 0x30, 0x0b,
                                                               0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01,
                                                               0xda, 0x47, 0x0f, 0x01, 0x04, 0x60};

Result<std::unique_ptr<core::SoftwareSigner>> from_notary_blob(const unsigned char* blob, int len,
                                                               const std::string& description) {
    if (len != static_cast<int>(kNotaryBlobSize)) {
        return Error(ErrorCode::key, description + ": a Notary Ed25519 key must hold 96 bytes");
    }
    EVP_PKEY* raw = EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, blob + kEd25519Size, kEd25519Size);
    if (raw == nullptr) return Error(ErrorCode::key, description + ": invalid Ed25519 seed");
    core::EvpPkeyPtr pkey(raw);
    std::array<unsigned char, kEd25519Size> pub{};
    std::size_t pub_len = pub.size();
    if (EVP_PKEY_get_raw_public_key(pkey.get(), pub.data(), &pub_len) != 1 ||
        !std::equal(pub.begin(), pub.end(), blob) || !std::equal(pub.begin(), pub.end(), blob + 2 * kEd25519Size)) {
        return Error(ErrorCode::key, description + ": the Ed25519 public key does not match its seed");
    }
    return core::SoftwareSigner::adopt(std::move(pkey), description);
}

}  // namespace

namespace detail {

Result<std::unique_ptr<core::SoftwareSigner>> signer_from_pkcs8(const PKCS8_PRIV_KEY_INFO* p8,
                                                                const std::string& description) {
    const ASN1_OBJECT* oid = nullptr;
    const unsigned char* key_bytes = nullptr;
    int key_len = 0;
    const X509_ALGOR* alg = nullptr;
    if (PKCS8_pkey_get0(&oid, &key_bytes, &key_len, &alg, p8) != 1) {
        return Error(ErrorCode::key, description + ": not a PKCS#8 private key");
    }
    core::Asn1ObjectPtr notary_oid(OBJ_txt2obj(kNotaryEd25519Oid, 1));
    if (notary_oid && OBJ_cmp(oid, notary_oid.get()) == 0) return from_notary_blob(key_bytes, key_len, description);
    core::EvpPkeyPtr pkey(EVP_PKCS82PKEY(p8));
    ERR_clear_error();
    if (!pkey) return Error(ErrorCode::key, description + ": unsupported or damaged PKCS#8 private key");
    return core::SoftwareSigner::adopt(std::move(pkey), description);
}

}  // namespace detail

Result<std::unique_ptr<core::SoftwareSigner>> parse_private_key_der(const SecretBytes& der, std::string description) {
    const unsigned char* p = der.reveal().data();
    core::Pkcs8InfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
    if (p8 && p == der.reveal().data() + der.size()) return detail::signer_from_pkcs8(p8.get(), description);
    p8.reset();
    ERR_clear_error();
    // SEC1 ECPrivateKey or PKCS#1 RSAPrivateKey.
    EVP_PKEY* pkey = nullptr;
    OSSL_DECODER_CTX* ctx =
        OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", nullptr, nullptr, EVP_PKEY_KEYPAIR, nullptr, nullptr);
    if (ctx == nullptr) return Error(ErrorCode::internal, "cannot set up the key decoder");
    const unsigned char* data = der.reveal().data();
    std::size_t len = der.size();
    int ok = OSSL_DECODER_from_data(ctx, &data, &len);
    OSSL_DECODER_CTX_free(ctx);
    ERR_clear_error();
    core::EvpPkeyPtr owned(pkey);
    if (ok != 1 || !owned) return Error(ErrorCode::key, description + ": not a private key tufkey reads");
    return core::SoftwareSigner::adopt(std::move(owned), std::move(description));
}

Result<SecretBytes> notary_pkcs8_der(const core::SoftwareSigner& key) {
    if (key.public_key().algorithm() != core::KeyAlgorithm::ed25519) return key.to_pkcs8_der();
    SecretBytes seed(kEd25519Size);
    std::size_t seed_len = seed.size();
    if (EVP_PKEY_get_raw_private_key(key.evp_pkey(), seed.reveal_mutable().data(), &seed_len) != 1 ||
        seed_len != kEd25519Size) {
        return Error(ErrorCode::internal, "cannot read the Ed25519 seed");
    }
    const core::Bytes pub = key.public_key().ed25519_raw();
    if (pub.size() != kEd25519Size) return Error(ErrorCode::internal, "Ed25519 public key of unexpected size");
    SecretBytes der(kNotaryEd25519Prefix.size() + kNotaryBlobSize);
    auto out = der.reveal_mutable();
    auto it = std::copy(kNotaryEd25519Prefix.begin(), kNotaryEd25519Prefix.end(), out.begin());
    it = std::copy(pub.begin(), pub.end(), it);
    it = std::copy(seed.reveal().begin(), seed.reveal().end(), it);
    std::copy(pub.begin(), pub.end(), it);
    return der;
}

}  // namespace tufkey::keystore
