#include <openssl/err.h>

#include <string>

#include "tufkey/core/openssl_handles.h"

namespace tufkey::core {

std::string openssl_error_text() {
    unsigned long last = 0;
    while (unsigned long e = ERR_get_error()) last = e;
    if (last == 0) return {};
    char buf[256];
    ERR_error_string_n(last, buf, sizeof buf);
    return buf;
}

}  // namespace tufkey::core
