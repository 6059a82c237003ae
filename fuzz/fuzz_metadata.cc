// Metadata decoders and verifiers in both dialects: the envelope, each role's decoder on the
// signed part (a decoded role re-encodes and decodes again), and a root taken as trust anchor
// (TrustedSet::create verifies its signatures) that then reads the same bytes as a new root.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/trusted_set.h"

namespace {

using namespace tufkey::tuf;

template <typename Decode, typename Encode>
void round_trip(Dialect dialect, const Json& signed_part, Decode decode, Encode encode) {
    auto decoded = decode(dialect, signed_part);
    if (!decoded) return;
    auto encoded = encode(dialect, *decoded);
    if (!encoded) return;  // some decoded values are refused by the encoder (e.g. notary meta rules)
    if (!decode(dialect, *encoded)) std::abort();  // what we write, we read
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto now = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56));
    for (const Dialect dialect : {Dialect::notary, Dialect::tuf}) {
        auto envelope = parse_envelope(dialect, bytes, "fuzz");
        if (!envelope) continue;
        const Json& s = envelope->signed_part;
        round_trip(dialect, s, decode_root, encode_root);
        round_trip(dialect, s, decode_targets, encode_targets);
        round_trip(dialect, s, decode_snapshot, encode_snapshot);
        round_trip(dialect, s, decode_timestamp, encode_timestamp);
        (void)serialize_envelope(dialect, *envelope);
        auto trusted = TrustedSet::create(dialect, bytes, now);
        if (trusted) {
            (void)trusted->update_root(bytes);
            (void)trusted->update_timestamp(bytes);
        }
    }
    return 0;
}
