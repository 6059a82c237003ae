// `tufkey rotate GUN ROLE [--key ID] [--remove-key ID]...`: replace or revoke the keys of
// targets, snapshot or timestamp (root rotation is a separate ceremony, still to come).
//
//   rotate GUN ROLE                 a new key file for ROLE replaces every key it had
//   rotate GUN ROLE --key ID        a key already in the home replaces them
//   rotate GUN ROLE --remove-key ID revokes only that key (a leaked one); the role keeps the
//                                   others, and must keep at least its threshold
//   rotate GUN timestamp|snapshot --server-managed
//                                   a repository on a Notary server: the server makes a new key
//                                   (POST <role>.key) and keeps it; root lists it as the only key
//                                   of the role, and the server signs the role from then on.
//                                   Rotating snapshot without it on such a repository takes the
//                                   role back into this home (a new key file). A server repository's
//                                   timestamp is always the server's.
// On a server repository the new root (and snapshot, when signed here) waits in outgoing/ for
// `tufkey publish`; the server's new key is used once the root that lists it is published.
//
// The root is re-signed as version + 1 (same root keys and expiry) by a threshold of its token
// keys (repository.json `root_keys`; PINs as for every token ceremony), listing the new key
// set. The rotated role is re-signed by its new key when it is targets; snapshot and timestamp
// are re-signed over the new files (by their new key when they were rotated). Key files that
// no role of the GUN uses any more are moved to tufkey/<GUN>/archive/<id>.key (never deleted).
// Everything, transcript line and head signature by the root tokens included, commits as one
// HomeTransaction: a missing token, a wrong PIN or passphrase, or a kill changes nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tufkey/ceremony/duration.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

struct RotateRequest final {
    std::string gun;
    std::string role;                      // targets | snapshot | timestamp
    std::string key;                       // "": a new key file; else the ID of a key in the home
    std::vector<std::string> remove_keys;  // --remove-key: revoke only these (key IDs or prefixes)
    bool server_managed = false;           // --server-managed: the Notary server makes the new key
};

struct RotateReport final {
    std::string gun;
    tuf::RoleName role = tuf::RoleName::targets();
    std::vector<std::string> added;    // canonical key IDs
    std::vector<std::string> removed;  // canonical key IDs
    std::vector<std::filesystem::path> archived;
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> new version
};

core::Result<RotateReport> rotate_role(KeyAccess& access, const RotateRequest& request);

// `tufkey rotate GUN root [--key URI|ID|FILE]... [--remove-key ID]... [--root-threshold N] [--stage]`:
// a new root version whose root keys are the --key list (a pkcs11: URI names a token key,
// generated after confirmation when missing; a key ID keeps a current root key; a FILE is the
// certificate of a token key in another room, see make_root_certificate), or, without
// --key, the current root keys minus any --remove-key (no --key and no --remove-key renews the
// root: same keys, a new expiry from the policy, and in the notary dialect new certificates).
// The new root is signed by a threshold of the OLD root keys and a threshold of its own, with
// every root token in this room (absent tokens are skipped before any PIN is asked).
//   - both thresholds met here: the new root replaces the old one at once, snapshot and
//     timestamp are re-signed, the expiry policy is signed again (version + 1) by the new root
//     keys here (ceremony/src/policy_document.h), everything commits as one HomeTransaction;
//   - not met: without --stage, ErrorCode::token naming what is missing, nothing changed; with
//     --stage, the partly signed root is staged as tufkey/<GUN>/staged-root.json, to be carried
//     in a bundle to the other rooms (`tufkey root sign`) and brought back (`bundle import`).
// In the notary dialect a kept root key whose token is here gets a new certificate (valid as
// long as the new root); one whose token is elsewhere keeps its certificate, and the new root
// expires no later than that certificate.
struct RootRotateRequest final {
    std::string gun;
    std::vector<std::string> keys;         // --key: pkcs11 URIs and/or IDs of current root keys
    std::vector<std::string> remove_keys;  // --remove-key: current root keys to drop
    std::uint32_t threshold = 0;           // --root-threshold (0: the current root threshold)
    bool stage = false;                    // --stage: sign what can be signed here and stage it
    bool discard_staged = false;           // --discard-staged: replace a staged root rotation
};

struct RootRotateReport final {
    std::string gun;
    std::uint64_t version = 0;        // the new root version
    std::vector<std::string> change;  // what changes, one line each (shown before signing)
    std::size_t old_signed = 0, old_threshold = 0, new_signed = 0, new_threshold = 0;
    bool staged = false;  // true: collected in staged-root.json, not in use yet
    std::filesystem::path staged_file;
    std::vector<std::string> generated;              // URIs of root keys generated on tokens
    std::map<tuf::RoleName, tuf::Version> versions;  // role -> new version (when it replaced the root)
    std::vector<std::string> warnings;
};

core::Result<RootRotateReport> rotate_root(KeyAccess& access, const RootRotateRequest& request);

// `tufkey root certificate GUN --key URI -o FILE [--expires DURATION]`: the other room's half of
// adding a root key whose token cannot travel. It writes the self-signed X.509 certificate
// (CN = GUN, made on the token, so it proves the key holder made it) that `rotate GUN root --key
// FILE` accepts in the room where the rotation is started, in either dialect (Notary's root keys
// are such certificates; the tuf dialect lists the bare public key). The key is generated on
// the token after confirmation when it is missing. Ed25519 keys cannot sign an X.509
// certificate here, so for them the file is the PEM public key (tuf dialect only).
// Nothing in the home changes; the home needs no repository for GUN.
struct RootCertificateRequest final {
    std::string gun;
    std::string key_uri;
    std::filesystem::path out;
    Duration lifetime{};  // the certificate's validity (a Notary root expires no later)
};

struct RootCertificateReport final {
    std::filesystem::path file;
    std::string key_id;  // canonical ID of the public key
    std::string uri;
    bool generated = false;
    bool certificate = true;  // false: a PEM public key (Ed25519)
    std::string not_after;    // certificates only
};

core::Result<RootCertificateReport> make_root_certificate(KeyAccess& access, const RootCertificateRequest& request);

}  // namespace tufkey::ceremony
