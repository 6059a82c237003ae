// `tufkey delegation add|remove|list` and `tufkey signer add|remove`: who may sign which tags.
//
// A delegation is an entry in the `delegations` of its parent role: keys, threshold, and the
// target paths it is trusted for (notary: path prefixes, "" = all; tuf: shell-style globs, or
// `path_hash_prefixes` for hashed bins), plus `terminating` (tuf). The parent of a role is the
// name before its last "/" (`targets/a/b` is delegated by `targets/a`); a tuf-dialect name
// without "/" is delegated by `targets`. Changing a delegation re-signs the parent with a key
// this home holds for it (for `targets`, the targets key; for `targets/a`, one of its
// delegate keys), then snapshot and timestamp, and commits everything, transcript step
// included, as one HomeTransaction under the home lock. A parent whose key is not here is
// ErrorCode::key naming it; nothing changes then.
//
// Delegate keys come as files: PEM "PUBLIC KEY" (what `tufkey key generate`, `docker trust key
// generate` and `notary key generate` write) or an X.509 "CERTIFICATE" (notary: listed as
// ecdsa-x509/rsa-x509, as Notary does; tuf: its bare public key). ECDSA P-256/P-384, Ed25519
// and RSA of at least 2048 bits are accepted; a certificate signed with SHA-1 is refused, one
// outside its validity period only warned about. A private key file is refused.
//
// A new role has no metadata until its delegate first signs (`tufkey sign --role ROLE`, carried
// to this home in a bundle): the snapshot does not list it meanwhile, in both dialects
// (docs/delegation.md, "Delegations nobody has signed yet"). Removing a delegation keeps the
// role's last file and its snapshot entry (TUF clients refuse a snapshot that drops a file);
// clients no longer look into it.
//
// Docker's rules for signers (docker trust signer add/remove):
//   signer add NAME GUN     NAME's keys go to targets/NAME and targets/releases (each created,
//                           all paths, when missing); targets is re-signed.
//   signer remove NAME GUN  targets/NAME goes, and NAME's keys leave targets/releases; when that
//                           would leave targets/releases with no key, the user confirms (-y), as
//                           docker asks, and targets/releases is removed: tags only it lists no
//                           longer verify.
// Refusals are ErrorCode::usage (exit 2): bad role or signer names (tuf::RoleName::new_delegated),
// thresholds the keys cannot meet (counted by distinct public key), options the dialect lacks
// (--hash-prefixes, --terminating and thresholds above 1 in the notary dialect). A change that
// would leave a signed role whose file its new keys no longer verify is ErrorCode::refused
// (exit 5): a remaining delegate re-signs it first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

struct DelegationAddRequest final {
    std::string gun;
    std::string role;
    std::vector<std::filesystem::path> key_files;  // --key FILE (repeatable; required for a new role)
    std::vector<std::string> paths;                // --paths: added to the role's paths
    bool all_paths = false;                        // --all-paths: notary "", tuf "*"
    std::vector<std::string> hash_prefixes;        // --hash-prefixes (tuf)
    std::uint32_t threshold = 0;                   // --threshold (0: 1 for a new role, else unchanged)
    bool terminating = false;                      // --terminating (tuf)
};

struct DelegationRemoveRequest final {
    std::string gun;
    std::string role;
    std::vector<std::string> keys;  // --key ID (or unique prefix): only these; empty: the whole role
};

// What one change did to one role.
struct DelegationChange final {
    tuf::RoleName role = tuf::RoleName::targets();
    tuf::RoleName parent = tuf::RoleName::targets();
    bool created = false;
    bool removed = false;
    std::vector<std::string> added_keys;    // canonical key IDs
    std::vector<std::string> removed_keys;  // canonical key IDs
};

struct DelegationReport final {
    std::string gun;
    std::vector<DelegationChange> changes;
    std::map<tuf::RoleName, tuf::Version> versions;  // every role re-signed -> its new version
    std::vector<std::filesystem::path> files_written;
    std::vector<std::string> warnings;
    std::uint32_t hash_bins = 0;  // add_hash_bins: how many bins `changes` made (in prefix order)
};

