#include "tufkey/pkcs11/token_signer.h"

#include <fmt/core.h>

#include "objects.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/ecdsa_signature.h"
#include "tufkey/pkcs11/errors.h"

namespace tufkey::pkcs11 {
namespace {

using core::Bytes;
using core::Error;
using core::ErrorCode;
using core::HashAlgorithm;
using core::SignatureEncoding;

struct Operation final {
    CK_MECHANISM_TYPE mechanism = CKM_ECDSA;
    CK_RSA_PKCS_PSS_PARAMS pss{};
    bool use_pss_params = false;
    Bytes input;  // what C_Sign gets: a digest (ECDSA) or the message
};

CK_MECHANISM_TYPE rsa_mechanism(HashAlgorithm hash, bool pss) {
    switch (hash) {
        case HashAlgorithm::sha256:
            return pss ? CKM_SHA256_RSA_PKCS_PSS : CKM_SHA256_RSA_PKCS;
        case HashAlgorithm::sha384:
            return pss ? CKM_SHA384_RSA_PKCS_PSS : CKM_SHA384_RSA_PKCS;
        case HashAlgorithm::sha512:
            return pss ? CKM_SHA512_RSA_PKCS_PSS : CKM_SHA512_RSA_PKCS;
    }
    return CKM_SHA256_RSA_PKCS_PSS;
}

CK_RSA_PKCS_PSS_PARAMS pss_params(HashAlgorithm hash) {
    switch (hash) {
        case HashAlgorithm::sha384:
            return {CKM_SHA384, CKG_MGF1_SHA384, 48};
        case HashAlgorithm::sha512:
            return {CKM_SHA512, CKG_MGF1_SHA512, 64};
        case HashAlgorithm::sha256:
            break;
    }
    return {CKM_SHA256, CKG_MGF1_SHA256, 32};
}

Operation plan(const core::SignatureScheme& scheme, core::ByteView message) {
    Operation op;
    switch (scheme.encoding) {
        case SignatureEncoding::ecdsa_der:
        case SignatureEncoding::ecdsa_raw:
            op.mechanism = CKM_ECDSA;
            op.input = core::digest(scheme.hash, message);
            break;
        case SignatureEncoding::rsa_pss:
            op.mechanism = rsa_mechanism(scheme.hash, true);
            op.pss = pss_params(scheme.hash);
            op.use_pss_params = true;
            op.input.assign(message.begin(), message.end());
            break;
        case SignatureEncoding::rsa_pkcs1v15:
            op.mechanism = rsa_mechanism(scheme.hash, false);
            op.input.assign(message.begin(), message.end());
            break;
        case SignatureEncoding::ed25519:
            op.mechanism = CKM_EDDSA;
            op.input.assign(message.begin(), message.end());
            break;
    }
    return op;
}

Error unsupported(Session& session, CK_MECHANISM_TYPE mechanism, const std::string& key_type, CK_RV rv) {
    std::string offered = "none tufkey can use";
    if (auto types = session.slot().key_types_offered(); types && !types->empty()) {
        offered.clear();
        for (const auto& t : *types) offered += (offered.empty() ? "" : ", ") + t;
    }
    return Error(ErrorCode::token,
                 fmt::format("token {} does not support {}, needed to sign with this {} key; it offers key types: {}",
                             session.token().describe(), ckm_name(mechanism), key_type, offered),
                 rv);
}

}  // namespace

core::Result<std::unique_ptr<TokenSigner>> TokenSigner::create(std::shared_ptr<Session> session, const KeyObject& key) {
    if (!key.has_private_key) {
        return Error(ErrorCode::token,
                     fmt::format("key {} on token {} has no private key tufkey can see (log in first)", key.describe(),
                                 session->token().describe()));
    }
    if (!key.public_key) {
        return Error(ErrorCode::token, fmt::format("key {} on token {} is of a type tufkey cannot use", key.describe(),
                                                   session->token().describe()));
    }
    const bool always_auth = key.attributes && key.attributes->always_authenticate;
    return std::unique_ptr<TokenSigner>(
        new TokenSigner(std::move(session), key.private_handle, *key.public_key, always_auth, key.uri.to_string()));
}

core::Result<Bytes> TokenSigner::sign(const core::SignatureScheme& scheme, core::ByteView message) {
    TUFKEY_TRY_VOID(core::check_scheme_fits(m_public.algorithm(), scheme));
    Operation op = plan(scheme, message);
    CK_MECHANISM mechanism{op.mechanism, nullptr, 0};
    if (op.use_pss_params) {
        mechanism.pParameter = &op.pss;
        mechanism.ulParameterLen = sizeof op.pss;
    }
    Session& session = *m_session;
    CK_FUNCTION_LIST* f = detail::fns(session);
    CK_RV rv = f->C_SignInit(session.handle(), &mechanism, m_handle);
    if (rv == CKR_MECHANISM_INVALID)
        return unsupported(session, op.mechanism, core::to_string(m_public.algorithm()), rv);
    if (rv != CKR_OK) return session.error("starting a signature", rv);
    Bytes signature(1024);
    CK_ULONG length = signature.size();
    if (m_always_authenticate) {
        if (auto login = session.login_context_specific(); !login) {
            f->C_Sign(session.handle(), op.input.data(), op.input.size(), signature.data(),
                      &length);  // ends the operation
            return std::move(login).error();
        }
    }
    rv = f->C_Sign(session.handle(), op.input.data(), op.input.size(), signature.data(), &length);
    if (rv != CKR_OK) return session.error("signing", rv);
    signature.resize(length);
    if (scheme.encoding == SignatureEncoding::ecdsa_der) return core::ecdsa_raw_to_der(signature);
    if (scheme.encoding == SignatureEncoding::ecdsa_raw && signature.size() != 2 * m_public.ec_field_size()) {
        return Error(ErrorCode::token, fmt::format("token {} returned an ECDSA signature of {} bytes",
                                                   session.token().describe(), signature.size()));
    }
    return signature;
}

}  // namespace tufkey::pkcs11
