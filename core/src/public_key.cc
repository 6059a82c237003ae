#include "tufkey/core/public_key.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>

#include "tufkey/core/ecdsa_signature.h"
#include "tufkey/core/openssl_handles.h"
#include "tufkey/core/pem.h"

namespace tufkey::core {
namespace {

Result<KeyAlgorithm> classify(EVP_PKEY* pkey) {
    if (EVP_PKEY_is_a(pkey, "ED25519")) return KeyAlgorithm::ed25519;
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        if (EVP_PKEY_get_bits(pkey) < 2048)
            return Error(ErrorCode::key, "RSA keys shorter than 2048 bits are not accepted");
        return KeyAlgorithm::rsa;
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
            return Error(ErrorCode::key, "EC key without a named curve is not supported");
        if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0) return KeyAlgorithm::ecdsa_p256;
        if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0) return KeyAlgorithm::ecdsa_p384;
        return Error(ErrorCode::key, std::string("EC curve ") + group + " is not supported (use P-256 or P-384)");
    }
    return Error(ErrorCode::key, "unsupported public key type (use ECDSA P-256/P-384, Ed25519 or RSA >= 2048)");
}

EvpPkeyPtr decode_spki(ByteView der) {
    const unsigned char* p = der.data();
    EvpPkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (pkey && p != der.data() + der.size()) return nullptr;  // trailing bytes
    return pkey;
}

Result<Bytes> encode_spki(EVP_PKEY* pkey) {
    unsigned char* buf = nullptr;
    int len = i2d_PUBKEY(pkey, &buf);
    if (len <= 0) return Error(ErrorCode::key, "cannot encode public key: " + openssl_error_text());
    Bytes out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

Result<PublicKey> from_evp(EVP_PKEY* pkey);

}  // namespace

Result<void> check_scheme_fits(KeyAlgorithm alg, const SignatureScheme& scheme) {
    bool fits = false;
    switch (alg) {
        case KeyAlgorithm::ecdsa_p256:
        case KeyAlgorithm::ecdsa_p384:
            fits = scheme.encoding == SignatureEncoding::ecdsa_der || scheme.encoding == SignatureEncoding::ecdsa_raw;
            break;
        case KeyAlgorithm::ed25519:
            fits = scheme.encoding == SignatureEncoding::ed25519;
            break;
        case KeyAlgorithm::rsa:
            fits = scheme.encoding == SignatureEncoding::rsa_pss || scheme.encoding == SignatureEncoding::rsa_pkcs1v15;
            break;
    }
    if (!fits)
        return Error(ErrorCode::usage, std::string("signature scheme does not fit a ") + to_string(alg) + " key");
    return success();
}

Result<PublicKey> PublicKey::from_spki_der(ByteView der) {
    EvpPkeyPtr pkey = decode_spki(der);
    if (!pkey) return Error(ErrorCode::key, "not a valid DER SubjectPublicKeyInfo");
    TUFKEY_TRY(KeyAlgorithm alg, classify(pkey.get()));
    TUFKEY_TRY(Bytes spki, encode_spki(pkey.get()));
    return PublicKey(alg, static_cast<unsigned>(EVP_PKEY_get_bits(pkey.get())), std::move(spki));
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
    TUFKEY_TRY(auto blocks, parse_pem(pem));
    for (const auto& block : blocks) {
        if (block.type == "PUBLIC KEY") return from_spki_der(block.der);
    }
    return Error(ErrorCode::key, "no PEM \"PUBLIC KEY\" block found");
}

Result<PublicKey> PublicKey::from_ed25519_raw(ByteView raw) {
    if (raw.size() != 32) return Error(ErrorCode::key, "an Ed25519 public key must be 32 bytes");
    EvpPkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
    if (!pkey) return Error(ErrorCode::key, "invalid Ed25519 public key");
    return from_evp(pkey.get());
}

