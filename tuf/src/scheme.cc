#include "tufkey/tuf/scheme.h"

#include <cctype>
#include <optional>

namespace tufkey::tuf {
namespace {

using core::HashAlgorithm;
using core::SignatureEncoding;
using core::SignatureScheme;

std::optional<HashAlgorithm> hash_suffix(std::string_view scheme, std::string_view prefix) {
    if (scheme.substr(0, prefix.size()) != prefix) return std::nullopt;
    const std::string_view suffix = scheme.substr(prefix.size());
    if (suffix == "256") return HashAlgorithm::sha256;
    if (suffix == "384") return HashAlgorithm::sha384;
    if (suffix == "512") return HashAlgorithm::sha512;
    return std::nullopt;
}

std::optional<SignatureScheme> tuf_scheme(const Key& key) {
    const std::string& s = key.scheme();
    if (s == "ed25519") return SignatureScheme{HashAlgorithm::sha256, SignatureEncoding::ed25519};
    if (s == "ecdsa-sha2-nistp256") return SignatureScheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
    if (s == "ecdsa-sha2-nistp384") return SignatureScheme{HashAlgorithm::sha384, SignatureEncoding::ecdsa_der};
    if (auto h = hash_suffix(s, "rsassa-pss-sha")) return SignatureScheme{*h, SignatureEncoding::rsa_pss};
    if (auto h = hash_suffix(s, "rsa-pkcs1v15-sha")) return SignatureScheme{*h, SignatureEncoding::rsa_pkcs1v15};
    return std::nullopt;
}

// The scheme a notary `method` names, whatever the key.
std::optional<SignatureScheme> notary_method_scheme(std::string_view method) {
    if (method == "ecdsa") return SignatureScheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_raw};
    if (method == "rsapss" || method == "pycrypto-pkcs#1 pss") {
        return SignatureScheme{HashAlgorithm::sha256, SignatureEncoding::rsa_pss};
    }
    if (method == "rsapkcs1v15") return SignatureScheme{HashAlgorithm::sha256, SignatureEncoding::rsa_pkcs1v15};
    if (method == "eddsa") return SignatureScheme{HashAlgorithm::sha256, SignatureEncoding::ed25519};
    return std::nullopt;
}

bool fits(core::KeyAlgorithm alg, SignatureEncoding encoding) {
    switch (encoding) {
        case SignatureEncoding::ecdsa_der:
        case SignatureEncoding::ecdsa_raw:
            return alg == core::KeyAlgorithm::ecdsa_p256 || alg == core::KeyAlgorithm::ecdsa_p384;
        case SignatureEncoding::rsa_pss:
        case SignatureEncoding::rsa_pkcs1v15:
            return alg == core::KeyAlgorithm::rsa;
        case SignatureEncoding::ed25519:
            return alg == core::KeyAlgorithm::ed25519;
    }
    return false;
}

}  // namespace

std::string signature_method(const Key& key) {
    if (key.dialect() == Dialect::tuf || !key.public_key()) return "";
    switch (key.public_key()->algorithm()) {
        case core::KeyAlgorithm::ed25519:
            return "eddsa";
        case core::KeyAlgorithm::rsa:
            return "rsapss";
        case core::KeyAlgorithm::ecdsa_p256:
        case core::KeyAlgorithm::ecdsa_p384:
            break;
    }
    return "ecdsa";
}

core::Result<SignatureScheme> signing_scheme(const Key& key) {
    if (!key.public_key()) {
        return core::Error(core::ErrorCode::usage, "tufkey cannot sign with keytype " + key.keytype() +
                                                       (key.scheme().empty() ? "" : "/" + key.scheme()));
    }
    std::optional<SignatureScheme> scheme =
        key.dialect() == Dialect::notary ? notary_method_scheme(signature_method(key)) : tuf_scheme(key);
    if (!scheme || scheme->encoding == SignatureEncoding::rsa_pkcs1v15) {
        return core::Error(core::ErrorCode::usage, "scheme " + key.scheme() + " is for verification only");
    }
    return *scheme;
}

core::Result<SignatureScheme> verification_scheme(const Key& key, std::string_view method) {
    if (!key.public_key()) {
        return core::Error(core::TrustReason::unsupported, "keytype " + key.keytype() + " is not supported");
    }
    std::optional<SignatureScheme> scheme;
    if (key.dialect() == Dialect::notary) {
        std::string lower(method);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        scheme = notary_method_scheme(lower);
        if (!scheme) return core::Error(core::TrustReason::unsupported, "unknown signature method \"" + lower + "\"");
    } else {
        scheme = tuf_scheme(key);
        if (!scheme) return core::Error(core::TrustReason::unsupported, "unknown scheme \"" + key.scheme() + "\"");
    }
    if (!fits(key.public_key()->algorithm(), scheme->encoding)) {
        return core::Error(core::TrustReason::unsupported, "signature method does not fit keytype " + key.keytype());
    }
    return *scheme;
}

}  // namespace tufkey::tuf
