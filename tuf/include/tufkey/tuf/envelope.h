// Envelope: a metadata file as {signed Json, signatures}, and its exact file bytes.
//
// File bytes per dialect:
//   notary  Go json.Marshal of {"signed":<canonical signed>,"signatures":[{"keyid","method","sig"}]}
//           with Go's HTML escaping inside the signed part (< > & U+2028 U+2029 as \u003c \u003e
//           \u0026 \u2028 \u2029), no whitespace, no trailing newline: what Notary 0.7 stores
//           and serves.
//   tuf     canonical JSON of {"signatures":[{"keyid","sig"}],"signed":…} (plus unknown members),
//           with control characters inside strings escaped (\n, \u00XX) so that the file is
//           valid JSON (PEM keys hold newlines); signatures stay over canonical_json(signed).
//
// Signatures are kept as written (the `sig` text, not decoded), so a malformed extra signature
// costs only itself during verification, and a file round-trips byte for byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/json.h"

namespace tufkey::tuf {

struct Signature final {
    std::string keyid;   // as written; need not be a well-formed KeyId
    std::string method;  // notary only, lower-cased on read ("ecdsa", "rsapss", "eddsa", …)
    std::string sig;     // as written: base64 (notary) or hex (tuf)
    JsonObject extra;    // unknown members (tuf)
};

struct Envelope final {
    Json signed_part = JsonObject{};
    std::vector<Signature> signatures;
    JsonObject extra;  // unknown top-level members (tuf; ignored when writing notary files)

    // The bytes every signature is made over: canonical_json(signed_part).
    [[nodiscard]] std::string signing_bytes() const { return canonical_json(signed_part); }
};

// Parses file bytes (strict JSON) into an envelope: `signed` must be an object, `signatures`
// an array of objects with string members. Duplicate signature key IDs are refused here.
// Errors are ErrorCode::trust and start with `context` (e.g. the role name).
core::Result<Envelope> parse_envelope(Dialect dialect, std::string_view file_bytes, std::string_view context,
                                      const JsonLimits& limits = {});
// The same from an already parsed value.
core::Result<Envelope> envelope_from_json(Dialect dialect, const Json& json, std::string_view context);

// The file bytes (see above). notary refuses control characters anywhere in the signed part
// (Go's encoder cannot write them raw) with ErrorCode::usage; both refuse a file larger than
// kMaxMetadataLength (tuf/limits.h), which no reader would accept (ErrorCode::usage).
core::Result<std::string> serialize_envelope(Dialect dialect, const Envelope& envelope);

// Go's HTML escaping of already valid JSON text (used for Notary's file bytes).
std::string go_html_escape(std::string_view json_text);

// The signature bytes of `signature`: base64 (notary) or hex (tuf) decoded.
core::Result<core::Bytes> decode_signature_value(Dialect dialect, const Signature& signature);
// The text written for signature bytes in `dialect`.
std::string encode_signature_value(Dialect dialect, core::ByteView value);

}  // namespace tufkey::tuf
