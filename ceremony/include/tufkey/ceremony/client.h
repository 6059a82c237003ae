// `tufkey client --metadata-dir DIR [--metadata-url URL] init ROOT | refresh | download`: a
// TUF 1.0 client (tuf dialect) on the command-line protocol of the TUF project's client
// conformance suite (tuf-conformance CLIENT-CLI.md).
//
// The metadata directory holds one file per role, byte-exact as served (root.json,
// timestamp.json, ...; delegated names percent-encoded), and nothing else. refresh and download
// run the verification pipeline (the Updater over the directory, fetching from the metadata
// URL: http(s)://, file:// or a directory) with the update start time fixed at the call;
// download then finds each target in the delegation graph, fetches it from the target base URL
// (capped at its length, "HASH.NAME" under consistent snapshots), checks length and hashes and
// writes it to the target directory as the percent-encoded target path. A target already there
// with the right length and hashes is not fetched again.
// Under `offline` (the global --offline), an http(s):// metadata or target base URL is refused
// (ErrorCode::usage naming the option) before anything is read or any connection is opened;
// file:// URLs and directories work as without it.
// Errors: trust failures are ErrorCode::trust with a core::TrustReason; a missing option is
// ErrorCode::usage; the command maps every error to the protocol's exit code 1.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tufkey/core/result.h"

namespace tufkey::ceremony {

struct ClientRequest final {
    std::string metadata_dir;
    std::string metadata_url;
    std::vector<std::string> target_names;
    std::string target_dir;
    std::string target_base_url;
    std::string trusted_root;  // init: the root.json obtained out of band
    std::string ca_file;       // --tls-ca
    bool offline = false;      // --offline: http(s) URLs refused before any connection
};

// Checks the trusted root (it parses and verifies under its own keys) and stores it as
// root.json in the metadata directory (created when missing).
core::Result<void> client_init(const ClientRequest& request);

// Updates the top-level metadata (specification §5.3-§5.6).
core::Result<void> client_refresh(const ClientRequest& request);

struct ClientDownload final {
    std::vector<std::filesystem::path> written;  // targets fetched and written, in order
    std::vector<core::Error> failures;           // one per target that could not be downloaded
};

// Refreshes, then downloads every target_names entry. A failure of the refresh is the error; a
// failure of one target is recorded in `failures` and the others are still tried.
core::Result<ClientDownload> client_download(const ClientRequest& request);

}  // namespace tufkey::ceremony
