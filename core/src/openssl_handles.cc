#include "tufkey/core/openssl_handles.h"

#include <openssl/err.h>

#include <string>

namespace tufkey::core {

void EvpPkeyPtrDeleter::operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }

void EvpMdCtxPtrDeleter::operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }

std::string openssl_error_text() {
    unsigned long last = 0;
    while (unsigned long e = ERR_get_error()) last = e;
    if (last == 0) return {};
    char buf[256];
    ERR_error_string_n(last, buf, sizeof buf);
    return buf;
}

}  // namespace tufkey::core
