// Owning handles for the OpenSSL objects that appear in core's public headers (digest.h,
// software_signer.h), declared without OpenSSL's headers so that modules which must not include
// OpenSSL (cli/) can still see those headers. The deleters are defined in openssl_handles.cc;
// every other handle lives in openssl_handles.h.
#pragma once

#include <memory>

struct evp_pkey_st;    // EVP_PKEY
struct evp_md_ctx_st;  // EVP_MD_CTX

namespace tufkey::core {

struct EvpPkeyPtrDeleter {
    void operator()(evp_pkey_st* p) const noexcept;
};
using EvpPkeyPtr = std::unique_ptr<evp_pkey_st, EvpPkeyPtrDeleter>;

struct EvpMdCtxPtrDeleter {
    void operator()(evp_md_ctx_st* p) const noexcept;
};
using EvpMdCtxPtr = std::unique_ptr<evp_md_ctx_st, EvpMdCtxPtrDeleter>;

}  // namespace tufkey::core
