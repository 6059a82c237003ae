// X.509 certificates as Notary's root keys need them: parse a PEM certificate, and make the
// self-signed certificate (CN = GUN, ecdsa-with-SHA256) whose key may live on a token, signed
// through core::Signer.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "tufkey/core/public_key.h"
#include "tufkey/core/signer.h"

namespace tufkey::core {

using SystemTime = std::chrono::sys_seconds;

struct CertificateInfo final {
    PublicKey public_key;
    std::string common_name;
    SystemTime not_before;
    SystemTime not_after;
    bool is_ca = false;
    bool sha1_signature = false;
    std::string signature_algorithm;  // OpenSSL short name, e.g. "ecdsa-with-SHA256"
    Bytes der;                        // the leaf certificate's DER
};

// Parses the first certificate of a PEM bundle (leaf first, as Notary writes it).
Result<CertificateInfo> parse_certificate_pem(std::string_view pem);
// Counts the PEM certificates in a bundle.
std::size_t count_certificates_pem(std::string_view pem);

// Makes Notary's root certificate: self-signed, CN = `common_name`, random 128-bit serial,
// KeyUsage digitalSignature+keyEncipherment (critical), EKU codeSigning, BasicConstraints
// CA:FALSE (critical), signed ecdsa-with-SHA256 (ECDSA keys) or sha256WithRSAEncryption (RSA
// keys, through SignatureEncoding::rsa_pkcs1v15). Ed25519 is refused: Notary cannot use it.
// Returns the PEM text with a trailing newline.
Result<std::string> make_self_signed_certificate(Signer& signer, std::string_view common_name, SystemTime not_before,
                                                 SystemTime not_after);

// Checks a certificate's own signature against its public key (self-signed check).
Result<void> verify_self_signed(std::string_view pem);

}  // namespace tufkey::core
