// Internal: THE verification pipeline. Every entry point that decides whether metadata may be
// trusted (`verify`, verify-before-`publish`, `pull`, `bundle import`, `client`) calls
// run_pipeline() with a Fetcher and a MetadataStore from pipeline_io.h and the repository's
// layout (its DialectProfile and the base URL the fetcher serves it at). Nothing else decides
// trust; the rules themselves are tuf::TrustedSet's, driven by tuf::Updater.
//
// In order:
//   anchor       request.trusted_root enters the store as root.json: the one place where a
//                trust anchor becomes trusted, so the one place to check it against the root
//                the home already trusts. Each entry point picks its candidate: verify the
//                first kept root (verify.cc), pull and bundle import --root, the home's root
//                or trust on first use (pull.cc, bundle.cc), publish the oldest kept root
//                (publish.cc), the client its metadata directory's root.json (client.cc);
//   top level    tuf::Updater::refresh(): root chain N+1, N+2, ... (each persisted), timestamp,
//                snapshot, targets, with the limits of tuf::UpdaterLimits;
//   certificates notary: the final root's x509 certificates pass the notary client's checks
//                (tuf::check_notary_root_certificates, CN = request.gun);
//   delegations  with Walk::every_role, every delegated role in pre-order
//                (tuf::load_delegation_tree), each accepted file persisted to the store; the
//                client (Walk::on_demand) loads them while looking for a target instead.
// Errors: the tuf/ trust failures (ErrorCode::trust with a core::TrustReason), the fetcher's.
#pragma once

#include <string>

#include "metadata_set.h"
#include "pipeline_io.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/role_walk.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::ceremony::detail {

// Where a repository's metadata lives and how its files are named.
struct Layout final {
    const tuf::DialectProfile* profile = &tuf::DialectProfile::of(tuf::Dialect::notary);
    std::string base_url;  // the metadata base the fetcher serves (no trailing '/')
};

enum class Walk { every_role, on_demand };

struct PipelineRequest final {
    Layout layout;
    std::string trusted_root;  // the anchor: the bytes of one root version
    std::string gun;           // notary: the CN the root certificates must name
    tuf::Instant now{};
    Walk walk = Walk::every_role;
};

// What the pipeline trusted: the Updater (for target searches and downloads), the trusted set
// with every walked role, and the walk itself.
struct Verified final {
    tuf::Updater updater;
    tuf::TrustedSet trusted;
    tuf::RoleWalk walk;
};

core::Result<Verified> run_pipeline(const PipelineRequest& request, tuf::Fetcher& fetcher, tuf::MetadataStore& store);

// The files a finished pipeline trusted, from its MemoryStore: the four top-level roles, every
// walked role, the retired roles the snapshot pins (tuf/role_walk.h), and the root chain from
// the anchor to the final root.
core::Result<MetadataSet> trusted_files(const PipelineRequest& request, const Verified& verified, MemoryStore& store);

// run_pipeline() over a MetadataSet held in memory (the home's files, a bundle), served by a
// LocalFetcher (request.layout.base_url is replaced by the fetcher's own), with a MemoryStore
// holding `baseline` (local_baseline(): rollback protection): the set's trusted files.
// `origin` names the set in messages ("the home", "bundle FILE").
core::Result<MetadataSet> verify_local_set(const MetadataSet& set, const std::string& origin, PipelineRequest request,
                                           std::map<std::string, std::string> baseline = {});

// Verifies the set served by `fetcher` at request.layout.base_url: the set's trusted files.
core::Result<MetadataSet> verify_set(tuf::Fetcher& fetcher, const PipelineRequest& request,
                                     std::map<std::string, std::string> baseline);

}  // namespace tufkey::ceremony::detail
