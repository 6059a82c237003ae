// TokenSigner: a core::Signer whose private key stays on a PKCS#11 token.
//
// ECDSA: the message is hashed on the host with the scheme's hash and signed with CKM_ECDSA;
// the token's raw r||s is returned as is (ecdsa_raw) or as DER (ecdsa_der). RSA: PSS with
// CKM_SHA{256,384,512}_RSA_PKCS_PSS (MGF1 with the same hash, salt = digest length), or
// PKCS#1 v1.5 with CKM_SHA{256,384,512}_RSA_PKCS. Ed25519: CKM_EDDSA over the message.
// A key with CKA_ALWAYS_AUTHENTICATE gets C_SignInit, C_Login(CKU_CONTEXT_SPECIFIC), C_Sign
// for every signature (YubiKey PIV slot 9c), with the PIN of the session's login.
// The signer shares its Session (and so the Module) and keeps it open and logged in.
#pragma once

#include <memory>
#include <string>

#include "tufkey/core/signer.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/session.h"

namespace tufkey::pkcs11 {

class TokenSigner final : public core::Signer {
public:
    // `key` must come from `session` (find_key, list_keys or generate_key_pair) and have a
    // private key and a public key tufkey understands.
    static core::Result<std::unique_ptr<TokenSigner>> create(std::shared_ptr<Session> session, const KeyObject& key);

    [[nodiscard]] const core::PublicKey& public_key() const override { return m_public; }
    [[nodiscard]] core::Result<core::Bytes> sign(const core::SignatureScheme& scheme, core::ByteView message) override;
    // The key's URI (no PIN, ever).
    [[nodiscard]] std::string describe() const override { return m_uri; }

private:
    TokenSigner(std::shared_ptr<Session> session, std::uint64_t handle, core::PublicKey pub, bool always_authenticate,
                std::string uri)
        : m_session(std::move(session)),
          m_handle(handle),
          m_public(std::move(pub)),
          m_always_authenticate(always_authenticate),
          m_uri(std::move(uri)) {}

    std::shared_ptr<Session> m_session;
    std::uint64_t m_handle;
    core::PublicKey m_public;
    bool m_always_authenticate;
    std::string m_uri;
};

}  // namespace tufkey::pkcs11