// One delegated role as `delegation list` shows it.
struct DelegationInfo final {
    tuf::RoleName role = tuf::RoleName::targets();
    tuf::RoleName parent = tuf::RoleName::targets();
    std::vector<std::string> key_ids;  // canonical key IDs
    std::uint32_t threshold = 1;
    bool hashed = false;             // true: `patterns` are path_hash_prefixes
    std::vector<std::string> paths;  // path patterns (or hash prefixes)
    bool terminating = false;
    std::optional<tuf::Version> version;  // nullopt: not signed yet
    bool key_held = false;                // this home holds a key that signs it
};

core::Result<DelegationReport> add_delegation(KeyAccess& access, const DelegationAddRequest& request);
core::Result<DelegationReport> remove_delegation(KeyAccess& access, const DelegationRemoveRequest& request);

// `delegation add GUN NAME --hash-bins N --key FILE... [--threshold N]` (tuf dialect): N hashed
// bins named NAME-<low>-<high> (python-tuf's layout, tuf/hashed_bins.h), each with the same keys
// and threshold, delegated by NAME's parent after its existing delegations, made with one
// re-signing of the parent, snapshot and timestamp in one transaction (one transcript step).
// The bins have no file until something is signed into them: `sign` without --role routes each
// target to its bin where the bin key is held (sign.h). ErrorCode::usage: the notary dialect,
// N not a power of two from 2 to 65,536, no key, a bin name already delegated.
struct HashBinsAddRequest final {
    std::string gun;
    std::string name;  // NAME: the bins' common name (a tuf role name; "a/b" nests under a)
    std::uint32_t count = 0;
    std::vector<std::filesystem::path> key_files;
    std::uint32_t threshold = 0;  // 0: 1
};
core::Result<DelegationReport> add_hash_bins(KeyAccess& access, const HashBinsAddRequest& request);
// Every delegated role of the repository, pre-order (the order clients search them).
core::Result<std::vector<DelegationInfo>> list_delegations(KeyAccess& access, const std::string& gun);

struct SignerAddRequest final {
    std::string name;  // docker's signer name: [a-z0-9][a-z0-9_-]*, not "releases"
    std::string gun;
    std::vector<std::filesystem::path> key_files;
};
struct SignerRemoveRequest final {
    std::string name;
    std::string gun;
};
core::Result<DelegationReport> add_signer(KeyAccess& access, const SignerAddRequest& request);
// Asks (access.confirm) before leaving targets/releases without keys; "no" is ErrorCode::refused.
core::Result<DelegationReport> remove_signer(KeyAccess& access, const SignerRemoveRequest& request);

// `delegation export GUN ROLE -o FILE`: a public package (canonical JSON, no secret):
//   {"format":"tufkey-delegation/1","gun":GUN,"dialect":D,"role":ROLE,"parent":PARENT,
//    "keys":[canonical key IDs],"paths":[...]|"path_hash_prefixes":[...],"threshold":N,
//    "terminating":bool,"parent_file":{"bytes":base64,"length":N,"sha256":hex}}
// `parent_file` is the delegating role's signed file: its signature covers the delegation; the
// other members say in plain words what it holds. The role must be delegated in the home.
struct DelegationExportReport final {
    std::filesystem::path file;
    DelegationInfo delegation;
};
core::Result<DelegationExportReport> export_delegation(const keystore::TrustHome& home, const std::string& gun,
                                                       const std::string& role, const std::filesystem::path& out);

// `delegation import FILE [--gun GUN]`: the package's delegating file must verify against what
// this home trusts for the package's GUN (its root for targets, the trusted parent's
// delegation for a delegated parent) and be no older than the home's copy; the plain members
// must say exactly what the signed delegation holds. Then it shows what it adds (access.show),
// asks (access.confirm; -y), and adds the role to GUN (default: the package's) with its keys,
// paths, threshold and terminating flag as `delegation add` does (same dialect only). A package
// that fails any check is ErrorCode::trust (exit 1) and nothing changes.
struct DelegationImportRequest final {
    std::filesystem::path file;
    std::string gun;  // "": the package's GUN
};
core::Result<DelegationReport> import_delegation(KeyAccess& access, const DelegationImportRequest& request);

}  // namespace tufkey::ceremony
