#include "tufkey/pkcs11/uri.h"

#include <fmt/core.h>

#include <charconv>

#include "tufkey/core/encoding.h"

namespace tufkey::pkcs11 {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::string_view k_scheme = "pkcs11:";

core::Result<std::string> percent_decode(std::string_view name, std::string_view value) {
    auto decoded = core::percent_decode(value);
    if (!decoded) return Error(ErrorCode::usage, fmt::format("PKCS#11 URI: {} in '{}'", decoded.error().message, name));
    return std::move(decoded).value();
}

Error duplicate(std::string_view name) {
    return Error(ErrorCode::usage, fmt::format("PKCS#11 URI: attribute '{}' appears twice", name));
}

core::Result<void> set_once(std::optional<std::string>& field, std::string_view name, std::string value) {
    if (field) return duplicate(name);
    field = std::move(value);
    return core::success();
}

core::Result<void> set_path_attribute(Uri& uri, std::string_view name, std::string value) {
    if (name == "token") return set_once(uri.token, name, std::move(value));
    if (name == "manufacturer") return set_once(uri.manufacturer, name, std::move(value));
    if (name == "serial") return set_once(uri.serial, name, std::move(value));
    if (name == "model") return set_once(uri.model, name, std::move(value));
    if (name == "library-manufacturer") return set_once(uri.library_manufacturer, name, std::move(value));
    if (name == "library-description") return set_once(uri.library_description, name, std::move(value));
    if (name == "library-version") return set_once(uri.library_version, name, std::move(value));
    if (name == "slot-description") return set_once(uri.slot_description, name, std::move(value));
    if (name == "slot-manufacturer") return set_once(uri.slot_manufacturer, name, std::move(value));
    if (name == "object") return set_once(uri.object, name, std::move(value));
    if (name == "type") {
        if (value != "public" && value != "private" && value != "cert" && value != "secret-key" && value != "data") {
            return Error(ErrorCode::usage, "PKCS#11 URI: type must be public, private, cert, secret-key or data");
        }
        return set_once(uri.type, name, std::move(value));
    }
    if (name == "id") {
        if (uri.id) return duplicate(name);
        uri.id = core::Bytes(value.begin(), value.end());
        return core::success();
    }
    if (name == "slot-id") {
        if (uri.slot_id) return duplicate(name);
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
            return Error(ErrorCode::usage, "PKCS#11 URI: slot-id must be a decimal number");
        }
        uri.slot_id = n;
        return core::success();
    }
    if (name == "module-path" || name == "module-name")
        return Error(ErrorCode::usage, "PKCS#11 URI: " + std::string(name) +
                                           " is a query attribute (RFC 7512): write it after '?', e.g. "
                                           "pkcs11:token=root;object=root?" +
                                           std::string(name) + "=...");
    for (const auto& [k, v] : uri.other_path) {
        if (k == name) return duplicate(name);
    }
    uri.other_path.emplace_back(name, std::move(value));
    return core::success();
}

core::Result<void> set_query_attribute(Uri& uri, std::string_view name, std::string value) {
    if (name == "module-path") return set_once(uri.module_path, name, std::move(value));
    if (name == "module-name") return set_once(uri.module_name, name, std::move(value));
    uri.other_query.emplace_back(name, std::move(value));
    return core::success();
}

// Splits `part` at `sep` and hands each decoded name=value to `set`.
template <typename Setter>
core::Result<void> parse_attributes(Uri& uri, std::string_view part, char sep, Setter set) {
    while (!part.empty()) {
        const auto end = part.find(sep);
        const std::string_view item = part.substr(0, end);
        part = end == std::string_view::npos ? std::string_view() : part.substr(end + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            return Error(ErrorCode::usage, "PKCS#11 URI: each attribute must be NAME=VALUE");
        }
        const std::string_view name = item.substr(0, eq);
        TUFKEY_TRY(std::string value, percent_decode(name, item.substr(eq + 1)));
        TUFKEY_TRY_VOID(set(uri, name, std::move(value)));
    }
    return core::success();
}

bool has_pin_attribute(std::string_view body) {
    // Checked on the raw text so that the refusal comes before any other parse error.
    for (std::string_view key : {"pin-value=", "pin-source="}) {
        for (auto pos = body.find(key); pos != std::string_view::npos; pos = body.find(key, pos + 1)) {
            if (pos == 0 || body[pos - 1] == ';' || body[pos - 1] == '?' || body[pos - 1] == '&') return true;
        }
    }
    return false;
}

void append(std::string& out, bool& first, std::string_view name, const std::string& encoded) {
    if (!first) out.push_back(';');
    first = false;
    out += name;
    out.push_back('=');
    out += encoded;
}

}  // namespace

core::Result<Uri> Uri::parse(std::string_view text) {
    if (text.size() < k_scheme.size() || text.substr(0, k_scheme.size()) != k_scheme) {
        return Error(ErrorCode::usage, "not a PKCS#11 URI (it must start with 'pkcs11:')");
    }
    const std::string_view body = text.substr(k_scheme.size());
    if (has_pin_attribute(body)) {
        return Error(ErrorCode::usage,
                     "a PKCS#11 URI must not carry a PIN (pin-value or pin-source); put the PIN in a "
                     "file readable only by you and pass --pin-file [LABEL=]FILE, or set TUFKEY_PKCS11_PIN");
    }
    const auto q = body.find('?');
    Uri uri;
    TUFKEY_TRY_VOID(parse_attributes(uri, body.substr(0, q), ';', set_path_attribute));
    if (q != std::string_view::npos) {
        TUFKEY_TRY_VOID(parse_attributes(uri, body.substr(q + 1), '&', set_query_attribute));
    }
    return uri;
}

std::string Uri::to_string() const {
    std::string out(k_scheme);
    bool first = true;
    auto put = [&](std::string_view name, const std::optional<std::string>& v) {
        if (v) append(out, first, name, core::percent_encode(*v));
    };
    put("model", model);
    put("manufacturer", manufacturer);
    put("serial", serial);
    put("token", token);
    put("library-manufacturer", library_manufacturer);
    put("library-description", library_description);
    put("library-version", library_version);
    put("slot-manufacturer", slot_manufacturer);
    put("slot-description", slot_description);
    if (slot_id) append(out, first, "slot-id", std::to_string(*slot_id));
    put("object", object);
    if (id) append(out, first, "id", core::percent_encode_all(*id));
    put("type", type);
    for (const auto& [k, v] : other_path) append(out, first, k, core::percent_encode(v));
    char sep = '?';
    auto put_query = [&](std::string_view name, const std::string& v) {
        out.push_back(sep);
        sep = '&';
        out += name;
        out.push_back('=');
        out += core::percent_encode(v, "/");
    };
    if (module_name) put_query("module-name", *module_name);
    if (module_path) put_query("module-path", *module_path);
    for (const auto& [k, v] : other_query) put_query(k, v);
    return out;
}

}  // namespace tufkey::pkcs11
