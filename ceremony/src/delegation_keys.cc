#include <chrono>

#include "delegation_edit.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/certificate.h"
#include "tufkey/core/pem.h"
#include "tufkey/tuf/dialect_profile.h"

namespace tufkey::ceremony::detail {
namespace {

core::Error usage(const std::string& message) { return core::Error(core::ErrorCode::usage, message); }

std::string date_of(core::SystemTime t) {
    const auto days = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{days};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

core::Result<DelegateKey> from_certificate(tuf::Dialect dialect, const std::string& name, const core::PemBlock& block,
                                           tuf::Instant now) {
    const std::string pem = core::encode_pem(core::PemBlock{"CERTIFICATE", {}, block.der});
    auto info = core::parse_certificate_pem(pem);
    if (!info) return usage(name + ": not a usable certificate: " + info.error().message);
    if (info->sha1_signature)
        return usage(name + ": the certificate is signed with SHA-1, which Notary refuses; issue a new one");
    DelegateKey out{tuf::DialectProfile::of(dialect).metadata_key(info->public_key), {}};
    if (dialect == tuf::Dialect::notary) {
        TUFKEY_TRY(out.key, tuf::Key::notary_x509(pem));
    }
    const auto at = std::chrono::floor<std::chrono::seconds>(now);
    if (at < info->not_before)
        out.warnings.push_back(name + ": the certificate is not valid before " + date_of(info->not_before) +
                               "; the notary client refuses it until then");
    if (at > info->not_after)
        out.warnings.push_back(name + ": the certificate expired on " + date_of(info->not_after) +
                               "; the notary client refuses expired delegation certificates");
    return out;
}

}  // namespace

core::Result<DelegateKey> read_delegate_key(tuf::Dialect dialect, const std::filesystem::path& file, tuf::Instant now) {
    const std::string name = file.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return usage("cannot read key file " + name);
    TUFKEY_TRY(auto bytes, core::read_file(file, 1u << 20));
    auto blocks = core::parse_pem(core::to_string(bytes));
    if (!blocks) return usage(name + ": " + blocks.error().message);
    for (const auto& block : *blocks) {
        if (block.type.find("PRIVATE KEY") != std::string::npos)
            return usage(name +
                         " holds a private key: give the delegate's public key (the .pub file that "
                         "'tufkey key generate' writes)");
    }
    for (const auto& block : *blocks) {
        if (block.type == "CERTIFICATE") return from_certificate(dialect, name, block, now);
        if (block.type != "PUBLIC KEY") continue;
        auto key = core::PublicKey::from_spki_der(block.der);
        if (!key) return usage(name + ": " + key.error().message);
        return DelegateKey{tuf::DialectProfile::of(dialect).metadata_key(*key), {}};
    }
    return usage(name +
                 " holds no PEM PUBLIC KEY or CERTIFICATE (give the .pub file that 'tufkey key generate' "
                 "writes)");
}

core::Result<std::vector<tuf::Key>> read_delegate_keys(tuf::Dialect dialect,
                                                       const std::vector<std::filesystem::path>& files,
                                                       KeyAccess& access) {
    std::vector<tuf::Key> keys;
    const tuf::Instant now = std::chrono::system_clock::now();
    for (const auto& file : files) {
        TUFKEY_TRY(auto key, read_delegate_key(dialect, file, now));
        for (const auto& w : key.warnings) access.warn(w);
        keys.push_back(std::move(key.key));
    }
    return keys;
}

}  // namespace tufkey::ceremony::detail
