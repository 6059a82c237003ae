// PEM armour with RFC 1421-style headers, as Notary and docker write them:
//
//   -----BEGIN ENCRYPTED PRIVATE KEY-----
//   gun: example.com/app
//   role: targets
//
//   MIHuMEkGCSqGSIb3DQEFDTA8...
//   -----END ENCRYPTED PRIVATE KEY-----
//
// OpenSSL's PEM readers refuse headers other than Proc-Type, so tufkey parses PEM itself, in
// one place: parse_pem for public blocks, parse_secret_pem (same scanner) for key files, whose
// text and bodies stay in wiping storage.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"

namespace tufkey::core {

struct PemBlock final {
    std::string type;                                          // e.g. "PUBLIC KEY"
    std::vector<std::pair<std::string, std::string>> headers;  // in file order
    Bytes der;                                                 // the decoded body

    // The value of header `name`, or "" when absent.
    [[nodiscard]] std::string header(std::string_view name) const;
};

// Every PEM block in `text`, in order. Text between blocks is ignored. A malformed block
// (no END line, bad base64) is ErrorCode::usage naming the block type.
Result<std::vector<PemBlock>> parse_pem(std::string_view text);

// A PEM block whose body may be a plain private key.
struct SecretPemBlock final {
    std::string type;                                          // e.g. "ENCRYPTED PRIVATE KEY"
    std::vector<std::pair<std::string, std::string>> headers;  // in file order
    SecretBytes der;

    // The value of header `name`, or nullopt when absent.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

// As parse_pem, over secret text; the base64 body and the decoded bytes never leave wiping storage.
Result<std::vector<SecretPemBlock>> parse_secret_pem(const SecretBytes& text);

// Encodes a block: headers as given (callers sort them when they want Go's order), a blank
// line after headers, base64 in 64-column lines, a trailing newline.
std::string encode_pem(const PemBlock& block);

}  // namespace tufkey::core
