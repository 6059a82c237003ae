// Text encodings: lowercase hex, standard base64 (with padding) and RFC 3986 percent-encoding.
// The one hex table and the one percent-encoder of the code base live here.
#pragma once

#include <string>
#include <string_view>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"

namespace tufkey::core {

std::string hex_encode(ByteView data);
// The hex digit of `nibble` (0-15), lowercase unless `upper`.
char hex_digit(unsigned nibble, bool upper = false) noexcept;
// The value of hex digit `c` (either case), or -1.
int hex_value(char c) noexcept;
// Accepts upper- and lowercase; refuses odd lengths and non-hex characters.
Result<Bytes> hex_decode(std::string_view text);

std::string base64_encode(ByteView data);
// Standard alphabet, padding required, no whitespace (the form Go's encoding/json writes).
Result<Bytes> base64_decode(std::string_view text);
// The same, into wiping storage (PEM bodies that may hold plain private keys).
Result<SecretBytes> base64_decode_secret(std::string_view text);

// RFC 3986 percent-encoding: every byte outside "unreserved" (A-Z a-z 0-9 - . _ ~) and outside
// `keep` becomes %XX with uppercase hex digits. `keep` is e.g. "/" for URL paths.
std::string percent_encode(std::string_view text, std::string_view keep = {});
// Every byte as %XX (PKCS#11 URI ids).
std::string percent_encode_all(ByteView data);
// `text` as an error message may show it: control characters (and DEL) as \xNN, on one line.
std::string printable(std::string_view text);
// Decodes %XX escapes (either case). A truncated or non-hex escape is ErrorCode::usage.
Result<std::string> percent_decode(std::string_view text);

}  // namespace tufkey::core
