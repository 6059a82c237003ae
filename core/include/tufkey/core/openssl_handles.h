// Per-type owning handles for OpenSSL objects (unique_ptr with a deleter struct each).
// EvpPkeyPtr and EvpMdCtxPtr are declared in openssl_fwd.h (public headers use them).
// Only modules that may use OpenSSL include this header: core/, keystore/, pkcs11/ and tests.
#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <string>

#include "tufkey/core/digest.h"
#include "tufkey/core/openssl_fwd.h"

namespace tufkey::core {

#define TUFKEY_OSSL_HANDLE(Name, Type, free_fn)                 \
    struct Name##Deleter {                                      \
        void operator()(Type* p) const noexcept { free_fn(p); } \
    };                                                          \
    using Name = std::unique_ptr<Type, Name##Deleter>

TUFKEY_OSSL_HANDLE(EvpPkeyCtxPtr, EVP_PKEY_CTX, EVP_PKEY_CTX_free);
TUFKEY_OSSL_HANDLE(EvpCipherCtxPtr, EVP_CIPHER_CTX, EVP_CIPHER_CTX_free);
TUFKEY_OSSL_HANDLE(BioPtr, BIO, BIO_free_all);
TUFKEY_OSSL_HANDLE(BignumPtr, BIGNUM, BN_free);
TUFKEY_OSSL_HANDLE(EcdsaSigPtr, ECDSA_SIG, ECDSA_SIG_free);
TUFKEY_OSSL_HANDLE(X509Ptr, X509, X509_free);
TUFKEY_OSSL_HANDLE(X509NamePtr, X509_NAME, X509_NAME_free);
TUFKEY_OSSL_HANDLE(X509AlgorPtr, X509_ALGOR, X509_ALGOR_free);
TUFKEY_OSSL_HANDLE(X509SigPtr, X509_SIG, X509_SIG_free);
TUFKEY_OSSL_HANDLE(Pkcs8InfoPtr, PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free);
TUFKEY_OSSL_HANDLE(OsslParamBldPtr, OSSL_PARAM_BLD, OSSL_PARAM_BLD_free);
TUFKEY_OSSL_HANDLE(OsslParamPtr, OSSL_PARAM, OSSL_PARAM_free);
TUFKEY_OSSL_HANDLE(Asn1ObjectPtr, ASN1_OBJECT, ASN1_OBJECT_free);
TUFKEY_OSSL_HANDLE(Asn1IntegerPtr, ASN1_INTEGER, ASN1_INTEGER_free);

#undef TUFKEY_OSSL_HANDLE

// The OpenSSL digest for a hash algorithm.
const EVP_MD* evp_md(HashAlgorithm alg) noexcept;

// The newest OpenSSL error queue entry as text ("" when empty); clears the queue.
std::string openssl_error_text();

}  // namespace tufkey::core
