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
#include "tufkey/core/progress.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/role_name.h"
#include "tufkey/tuf/version.h"

namespace tufkey::ceremony {

// A target to sign: its tag (target name) and the sha256 and length of the manifest.
struct TargetSpec final {
    std::string tag;
    core::Bytes sha256;  // 32 bytes
    std::uint64_t length = 0;
    std::string source{};  // where it was named, for errors: "release.txt line 3" ("" on the command line)
};

// "GUN:TAG" split at the last ':' whose remainder holds no '/' (so "host:5000/app:v1" works);
// no such ':' gives an empty tag.
struct GunAndTag final {
    std::string gun;
    std::string tag;
};
GunAndTag split_gun_tag(std::string_view name);

// Whether `tag` may be signed as a new tag of repository `gun` (existing names are never
// checked again: `unsign` removes any name a role lists).
//   notary  docker's tag grammar, [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, which `docker trust sign`
//           and `docker pull NAME:TAG` accept;
//   tuf     a TUF target path: '/'-separated, relative, no empty, "." or ".." component, no
//           backslash or control character, at most 1024 bytes;
// and in both a name that starts with "GUN:" (the repository named again) is refused.
// ErrorCode::usage naming the rule.
core::Result<void> check_new_tag(tuf::Dialect dialect, std::string_view gun, std::string_view tag);

// "GUN:TAG" split after the repository this home holds (`known` says whether a GUN is one),
// the leftmost such ':' first, so that a name signed as "host/app:1.0" (which older versions
// wrote from batch lines) is reachable as "GUN:host/app:1.0"; no known prefix: split_gun_tag.
template <typename Known>
GunAndTag split_known_gun_tag(std::string_view name, const Known& known) {
    for (auto colon = name.find(':'); colon != std::string_view::npos; colon = name.find(':', colon + 1)) {
        if (colon + 1 < name.size() && known(name.substr(0, colon)))
            return {std::string(name.substr(0, colon)), std::string(name.substr(colon + 1))};
    }
    return split_gun_tag(name);
}

// "sha256:HEX" (64 hex digits, either case). ErrorCode::usage otherwise.
core::Result<core::Bytes> parse_sha256_digest(std::string_view digest);
// The sha256 and length of a file's exact bytes (read in chunks). ErrorCode::io/usage.
struct FileDigest final {
    core::Bytes sha256;
    std::uint64_t length = 0;
};
core::Result<FileDigest> digest_file(const std::filesystem::path& file, core::Progress* progress = nullptr);
// The same for an image manifest, which must be a JSON object with `schemaVersion` (Docker v2
// or OCI); anything else is ErrorCode::usage.
core::Result<FileDigest> digest_manifest(const std::filesystem::path& file);
// A batch file: one "TAG sha256:HEX SIZE" per line, blank lines and '#' comments allowed.
// A bad line (or a tag given twice) is ErrorCode::usage naming the file and the line number.
core::Result<std::vector<TargetSpec>> parse_batch(std::string_view text, std::string_view file_name,
                                                  core::Progress* progress = nullptr);

struct SignRequest final {
    std::string gun;
    std::vector<TargetSpec> targets;     // sign: the tags to add (or replace)
    std::vector<std::string> removals;   // unsign: the tags to remove
    std::optional<std::string> role;     // --role
    core::Progress* progress = nullptr;  // a terminal's progress line (core/progress.h), or none
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

// Adds request.targets to the role. A new tag check_new_tag() refuses or a tag named twice is
// ErrorCode::usage (naming its batch line), as is a request with no targets.
core::Result<SignReport> sign_targets(KeyAccess& access, const SignRequest& request);

// Removes request.removals from the role. A tag the role does not list is ErrorCode::usage
// naming it; nothing is written then.
core::Result<SignReport> unsign_targets(KeyAccess& access, const SignRequest& request);

}  // namespace tufkey::ceremony
