#include "tufkey/tuf/envelope.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "codec_support.h"
#include "tufkey/core/encoding.h"

namespace tufkey::tuf {
namespace {

using detail::Fields;

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

core::Result<Signature> signature_from_json(Dialect dialect, const Json& json, const std::string& context) {
    TUFKEY_TRY(Fields fields, Fields::of(json, context + ": signature"));
    Signature signature;
    TUFKEY_TRY(signature.keyid, fields.string("keyid"));
    TUFKEY_TRY(signature.sig, fields.string("sig"));
    if (dialect == Dialect::notary) {
        if (const Json* method = fields.take("method"); method != nullptr) {
            if (!method->is_string()) return fields.error("\"method\" must be a string");
            signature.method = lower(method->as_string());
        }
    }
    signature.extra = fields.rest();
    return signature;
}

// Go's encoding/json string encoding with HTML escaping (json.Marshal's default).
std::string go_quote(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return go_html_escape(out + "\"");
}

core::Result<std::string> serialize_notary(const Envelope& envelope) {
    const std::string signed_bytes = envelope.signing_bytes();
    for (char c : signed_bytes) {
        if (static_cast<unsigned char>(c) < 0x20) {
            return core::Error(core::ErrorCode::usage,
                               "metadata contains a control character, which Notary cannot publish");
        }
    }
    std::string out = "{\"signed\":" + go_html_escape(signed_bytes) + ",\"signatures\":[";
    bool first = true;
    for (const Signature& s : envelope.signatures) {
        if (!first) out += ',';
        first = false;
        out += "{\"keyid\":" + go_quote(s.keyid) + ",\"method\":" + go_quote(s.method) + ",\"sig\":" + go_quote(s.sig) +
               "}";
    }
    return out + "]}";
}

// Canonical JSON writes control characters raw (the "\n" of PEM keys), which no JSON parser
// accepts in a file. Canonical JSON has no whitespace between tokens, so each such byte is
// inside a string: escape it as json.dumps does. The parsed value, and so the signed
// canonical bytes, are unchanged.
std::string escape_controls(const std::string& canonical) {
    std::string out;
    out.reserve(canonical.size());
    for (const char c : canonical) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20) {
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += "\\u00";
            out.push_back(core::hex_digit(byte >> 4));
            out.push_back(core::hex_digit(byte));
        }
    }
    return out;
}

std::string serialize_tuf(const Envelope& envelope) {
    JsonArray signatures;
    for (const Signature& s : envelope.signatures) {
        JsonObject object = s.extra;
        object.insert_or_assign("keyid", Json(s.keyid));
        object.insert_or_assign("sig", Json(s.sig));
        signatures.emplace_back(std::move(object));
    }
    JsonObject out = envelope.extra;
    out.insert_or_assign("signatures", Json(std::move(signatures)));
    out.insert_or_assign("signed", envelope.signed_part);
    return escape_controls(canonical_json(Json(std::move(out))));
}

}  // namespace

core::Result<Envelope> envelope_from_json(Dialect dialect, const Json& json, std::string_view context) {
    const std::string ctx(context);
    TUFKEY_TRY(Fields fields, Fields::of(json, ctx));
    Envelope envelope;
    TUFKEY_TRY(const Json* signed_part, fields.require("signed"));
    if (!signed_part->is_object()) return fields.error("\"signed\" must be an object");
    envelope.signed_part = *signed_part;
    TUFKEY_TRY(const JsonArray* signatures, fields.array("signatures"));
    std::set<std::string, std::less<>> seen;
    for (const Json& item : *signatures) {
        TUFKEY_TRY(Signature signature, signature_from_json(dialect, item, ctx));
        if (!seen.insert(signature.keyid).second) {
            return fields.error("signature key ID " + signature.keyid + " appears more than once");
        }
        envelope.signatures.push_back(std::move(signature));
    }
    envelope.extra = fields.rest();
    return envelope;
}

core::Result<Envelope> parse_envelope(Dialect dialect, std::string_view file_bytes, std::string_view context,
                                      const JsonLimits& limits) {
    auto json = parse_json(file_bytes, limits);
    if (!json) return json.error().with_context(std::string(context));
    return envelope_from_json(dialect, *json, context);
}

core::Result<std::string> serialize_envelope(Dialect dialect, const Envelope& envelope) {
    TUFKEY_TRY(std::string bytes, dialect == Dialect::notary ? serialize_notary(envelope) : serialize_tuf(envelope));
    // Never write what cannot be read: every reader refuses files above the ceiling.
    if (bytes.size() > kMaxMetadataLength)
        return core::Error(core::ErrorCode::usage, "the metadata would be " + std::to_string(bytes.size()) +
                                                       " bytes, more than the " + std::to_string(kMaxMetadataLength) +
                                                       " any reader accepts; spread the targets over delegated roles "
                                                       "('tufkey delegation add GUN NAME --hash-bins N --key FILE')");
    return bytes;
}

std::string go_html_escape(std::string_view json_text) {
    std::string out;
    out.reserve(json_text.size());
    for (std::size_t i = 0; i < json_text.size(); ++i) {
        const char c = json_text[i];
        if (c == '<') {
            out += "\\u003c";
        } else if (c == '>') {
            out += "\\u003e";
        } else if (c == '&') {
            out += "\\u0026";
        } else if (c == '\xE2' && i + 2 < json_text.size() && json_text[i + 1] == '\x80' &&
                   (json_text[i + 2] == '\xA8' || json_text[i + 2] == '\xA9')) {
            out += json_text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

core::Result<core::Bytes> decode_signature_value(Dialect dialect, const Signature& signature) {
    return dialect == Dialect::notary ? core::base64_decode(signature.sig) : core::hex_decode(signature.sig);
}

std::string encode_signature_value(Dialect dialect, core::ByteView value) {
    return dialect == Dialect::notary ? core::base64_encode(value) : core::hex_encode(value);
}

}  // namespace tufkey::tuf
