#include "tufkey/core/software_signer.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tufkey/core/ecdsa_signature.h"
#include "tufkey/core/openssl_handles.h"

namespace tufkey::core {
namespace {

Result<PublicKey> public_of(EVP_PKEY* pkey) {
    unsigned char* buf = nullptr;
    int len = i2d_PUBKEY(pkey, &buf);
    if (len <= 0) return Error(ErrorCode::key, "cannot derive the public key: " + openssl_error_text());
    Bytes spki(buf, buf + len);
    OPENSSL_free(buf);
    return PublicKey::from_spki_der(spki);
}

}  // namespace

SoftwareSigner::SoftwareSigner(EvpPkeyPtr pkey, PublicKey pub, std::string description)
    : m_pkey(std::move(pkey)), m_public(std::move(pub)), m_description(std::move(description)) {}

Result<std::unique_ptr<SoftwareSigner>> SoftwareSigner::generate(KeyAlgorithm alg, unsigned rsa_bits) {
    EvpPkeyPtr pkey;
    switch (alg) {
        case KeyAlgorithm::ecdsa_p256:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
            break;
        case KeyAlgorithm::ecdsa_p384:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
            break;
        case KeyAlgorithm::ed25519:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
            break;
        case KeyAlgorithm::rsa:
            if (rsa_bits < 2048) return Error(ErrorCode::usage, "RSA keys must have at least 2048 bits");
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits)));
            break;
    }
    if (!pkey) return Error(ErrorCode::internal, "key generation failed: " + openssl_error_text());
    return adopt(std::move(pkey), "generated key");
}

Result<std::unique_ptr<SoftwareSigner>> SoftwareSigner::from_pkcs8_der(const SecretBytes& der) {
    auto bytes = der.reveal();
    const unsigned char* p = bytes.data();
    Pkcs8InfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(bytes.size())));
    if (!p8) return Error(ErrorCode::key, "not a valid PKCS#8 private key");
    EvpPkeyPtr pkey(EVP_PKCS82PKEY(p8.get()));
    if (!pkey) return Error(ErrorCode::key, "unsupported PKCS#8 private key: " + openssl_error_text());
    return adopt(std::move(pkey), "key");
}

Result<std::unique_ptr<SoftwareSigner>> SoftwareSigner::adopt(EvpPkeyPtr pkey, std::string description) {
    if (!pkey) return Error(ErrorCode::internal, "no key to adopt");
    TUFKEY_TRY(PublicKey pub, public_of(pkey.get()));
    return std::unique_ptr<SoftwareSigner>(new SoftwareSigner(std::move(pkey), std::move(pub), std::move(description)));
}

Result<Bytes> SoftwareSigner::sign(const SignatureScheme& scheme, ByteView message) {
    TUFKEY_TRY_VOID(check_scheme_fits(m_public.algorithm(), scheme));
    EvpMdCtxPtr mctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = scheme.encoding == SignatureEncoding::ed25519 ? nullptr : evp_md(scheme.hash);
    if (!mctx || EVP_DigestSignInit(mctx.get(), &pctx, md, nullptr, m_pkey.get()) != 1)
        return Error(ErrorCode::internal, "cannot start signing: " + openssl_error_text());
    if (scheme.encoding == SignatureEncoding::rsa_pss) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
            return Error(ErrorCode::internal, "cannot set RSA-PSS parameters");
    } else if (scheme.encoding == SignatureEncoding::rsa_pkcs1v15) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
            return Error(ErrorCode::internal, "cannot set RSA PKCS#1 v1.5 padding");
    }
    std::size_t len = 0;
    if (EVP_DigestSign(mctx.get(), nullptr, &len, message.data(), message.size()) != 1)
        return Error(ErrorCode::internal, "signing failed: " + openssl_error_text());
    Bytes sig(len);
    if (EVP_DigestSign(mctx.get(), sig.data(), &len, message.data(), message.size()) != 1)
        return Error(ErrorCode::internal, "signing failed: " + openssl_error_text());
    sig.resize(len);
    if (scheme.encoding == SignatureEncoding::ecdsa_raw) return ecdsa_der_to_raw(sig, m_public.ec_field_size());
    return sig;
}

Result<SecretBytes> SoftwareSigner::to_pkcs8_der() const {
    Pkcs8InfoPtr p8(EVP_PKEY2PKCS8(m_pkey.get()));
    if (!p8) return Error(ErrorCode::internal, "cannot encode the private key: " + openssl_error_text());
    int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
    if (len <= 0) return Error(ErrorCode::internal, "cannot encode the private key");
    SecretBytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.reveal_mutable().data();
    i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &p);
    return out;
}

}  // namespace tufkey::core
