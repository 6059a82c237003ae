// Conversions between the two ECDSA signature encodings.
#pragma once

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"

namespace tufkey::core {

// r || s (equal halves) to minimal DER SEQUENCE { INTEGER r, INTEGER s }.
Result<Bytes> ecdsa_raw_to_der(ByteView raw);
// DER to r || s with each half left-padded to `field_size` bytes.
Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t field_size);

}  // namespace tufkey::core
