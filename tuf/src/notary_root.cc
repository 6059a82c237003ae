#include "tufkey/tuf/notary_root.h"

#include <chrono>
#include <string>

#include "tufkey/core/certificate.h"
#include "tufkey/tuf/json.h"

namespace tufkey::tuf {
namespace {

core::Error cert_error(const KeyId& id, const std::string& problem) {
    return core::Error(core::TrustReason::certificate, "root: certificate of key " + id.str() + ": " + problem);
}

bool common_name_matches(std::string_view cn, std::string_view gun) {
    if (cn == gun) return true;
    if (!cn.empty() && cn.back() == '*') return gun.starts_with(cn.substr(0, cn.size() - 1));
    return false;
}

core::Result<void> check_certificate(const KeyId& id, const Key& key, std::string_view gun, Instant now) {
    if (!key.certificate_pem()) {
        return cert_error(id, "the key is " + key.keytype() + ", but a notary root key must be an x509 certificate");
    }
    auto info = core::parse_certificate_pem(*key.certificate_pem());
    if (!info) return cert_error(id, "unreadable: " + info.error().message);
    if (!common_name_matches(info->common_name, gun)) {
        return cert_error(id, "CN \"" + info->common_name + "\" is not the repository name " + std::string(gun));
    }
    const auto skew = std::chrono::hours(24);
    if (info->not_before > now + skew) return cert_error(id, "not valid yet");
    if (now > info->not_after) return cert_error(id, "expired");
    if (info->is_ca) return cert_error(id, "it is a CA certificate; a root key certificate must be a leaf");
    if (info->sha1_signature) return cert_error(id, "signed with SHA-1 (" + info->signature_algorithm + ")");
    if (info->public_key.algorithm() == core::KeyAlgorithm::rsa && info->public_key.bits() < 2048)
        return cert_error(id, "RSA key shorter than 2048 bits");
    return core::success();
}

}  // namespace

core::Result<void> check_notary_root_certificates(const Root& root, std::string_view gun, Instant now) {
    for (const KeyId& id : root.root.keyids) {
        auto it = root.keys.find(id);
        if (it == root.keys.end()) return cert_error(id, "the root role lists a key that root.json does not hold");
        TUFKEY_TRY_VOID(check_certificate(id, it->second, gun, now));
    }
    return core::success();
}

core::Result<Dialect> detect_dialect(std::string_view root_bytes) {
    auto json = parse_json(root_bytes);
    if (!json) return core::Error(core::ErrorCode::trust, "root: not JSON: " + json.error().message);
    const Json* signed_part = json->find("signed");
    const Json* type = signed_part != nullptr ? signed_part->find("_type") : nullptr;
    if (type != nullptr && type->is_string()) {
        if (type->as_string() == "Root") return Dialect::notary;
        if (type->as_string() == "root") return Dialect::tuf;
    }
    return core::Error(core::TrustReason::wrong_type,
                       "root: signed._type is neither \"Root\" (notary) nor \"root\" (tuf)");
}

}  // namespace tufkey::tuf
