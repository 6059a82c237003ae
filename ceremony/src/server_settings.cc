#include "server_settings.h"

#include <filesystem>
#include <system_error>

namespace tufkey::ceremony::detail {

remote::DownloadOptions download_options(const TlsSettings& tls) {
    remote::DownloadOptions options;
    options.ca_file = tls.ca_file;
    options.client_cert = tls.client_cert;
    options.client_key = tls.client_key;
    return options;
}

core::Result<TlsSettings> checked_tls(TlsSettings tls) {
    for (auto [option, value] : {std::pair{"--tls-ca", &tls.ca_file}, std::pair{"--tls-client-cert", &tls.client_cert},
                                 std::pair{"--tls-client-key", &tls.client_key}}) {
        if (value->empty()) continue;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*value, ec))
            return core::Error(core::ErrorCode::usage,
                               std::string(option) + " " + *value + ": no such file (give the PEM file's path)");
        *value = std::filesystem::absolute(*value, ec).lexically_normal().string();
    }
    if (tls.client_cert.empty() != tls.client_key.empty())
        return core::Error(core::ErrorCode::usage, "--tls-client-cert and --tls-client-key go together: give both");
    return tls;
}

TlsSettings tls_or_remembered(const TlsSettings& given, const TlsSettings& remembered) {
    TlsSettings out = remembered;
    if (!given.ca_file.empty()) out.ca_file = given.ca_file;
    if (!given.client_cert.empty()) {
        out.client_cert = given.client_cert;
        out.client_key = given.client_key;
    }
    return out;
}

core::Result<remote::NotaryServer> open_server(const RepositoryConfig& config) {
    if (!config.on_server() || config.origin.empty())
        return core::Error(core::ErrorCode::usage, config.gun + " is not a repository on a Notary server");
    return remote::NotaryServer::open(config.origin, config.gun, download_options(config.tls));
}

core::Result<tuf::Key> server_key(remote::NotaryServer& server, const tuf::RoleName& role, bool rotate) {
    TUFKEY_TRY(auto body, rotate ? server.rotate_key(role.str()) : server.fetch_key(role.str()));
    auto json = tuf::parse_json(body);
    if (!json)
        return core::Error(core::ErrorCode::remote, "the " + role.str() + " key from " + server.url() +
                                                        " is not JSON: is this a Notary server?");
    auto key = tuf::Key::from_json(tuf::Dialect::notary, *json);
    if (!key)
        return core::Error(core::ErrorCode::remote, "the " + role.str() + " key from " + server.url() +
                                                        " is not a usable public key: " + key.error().message);
    return std::move(*key);
}

}  // namespace tufkey::ceremony::detail
