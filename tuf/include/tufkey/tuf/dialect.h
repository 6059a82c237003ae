// Dialect: which of the two encodings of the one metadata model a repository uses.
//
//   notary  Notary 0.7 / Docker Content Trust: capitalised `_type`, base64 hashes and keys,
//           signatures {keyid, method, sig(base64)}, raw r||s ECDSA, x509 root keys.
//   tuf     TUF specification 1.0.x (python-tuf, go-tuf, tuf-js, tough): lowercase `_type`,
//           `spec_version`, PEM/hex keys with a scheme, signatures {keyid, sig(hex)}, DER ECDSA.
#pragma once

#include <string_view>

#include "tufkey/core/result.h"

namespace tufkey::tuf {

enum class Dialect { notary, tuf };

const char* to_string(Dialect dialect) noexcept;  // "notary", "tuf"
// Parses "notary" or "tuf"; anything else is ErrorCode::usage.
core::Result<Dialect> parse_dialect(std::string_view text);

}  // namespace tufkey::tuf
