// Internal to pkcs11/: the one place that includes Cryptoki (p11-kit's pkcs11.h).
//
// p11-kit's header, in its default compat mode, #defines plain identifiers (hash_alg, s_len,
// iv_len, ...) and leaves them defined; they are #undef'd right below so that no C++ name in
// the including file is silently renamed. Never include this from a public header.
#pragma once

#include <p11-kit/pkcs11.h>

#undef hash_alg
#undef s_len
#undef source_data
#undef source_data_len
#undef counter_bits
#undef iv_ptr
#undef iv_len
#undef iv_bits
#undef aad_ptr
#undef aad_len
#undef tag_bits
#undef shared_data
#undef shared_data_len
#undef public_data
#undef public_data_len
#undef string_data
#undef string_data_len
#undef data_params

#include <string>
#include <string_view>

#include "tufkey/core/result.h"

namespace tufkey::pkcs11::detail {

// The module's function table, owned by Module.
struct FunctionTable final {
    CK_FUNCTION_LIST* f = nullptr;
};

// Cryptoki's space-padded fixed-width strings, trimmed.
std::string trim_padded(const unsigned char* text, std::size_t size);

// "what failed: CKR_NAME (0x..)" as a token error carrying the raw CK_RV.
core::Error ck_error(std::string_view what, CK_RV rv);

}  // namespace tufkey::pkcs11::detail
