// Text encodings of public bytes: lowercase hex and standard base64 (with padding).
#pragma once

#include <string>
#include <string_view>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"

namespace tufkey::core {

std::string hex_encode(ByteView data);
// Accepts upper- and lowercase; refuses odd lengths and non-hex characters.
Result<Bytes> hex_decode(std::string_view text);

std::string base64_encode(ByteView data);
// Standard alphabet, padding required, no whitespace (the form Go's encoding/json writes).
Result<Bytes> base64_decode(std::string_view text);

}  // namespace tufkey::core
