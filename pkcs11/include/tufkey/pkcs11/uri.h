// Uri: an RFC 7512 PKCS#11 URI, the way users name a token or a key on it.
//
//   pkcs11:token=ceremony-root;object=root;id=%01;type=private
//   pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=1234;token=t?module-path=/usr/lib/softhsm/libsofthsm2.so
//
// Parsing decodes percent-escapes and refuses duplicate attributes, a bad slot-id or type, and
// any PIN in the URI (pin-value, pin-source): PINs come from --pin-file or TUFKEY_PKCS11_PIN,
// and the error never repeats the URI text (it may hold the PIN). Attributes tufkey does not
// know are kept (and written back by to_string()), but matching a token or key against a URI
// with an unknown path attribute is refused by the matcher (RFC 7512: such a URI matches
// nothing we can check), with the attribute's name in the message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"

namespace tufkey::pkcs11 {

struct Uri final {
    // Path attributes: the token.
    std::optional<std::string> token;         // CK_TOKEN_INFO.label
    std::optional<std::string> manufacturer;  // CK_TOKEN_INFO.manufacturerID
    std::optional<std::string> serial;        // CK_TOKEN_INFO.serialNumber
    std::optional<std::string> model;         // CK_TOKEN_INFO.model
    // Path attributes: the library and slot.
    std::optional<std::string> library_manufacturer;
    std::optional<std::string> library_description;
    std::optional<std::string> library_version;
    std::optional<std::string> slot_description;
    std::optional<std::string> slot_manufacturer;
    std::optional<std::uint64_t> slot_id;  // never store one: slot IDs change between processes
    // Path attributes: the object.
    std::optional<std::string> object;  // CKA_LABEL
    std::optional<core::Bytes> id;      // CKA_ID
    std::optional<std::string> type;    // "public", "private", "cert", "secret-key" or "data"
    // Query attributes.
    std::optional<std::string> module_path;
    std::optional<std::string> module_name;
    // Attributes tufkey does not interpret, in their order of appearance (decoded values).
    std::vector<std::pair<std::string, std::string>> other_path;
    std::vector<std::pair<std::string, std::string>> other_query;

    static core::Result<Uri> parse(std::string_view text);
    // Canonical text: known path attributes in a fixed order, then unknown ones; every byte
    // outside RFC 3986 "unreserved" is percent-encoded, and id always is.
    [[nodiscard]] std::string to_string() const;

    // True when the URI names no object (only token, library or slot attributes).
    [[nodiscard]] bool names_object() const noexcept { return object || id || type; }

    friend bool operator==(const Uri&, const Uri&) = default;
};

}  // namespace tufkey::pkcs11
