// Checks the notary client makes on a trusted root that the generic TUF rules do not cover
// (notary trustpinning/certs.go validRootLeafCerts, tuf/utils ValidateCertificate), and
// telling the two dialects apart from a root file.
//
// check_notary_root_certificates(): every key the root role authorises must be an x509 key
// (ecdsa-x509 / rsa-x509) whose leaf certificate (the first of the PEM bundle)
//   - has CN equal to the GUN, or CN "prefix*" with the GUN starting with "prefix";
//   - is in date: NotBefore <= now + 1 day (Notary's clock-skew allowance), now <= NotAfter;
//   - is not a CA certificate;
//   - is not signed with a SHA-1 algorithm;
//   - holds an RSA key of at least 2048 bits, when RSA.
// Notary silently drops failing certificates and then needs the threshold from the rest;
// tufkey is stricter: any failing root-role certificate is an error, so a repository never
// depends on a certificate the notary client would ignore. ErrorCode::trust, one line
// "root: certificate of key <ID>: <problem>".
#pragma once

#include <string_view>

#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/model.h"

namespace tufkey::tuf {

core::Result<void> check_notary_root_certificates(const Root& root, std::string_view gun, Instant now);

// The dialect a root.json file is written in, from its signed `_type`: "Root" is notary,
// "root" is tuf. Anything else (or unparsable bytes) is ErrorCode::trust.
core::Result<Dialect> detect_dialect(std::string_view root_bytes);

}  // namespace tufkey::tuf
