// `tufkey root certificate`: see tufkey/ceremony/rotate.h and docs/rotation.md.
#include <chrono>

#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/rotate.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/certificate.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony {

core::Result<RootCertificateReport> make_root_certificate(KeyAccess& access, const RootCertificateRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    if (request.lifetime < std::chrono::hours(48))
        return core::Error(core::ErrorCode::usage,
                           "--expires must be at least 2d: a root certificate that expires "
                           "sooner cannot carry a root (the default is 10y)");
    TUFKEY_TRY(auto key, open_token_key(access, TokenKeyRequest{request.key_uri, true, core::kDefaultKeyType, true}));
    RootCertificateReport report;
    report.file = request.out;
    report.key_id = tuf::notary_canonical_key_id(key.signer->public_key());
    report.uri = key.uri;
    report.generated = key.generated;
    std::string pem;
    if (key.signer->public_key().algorithm() == core::KeyAlgorithm::ed25519) {
        report.certificate = false;
        pem = key.signer->public_key().to_pem();
    } else {
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto not_after = now + request.lifetime;
        TUFKEY_TRY(pem, core::make_self_signed_certificate(*key.signer, request.gun, now, not_after));
        report.not_after = tuf::Expiry::at_seconds(not_after).to_string();
    }
    TUFKEY_TRY_VOID(core::write_file_atomic(request.out, pem, 0644));
    return report;
}

}  // namespace tufkey::ceremony
