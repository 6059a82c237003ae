// The strict JSON parser and the canonical encoder: whatever parses re-encodes to canonical
// text that parses to the same value and re-encodes to the same bytes (unless it holds control
// characters, which canonical JSON writes raw); the streaming shape
// scanner never crashes on the same input, fed in two pieces.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tufkey/tuf/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    tufkey::tuf::JsonShapeScanner scanner(1000, 64);
    (void)scanner.feed(text.substr(0, size / 2));
    (void)scanner.feed(text.substr(size / 2));
    auto parsed = tufkey::tuf::parse_json(text);
    if (!parsed) return 0;
    const std::string canonical = tufkey::tuf::canonical_json(*parsed);
    // Canonical JSON (OLPC, securesystemslib) writes control characters in strings raw, which
    // RFC 8259 (and so parse_json) refuses: the round trip holds for the other values.
    if (std::any_of(canonical.begin(), canonical.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return 0;
    auto again = tufkey::tuf::parse_json(canonical);
    if (!again || !(*again == *parsed) || tufkey::tuf::canonical_json(*again) != canonical) std::abort();
    return 0;
}
