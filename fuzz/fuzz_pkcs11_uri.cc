// The RFC 7512 PKCS#11 URI parser: whatever parses prints as canonical text that parses to the
// same URI and prints the same again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tufkey/pkcs11/uri.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using tufkey::pkcs11::Uri;
    auto uri = Uri::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!uri) return 0;
    const std::string canonical = uri->to_string();
    auto again = Uri::parse(canonical);
    if (!again || !(*again == *uri) || again->to_string() != canonical) std::abort();
    return 0;
}
