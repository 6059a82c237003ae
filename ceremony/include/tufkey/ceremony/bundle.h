// `tufkey bundle export GUN -o FILE` and `tufkey bundle import FILE`: carry a repository's
// signed metadata across an air gap (offline laptop <-> online machine). Format: docs/bundle.md.
//
// A bundle is one canonical JSON document (UTF-8, a trailing newline):
//   {"created":RFC3339,"dialect":"notary"|"tuf","format":"tufkey-bundle/1","gun":GUN,
//    "roles":{ROLE:ENTRY,...},"root_chain":[ENTRY,...],"transcript":{"bytes","length","sha256"}}
//   ENTRY = {"bytes":base64 of the exact file,"length":N,"sha256":hex,"version":V}
// plus the optional member "policy":ENTRY, the repository's signed expiry policy
// (ceremony/src/policy_document.h), when the exporting home holds one that verifies against the
// current root (one signed by a former root is left out: import would refuse it),
// plus, while a root rotation collects signatures, "staged_root":ENTRY (the partly signed next
// root; `tufkey root sign` adds signatures, import merges them and promotes it once both the
// old and the new root threshold are met).
// `roles` holds the current file of root, targets, every delegated role the snapshot lists,
// snapshot and timestamp; `root_chain` every root version the home keeps, ascending;
// `transcript` (optional; bundles without it still import) the home's transcript.jsonl, merged
// on import into the importing home's in the same transaction (Transcript::merge). Metadata
// only: a bundle never holds a private key, a PIN or a passphrase. The sha256/length fields catch
// damage in transit; trust comes only from the signatures, checked on import.
//
// Import checks everything before it writes anything: the document's shape, each entry's
// length and sha256, then the client workflow (ceremony/src/metadata_set.h) from the trust
// anchor through the root chain, timestamp, snapshot, targets and every delegated role. The
// anchor is the home's trusted root for GUN (the bundle's chain must extend it: a bundle whose
// root is older than, or forks from, the home's is refused; a `--root FILE` may only confirm or
// extend it, see tuf/root_forward.h), else `--root FILE`, else the bundle's oldest root on first
// use (shown and confirmed, as `pull`). Unpublished changes of the home that the bundle would
// replace are refused (ErrorCode::refused, staged_work.h) unless `discard_staged`. Every role in the bundle
// must verify and be at least as new as the home's copy. A policy must verify against the root
// the import ends up trusting, name GUN and not be older than the home's; it is then stored and
// applied to repository.json in the same transaction. Any failure is ErrorCode::trust (exit
// 1) and leaves the home unchanged; accepted files are written atomically, timestamp last.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

inline constexpr const char* kBundleFormat = "tufkey-bundle/1";

// A root rotation still collecting signatures (ceremony/src/root_rotation.h), as a bundle
// carries it (member "staged_root") or a home holds it after import.
struct StagedRootSummary final {
    std::uint64_t version = 0;
    std::size_t old_signed = 0, old_threshold = 0, new_signed = 0, new_threshold = 0;
    bool promoted = false;  // import: both thresholds met, it is now the home's root
    std::vector<std::string> change;
};

struct BundleSummary final {
    std::string gun;
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> version
    std::vector<std::uint64_t> root_chain;           // root versions carried
    // export: the expiry policy version carried; import: the version applied (nullopt: none new)
    std::optional<std::uint64_t> policy_version;
    std::optional<StagedRootSummary> staged_root;
    std::size_t transcript_lines = 0;  // export: transcript lines carried
};

struct BundleExportReport final {
    std::filesystem::path file;
    BundleSummary summary;
};

// Writes the home's current metadata of `gun` to `out` (atomically, 0644).
core::Result<BundleExportReport> export_bundle(const keystore::TrustHome& home, const std::string& gun,
                                               const std::filesystem::path& out);

struct BundleImportRequest final {
    std::filesystem::path file;
    std::string root_file;        // --root: pinned trusted root (confirms or extends the home's, never replaces it)
    bool discard_staged = false;  // --discard-staged: replace unpublished local changes on purpose
};

struct BundleImportReport final {
    BundleSummary summary;
    bool first_use = false;
    std::vector<std::filesystem::path> files_written;
    TranscriptMerge transcript;  // what the carried transcript did to the home's
};

core::Result<BundleImportReport> import_bundle(KeyAccess& access, const BundleImportRequest& request);

// `tufkey root sign FILE --key URI`: adds the signature of one root token key to the staged root
// the bundle FILE carries, in place (atomically). Before signing it shows what the new root
// changes and asks (or -y): a person signs only what they have read. The key must be a root
// key of the bundle's current root or of the staged one (ErrorCode::key otherwise); the staged
// root must be the next version of the bundle's root, with only valid signatures by those
// keys (ErrorCode::trust otherwise). When the home holds the GUN, the bundle's root must not
// be older than the home's (a stale proposal). Needs no home state: a signer's laptop may have
// only the token.
struct RootSignRequest final {
    std::filesystem::path file;
    std::string key_uri;
};
core::Result<StagedRootSummary> sign_bundle_root(KeyAccess& access, const RootSignRequest& request);

}  // namespace tufkey::ceremony
