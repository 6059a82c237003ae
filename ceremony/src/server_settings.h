// Internal: how ceremonies reach a repository's server with the TLS settings it remembers
// (repository.json "origin" and "tls"; repository.h), for reads (RemoteFetcher) and for the
// Notary server's write API (remote/notary_server.h).
#pragma once

#include <string>

#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/remote/downloader.h"
#include "tufkey/remote/notary_server.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/role_name.h"

namespace tufkey::ceremony::detail {

remote::DownloadOptions download_options(const TlsSettings& tls);

// The settings as given on the command line, checked (each file readable) and made absolute so
// that repository.json can remember them. A missing file is ErrorCode::usage naming the option.
core::Result<TlsSettings> checked_tls(TlsSettings tls);

// `given` where the command line gave a value, else what the repository remembers.
TlsSettings tls_or_remembered(const TlsSettings& given, const TlsSettings& remembered);

// The Notary server of a server repository (config.on_server()).
core::Result<remote::NotaryServer> open_server(const RepositoryConfig& config);

// The public key `server` holds for `role` (timestamp or snapshot; created by the server on the
// first request), or with `rotate` a new one it makes (remote/notary_server.h). A body that is
// not a usable key is ErrorCode::remote.
core::Result<tuf::Key> server_key(remote::NotaryServer& server, const tuf::RoleName& role, bool rotate = false);

}  // namespace tufkey::ceremony::detail
