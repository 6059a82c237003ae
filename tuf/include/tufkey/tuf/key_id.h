// Key IDs: the KeyId value type and the IDs that keystore/, pkcs11 callers and the CLI need
// without a metadata document. The per-dialect ID of a key in metadata is Key::id() (key.h).
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"

namespace tufkey::tuf {

// A key ID: 64 lowercase hex digits (a SHA-256), in both dialects.
class KeyId final {
public:
    // Refuses anything but 64 lowercase hex digits (ErrorCode::trust).
    static core::Result<KeyId> parse(std::string_view text);
    // The ID whose text is hex(sha256(bytes)).
    static KeyId sha256_of(std::string_view bytes);

    [[nodiscard]] const std::string& str() const noexcept { return m_hex; }
    // The first 7 hex digits, as Notary and tufkey show IDs in prompts.
    [[nodiscard]] std::string short_form() const { return m_hex.substr(0, 7); }

    friend bool operator==(const KeyId&, const KeyId&) = default;
    friend std::strong_ordering operator<=>(const KeyId&, const KeyId&) = default;

private:
    explicit KeyId(std::string hex) : m_hex(std::move(hex)) {}
    std::string m_hex;
};

// Notary's canonical key ID, tufkey's name for a key everywhere outside metadata: hex SHA-256
// of the canonical JSON {"keytype":T,"keyval":{"private":null,"public":B64}} where T is
// "ecdsa" (any curve), "rsa" or "ed25519" and B64 is base64 of the DER SPKI (Ed25519: of the
// raw 32-byte key).
std::string notary_canonical_key_id(const core::PublicKey& key);

}  // namespace tufkey::tuf
