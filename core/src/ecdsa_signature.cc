#include "tufkey/core/ecdsa_signature.h"

#include "tufkey/core/openssl_handles.h"

namespace tufkey::core {

Result<Bytes> ecdsa_raw_to_der(ByteView raw) {
    if (raw.empty() || raw.size() % 2 != 0) return Error(ErrorCode::trust, "raw ECDSA signature has an odd length");
    const std::size_t half = raw.size() / 2;
    BignumPtr r(BN_bin2bn(raw.data(), static_cast<int>(half), nullptr));
    BignumPtr s(BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return Error(ErrorCode::internal, "cannot build ECDSA signature");
    r.release();  // owned by sig now
    s.release();
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return Error(ErrorCode::internal, "cannot encode ECDSA signature");
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t field_size) {
    const unsigned char* p = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig || p != der.data() + der.size()) return Error(ErrorCode::trust, "malformed DER ECDSA signature");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    Bytes out(2 * field_size);
    if (BN_bn2binpad(r, out.data(), static_cast<int>(field_size)) < 0 ||
        BN_bn2binpad(s, out.data() + field_size, static_cast<int>(field_size)) < 0)
        return Error(ErrorCode::trust, "ECDSA signature values are larger than the curve");
    return out;
}

}  // namespace tufkey::core
