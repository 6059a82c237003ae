// `tufkey verify GUN[:TAG]` and `tufkey transcript verify`: the client's checks over the trust
// data kept in the home, with no network.
//
// verify_repository() runs the verification pipeline (ceremony/src/pipeline.h: tuf::Updater
// over tuf::TrustedSet) with its LocalFetcher serving the home's files instead of a server:
//   trust anchor  the first kept root (tufkey/<GUN>/roots/<N>.root.json) of a repository made
//                 here; for a pulled repository without kept roots, metadata/root.json;
//   root chain    every later kept root, each signed by a threshold of the previous root's
//                 keys and of its own (distinct keys); metadata/root.json must be the newest;
//   then          timestamp, snapshot (length and hashes from the timestamp), targets (from the
//                 snapshot), every delegated role in order (tuf::load_delegation_tree), with
//                 expiry, version and rollback rules; notary dialect: root certificates
//                 (CN = GUN, in date, not CA, no SHA-1) and snapshot's entry for root.json.
// The dialect comes from the trusted root (repository.json, when present, must agree).
// With a tag, the target is looked up as the notary client does (notary: targets/releases
// first, then the targets tree; tuf: the Updater's pre-order search with path rules).
// Errors: ErrorCode::trust with a core::TrustReason, one line "<role>: <problem>"; a tag no
// trusted role lists (TrustReason::not_found), or a GUN with no trust data
// (TrustReason::missing), is "No valid trust data for GUN[:TAG]". Nothing is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

struct VerifyRequest final {
    std::string gun;
    std::optional<std::string> tag;
};

struct VerifiedRole final {
    tuf::RoleName role = tuf::RoleName::root();
    tuf::Version version;
    std::string expires;
};

struct VerifiedTarget final {
    std::string tag;
    std::string sha256_hex;  // empty when the target lists no sha256 (refused for a tag)
    std::uint64_t length = 0;
    tuf::RoleName role = tuf::RoleName::targets();  // the role that listed it
};

struct VerifyReport final {
    std::string gun;
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::size_t root_chain = 1;               // root versions walked (anchor included)
    std::vector<VerifiedRole> roles;          // root, timestamp, snapshot, targets, delegated...
    std::vector<std::string> unsigned_roles;  // notary: delegated to but never signed
    std::size_t target_count = 0;             // distinct target names over all trusted roles
    std::optional<VerifiedTarget> target;     // the tag, when one was asked for
};

core::Result<VerifyReport> verify_repository(const keystore::TrustHome& home, const VerifyRequest& request,
                                             tuf::Instant now);

// Every root key of every root version kept for the repository (the chain, or
// metadata/root.json alone when none is kept), as bare public keys (x509: the certificate's).
core::Result<std::vector<core::PublicKey>> repository_root_keys(const Repository& repository);
// The same over root files given (each root.json's root role keys, deduplicated).
core::Result<std::vector<core::PublicKey>> root_keys_of(const std::vector<std::string>& root_files);

struct TranscriptCheck final {
    std::string gun;
    TranscriptReport report;
    std::size_t signed_through = 0;  // the last line a head signature covers (0: none)
    std::vector<std::string> steps;  // the step of each line, in order (line n is steps[n - 1])
};

// Verifies a transcript file against the root keys of `gun`'s repository (gun empty: the
// `gun` of the transcript's lines, which must all agree). Every line must name the same GUN.
// A transcript with no head signature is ErrorCode::trust.
core::Result<TranscriptCheck> verify_transcript_file(const keystore::TrustHome& home, const std::filesystem::path& file,
                                                     std::string gun);

}  // namespace tufkey::ceremony
