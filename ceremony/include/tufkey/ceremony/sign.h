// `tufkey sign` and `tufkey unsign`: add or remove tags (targets) of a repository in the home.
//
// One invocation is one signing: every tag named goes into a new version of its targets role
// (targets, a delegation, or its hashed bin; see below), then snapshot and timestamp are re-signed by their file
// keys over the new file bytes, and the files are written (each atomically; the role first,
// timestamp last) under the home lock. Each key is decrypted once. Nothing is written when
// anything fails before the writes (wrong passphrase, missing key, a tag the dialect cannot
// publish). The root and its version chain are never touched. A "sign"/"unsign" step with the
// tags, the role and the SHA-256 of every file written is appended to the transcript.
//
// The role, when none is given: for each tag, the hashed bin (a delegation with
// path_hash_prefixes, e.g. made by `delegation add --hash-bins`) that covers it, when this home
// holds a key for that bin, found with one SHA-256 of the tag and one lookup (tuf::HashBinIndex);
// for the other tags `targets/releases` when the repository delegates it and a key for it is
// held in the home (docker's behaviour), else `targets`. Only the roles that receive tags are
// re-signed (a bin with no file yet gets its first version), all in the one transaction.
// `unsign` finds the tags' roles the same way. With targets/releases, as docker does, the
// tags also go into (unsign: leave) every other direct delegation of targets whose key the home
// holds and whose paths cover them (the signer's own targets/NAME), which is how `inspect`
// names a tag's signers. A tag outside the paths of the role (or of any role on its chain from
// targets) is ErrorCode::usage: no client would find it there.
//
// A delegate's home holds no snapshot and timestamp keys: signing into a delegated role there
// signs that role only (a warning says so); the owner's `bundle import` re-signs snapshot and
// timestamp over it (bundle.h).
//
// Target entries are what `docker trust sign` writes: the sha256 of the manifest and its
// length (notary: base64 hash; tuf: hex hash).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/bytes.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

// A target to sign: its tag (target name) and the sha256 and length of the manifest.
struct TargetSpec final {
    std::string tag;
    core::Bytes sha256;  // 32 bytes
    std::uint64_t length = 0;
};

// "GUN:TAG" split at the last ':' whose remainder holds no '/' (so "host:5000/app:v1" works);
// no such ':' gives an empty tag.
struct GunAndTag final {
    std::string gun;
    std::string tag;
};
GunAndTag split_gun_tag(std::string_view name);

// "sha256:HEX" (64 hex digits, either case). ErrorCode::usage otherwise.
core::Result<core::Bytes> parse_sha256_digest(std::string_view digest);
// The sha256 and length of a file's exact bytes (read in chunks). ErrorCode::io/usage.
struct FileDigest final {
    core::Bytes sha256;
    std::uint64_t length = 0;
};
core::Result<FileDigest> digest_file(const std::filesystem::path& file);
// The same for an image manifest, which must be a JSON object with `schemaVersion` (Docker v2
// or OCI); anything else is ErrorCode::usage.
core::Result<FileDigest> digest_manifest(const std::filesystem::path& file);
// A batch file: one "TAG sha256:HEX SIZE" per line, blank lines and '#' comments allowed.
// A bad line (or a tag given twice) is ErrorCode::usage naming the file and the line number.
core::Result<std::vector<TargetSpec>> parse_batch(std::string_view text, std::string_view file_name);

struct SignRequest final {
    std::string gun;
    std::vector<TargetSpec> targets;    // sign: the tags to add (or replace)
    std::vector<std::string> removals;  // unsign: the tags to remove
    std::optional<std::string> role;    // --role
};

struct SignReport final {
    std::string gun;
    tuf::RoleName role = tuf::RoleName::targets();   // the role signed into (tags not in `binned`)
    std::map<std::string, tuf::RoleName> binned;     // tag -> the hashed bin it went into (see above)
    std::vector<tuf::RoleName> also_signed;          // docker: the signer's other roles (see above)
    std::vector<TargetSpec> signed_targets;          // sign
    std::map<std::string, std::string> replaced;     // tag -> previous sha256 hex (sign)
    std::vector<std::string> removed;                // unsign
    std::map<tuf::RoleName, tuf::Version> versions;  // every role re-signed -> its new version
    std::vector<std::filesystem::path> files_written;
    std::vector<std::string> warnings;
};

// Adds request.targets to the role. A tag the dialect cannot publish (tuf::check_target_path)
// or a tag named twice is ErrorCode::usage, as is a request with no targets.
core::Result<SignReport> sign_targets(KeyAccess& access, const SignRequest& request);

// Removes request.removals from the role. A tag the role does not list is ErrorCode::usage
// naming it; nothing is written then.
core::Result<SignReport> unsign_targets(KeyAccess& access, const SignRequest& request);

}  // namespace tufkey::ceremony