Result<PublicKey> PublicKey::from_ec_point(KeyAlgorithm curve, ByteView point) {
    const char* group = curve == KeyAlgorithm::ecdsa_p256   ? "P-256"
                        : curve == KeyAlgorithm::ecdsa_p384 ? "P-384"
                                                            : nullptr;
    if (group == nullptr) return Error(ErrorCode::usage, "from_ec_point needs an ECDSA curve");
    OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return Error(ErrorCode::internal, "cannot build EC key parameters");
    OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return Error(ErrorCode::key, std::string("invalid EC point for ") + group);
    EvpPkeyPtr pkey(raw);
    return from_evp(pkey.get());
}

Result<PublicKey> PublicKey::from_rsa_components(ByteView modulus, ByteView exponent) {
    BignumPtr n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
    BignumPtr e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
    OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!n || !e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        return Error(ErrorCode::internal, "cannot build RSA key parameters");
    OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return Error(ErrorCode::key, "invalid RSA public key");
    EvpPkeyPtr pkey(raw);
    return from_evp(pkey.get());
}

namespace {
Result<PublicKey> from_evp(EVP_PKEY* pkey) {
    TUFKEY_TRY(Bytes spki, encode_spki(pkey));
    return PublicKey::from_spki_der(spki);
}
}  // namespace

std::string PublicKey::to_pem() const {
    EvpPkeyPtr pkey = decode_spki(m_spki);
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), pkey.get());
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

Bytes PublicKey::ed25519_raw() const {
    if (m_algorithm != KeyAlgorithm::ed25519) return {};
    EvpPkeyPtr pkey = decode_spki(m_spki);
    Bytes out(32);
    std::size_t len = out.size();
    if (EVP_PKEY_get_raw_public_key(pkey.get(), out.data(), &len) != 1) return {};
    out.resize(len);
    return out;
}

Bytes PublicKey::ec_point() const {
    if (ec_field_size() == 0) return {};
    EvpPkeyPtr pkey = decode_spki(m_spki);
    Bytes out(1 + 2 * ec_field_size());
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(pkey.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(), out.size(), &len) !=
        1)
        return {};
    out.resize(len);
    return out;
}

std::size_t PublicKey::ec_field_size() const noexcept {
    switch (m_algorithm) {
        case KeyAlgorithm::ecdsa_p256:
            return 32;
        case KeyAlgorithm::ecdsa_p384:
            return 48;
        default:
            return 0;
    }
}

Result<void> PublicKey::verify(const SignatureScheme& scheme, ByteView message, ByteView signature) const {
    TUFKEY_TRY_VOID(check_scheme_fits(m_algorithm, scheme));
    Bytes der_signature;
    ByteView sig = signature;
    if (scheme.encoding == SignatureEncoding::ecdsa_raw) {
        if (signature.size() != 2 * ec_field_size())
            return Error(ErrorCode::trust, "ECDSA signature has the wrong length for its curve");
        TUFKEY_TRY(der_signature, ecdsa_raw_to_der(signature));
        sig = der_signature;
    }
    EvpPkeyPtr pkey = decode_spki(m_spki);
    EvpMdCtxPtr mctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = scheme.encoding == SignatureEncoding::ed25519 ? nullptr : evp_md(scheme.hash);
    if (!pkey || !mctx || EVP_DigestVerifyInit(mctx.get(), &pctx, md, nullptr, pkey.get()) != 1)
        return Error(ErrorCode::internal, "cannot start signature verification: " + openssl_error_text());
    if (scheme.encoding == SignatureEncoding::rsa_pss) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
            return Error(ErrorCode::internal, "cannot set RSA-PSS parameters");
    } else if (scheme.encoding == SignatureEncoding::rsa_pkcs1v15) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
            return Error(ErrorCode::internal, "cannot set RSA PKCS#1 v1.5 padding");
    }
    int rc = EVP_DigestVerify(mctx.get(), sig.data(), sig.size(), message.data(), message.size());
    openssl_error_text();  // drop queued errors of a failed verification
    if (rc != 1) return Error(ErrorCode::trust, "signature does not verify");
    return success();
}

}  // namespace tufkey::core
