// Key: a public key as a metadata document lists it, in one dialect's form.
//
//   notary  {"keytype":T,"keyval":{"private":null,"public":B64}}; T is ecdsa / rsa (base64 DER
//           SPKI), ed25519 (base64 of the raw 32 bytes), ecdsa-x509 / rsa-x509 (base64 of the
//           PEM text of a certificate, leaf first). ID = hex sha256 of the canonical JSON of
//           exactly that object (other members, if any, are kept but not hashed, as Notary does).
//   tuf     {"keytype":T,"scheme":S,"keyval":{"public":P}, ...}; ecdsa + ecdsa-sha2-nistp256/384
//           and rsa + rsassa-pss-sha256/384/512 or rsa-pkcs1v15-sha256/384/512 (PEM SPKI),
//           ed25519 + ed25519 (hex of the raw 32 bytes), legacy keytype ecdsa-sha2-nistp256 /
//           -nistp384 (hex uncompressed point or PEM). ID = hex sha256 of the canonical JSON of
//           the WHOLE key object, unknown members included. Keys of other types (e.g.
//           sigstore-oidc) are kept verbatim with no public key: they can be listed and
//           round-tripped but never verify a signature.
//
// A Key is an immutable value except for its unknown members (set_extra). It keeps the
// `public` text as read, because the key ID is computed over that exact text.
#pragma once

#include <optional>
#include <string>

#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::tuf {

class Key final {
public:
    // notary: ecdsa (any curve), rsa or ed25519 from a bare public key.
    static Key notary(const core::PublicKey& key);
    // notary: ecdsa-x509 or rsa-x509 from the PEM text of a certificate (kept byte for byte;
    // a bundle may follow the leaf). Ed25519 certificates are refused (ErrorCode::usage).
    static core::Result<Key> notary_x509(std::string certificate_pem);
    // tuf: ecdsa/ecdsa-sha2-nistp256|384, rsa/rsassa-pss-sha256 or ed25519/ed25519.
    static Key tuf(const core::PublicKey& key);
    // A key object from a document. ErrorCode::trust naming the problem when the object is
    // malformed, or when a supported type's public value does not parse or fit its type.
    static core::Result<Key> from_json(Dialect dialect, const Json& json);

    // The key object to write (notary: always with "private":null).
    [[nodiscard]] Json to_json() const;

    [[nodiscard]] Dialect dialect() const noexcept { return m_dialect; }
    [[nodiscard]] const std::string& keytype() const noexcept { return m_keytype; }
    // The TUF scheme; empty in the notary dialect.
    [[nodiscard]] const std::string& scheme() const noexcept { return m_scheme; }
    // keyval.public as written ("" when absent or not a string).
    [[nodiscard]] const std::string& public_text() const noexcept { return m_public_text; }
    // The parsed key; empty for key types tufkey does not support (tuf dialect only).
    [[nodiscard]] const std::optional<core::PublicKey>& public_key() const noexcept { return m_public; }
    // For *-x509 keys: the certificate PEM text; else empty.
    [[nodiscard]] const std::optional<std::string>& certificate_pem() const noexcept { return m_certificate_pem; }
    [[nodiscard]] bool is_x509() const noexcept { return m_certificate_pem.has_value(); }

    // Members of the key object (and of keyval) that the model does not know.
    [[nodiscard]] const JsonObject& extra() const noexcept { return m_extra; }
    [[nodiscard]] const JsonObject& keyval_extra() const noexcept { return m_keyval_extra; }
    void set_extra(JsonObject extra) { m_extra = std::move(extra); }

    // The key ID this dialect's metadata uses for this key (see the file comment).
    [[nodiscard]] KeyId id() const;
    // Notary's canonical key ID of the bare public key (for x509 keys: of the certificate's
    // SPKI). Equal to id() for notary keys that are not x509. For unsupported keys: id().
    [[nodiscard]] KeyId canonical_id() const;

    // Equal when every member is equal (the same JSON object in the same dialect).
    friend bool operator==(const Key& a, const Key& b) {
        return a.m_dialect == b.m_dialect && a.to_json() == b.to_json();
    }

private:
    Key() = default;
    friend struct KeyBuilder;

    Dialect m_dialect = Dialect::notary;
    std::string m_keytype;
    std::string m_scheme;
    std::string m_public_text;
    std::optional<core::PublicKey> m_public;
    std::optional<std::string> m_certificate_pem;
    JsonObject m_keyval_extra;  // members of keyval other than "public" (and notary "private")
    JsonObject m_extra;
    bool m_has_public = true;  // tuf: unsupported keys may lack keyval.public
};

}  // namespace tufkey::tuf
