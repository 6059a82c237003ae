#include "tufkey/core/certificate.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "tufkey/core/openssl_handles.h"

namespace tufkey::core {
namespace {

Result<SystemTime> to_system_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return Error(ErrorCode::trust, "certificate has an invalid validity time");
    return SystemTime(std::chrono::seconds(timegm(&tm)));
}

std::string common_name_of(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) return {};
    std::string cn(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return cn;
}

X509Ptr read_first_certificate(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Result<void> add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return Error(ErrorCode::internal, std::string("cannot build certificate extension ") + value);
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) return Error(ErrorCode::internal, "cannot add certificate extension");
    return success();
}

Result<void> set_random_serial(X509* cert) {
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return Error(ErrorCode::internal, "no randomness for the serial number");
    serial[0] &= 0x7f;  // positive
    serial[0] |= 0x40;  // full 128-bit length class, never zero
    BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    Asn1IntegerPtr asn(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!asn || X509_set_serialNumber(cert, asn.get()) != 1)
        return Error(ErrorCode::internal, "cannot set the serial number");
    return success();
}

Result<void> set_signature_algorithm(X509* cert, int sig_nid, int param_type) {
    const ASN1_BIT_STRING* sig = nullptr;
    const X509_ALGOR* outer = nullptr;
    X509_get0_signature(&sig, &outer, cert);
    const X509_ALGOR* inner = X509_get0_tbs_sigalg(cert);
    for (const X509_ALGOR* alg : {inner, outer}) {
        if (X509_ALGOR_set0(const_cast<X509_ALGOR*>(alg), OBJ_nid2obj(sig_nid), param_type, nullptr) != 1)
            return Error(ErrorCode::internal, "cannot set the certificate signature algorithm");
    }
    return success();
}

Result<X509Ptr> build_unsigned(const PublicKey& key, std::string_view common_name, SystemTime not_before,
                               SystemTime not_after) {
    X509Ptr cert(X509_new());
    const unsigned char* p = key.spki_der().data();
    EvpPkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(key.spki_der().size())));
    X509NamePtr name(X509_NAME_new());
    if (!cert || !pkey || !name || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.data()),
                                   static_cast<int>(common_name.size()), -1, 0) != 1 ||
        X509_set_subject_name(cert.get(), name.get()) != 1 || X509_set_issuer_name(cert.get(), name.get()) != 1 ||
        !ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before.time_since_epoch().count()) ||
        !ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after.time_since_epoch().count()) ||
        X509_set_pubkey(cert.get(), pkey.get()) != 1)
        return Error(ErrorCode::internal, "cannot build the certificate: " + openssl_error_text());
    TUFKEY_TRY_VOID(set_random_serial(cert.get()));
    TUFKEY_TRY_VOID(add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment"));
    TUFKEY_TRY_VOID(add_extension(cert.get(), NID_ext_key_usage, "codeSigning"));
    TUFKEY_TRY_VOID(add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
    return cert;
}

}  // namespace

std::size_t count_certificates_pem(std::string_view pem) {
    std::size_t count = 0;
    for (std::size_t pos = pem.find("-----BEGIN CERTIFICATE-----"); pos != std::string_view::npos;
         pos = pem.find("-----BEGIN CERTIFICATE-----", pos + 1))
        ++count;
    return count;
}

Result<CertificateInfo> parse_certificate_pem(std::string_view pem) {
    X509Ptr cert = read_first_certificate(pem);
    if (!cert) return Error(ErrorCode::trust, "not a valid PEM certificate");
    EVP_PKEY* pkey = X509_get0_pubkey(cert.get());
    if (pkey == nullptr) return Error(ErrorCode::trust, "certificate has an unreadable public key");
    unsigned char* spki = nullptr;
    int spki_len = i2d_PUBKEY(pkey, &spki);
    if (spki_len <= 0) return Error(ErrorCode::trust, "certificate has an unreadable public key");
    auto pub = PublicKey::from_spki_der(ByteView(spki, static_cast<std::size_t>(spki_len)));
    OPENSSL_free(spki);
    if (!pub) return pub.error().with_context("certificate public key");
    TUFKEY_TRY(SystemTime nb, to_system_time(X509_get0_notBefore(cert.get())));
    TUFKEY_TRY(SystemTime na, to_system_time(X509_get0_notAfter(cert.get())));
    int md_nid = NID_undef;
    X509_get_signature_info(cert.get(), &md_nid, nullptr, nullptr, nullptr);
    unsigned char* der = nullptr;
    int der_len = i2d_X509(cert.get(), &der);
    Bytes der_bytes(der, der + (der_len > 0 ? der_len : 0));
    OPENSSL_free(der);
    return CertificateInfo{std::move(pub).value(),
                           common_name_of(cert.get()),
                           nb,
                           na,
                           (X509_get_extension_flags(cert.get()) & EXFLAG_CA) != 0,
                           md_nid == NID_sha1,
                           OBJ_nid2sn(X509_get_signature_nid(cert.get())),
                           std::move(der_bytes)};
}

Result<std::string> make_self_signed_certificate(Signer& signer, std::string_view common_name, SystemTime not_before,
                                                 SystemTime not_after) {
    const PublicKey& key = signer.public_key();
    SignatureScheme scheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
    int sig_nid = NID_ecdsa_with_SHA256;
    int param_type = V_ASN1_UNDEF;
    if (key.algorithm() == KeyAlgorithm::rsa) {
        scheme.encoding = SignatureEncoding::rsa_pkcs1v15;
        sig_nid = NID_sha256WithRSAEncryption;
        param_type = V_ASN1_NULL;
    } else if (key.algorithm() == KeyAlgorithm::ed25519) {
        return Error(ErrorCode::usage,
                     "Notary root certificates need an ECDSA or RSA key; Ed25519 is not accepted by Notary");
    }
    TUFKEY_TRY(X509Ptr cert, build_unsigned(key, common_name, not_before, not_after));
    TUFKEY_TRY_VOID(set_signature_algorithm(cert.get(), sig_nid, param_type));
    unsigned char* tbs = nullptr;
    int tbs_len = i2d_re_X509_tbs(cert.get(), &tbs);
    if (tbs_len <= 0) return Error(ErrorCode::internal, "cannot encode the certificate body");
    Bytes tbs_bytes(tbs, tbs + tbs_len);
    OPENSSL_free(tbs);
    TUFKEY_TRY(Bytes signature, signer.sign(scheme, tbs_bytes));
    const ASN1_BIT_STRING* sig_bits = nullptr;
    X509_get0_signature(&sig_bits, nullptr, cert.get());
    auto* bits = const_cast<ASN1_BIT_STRING*>(sig_bits);
    if (ASN1_BIT_STRING_set(bits, signature.data(), static_cast<int>(signature.size())) != 1)
        return Error(ErrorCode::internal, "cannot store the certificate signature");
    bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
    bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    if (X509_verify(cert.get(), X509_get0_pubkey(cert.get())) != 1)
        return Error(ErrorCode::key,
                     "the signer produced an invalid certificate signature (" + signer.describe() + ")");
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert.get());
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

Result<void> verify_self_signed(std::string_view pem) {
    X509Ptr cert = read_first_certificate(pem);
    if (!cert) return Error(ErrorCode::trust, "not a valid PEM certificate");
    if (X509_verify(cert.get(), X509_get0_pubkey(cert.get())) != 1)
        return Error(ErrorCode::trust, "certificate signature does not verify");
    return success();
}

}  // namespace tufkey::core
