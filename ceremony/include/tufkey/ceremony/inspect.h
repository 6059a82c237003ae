// `tufkey inspect`: what `docker trust inspect` shows, from the metadata in the home (read-only;
// no signature checks: that is `tufkey verify`).
//
// Docker's rules: a tag is listed when `targets` or a release role (`targets/releases`; tuf
// dialect also `releases`) lists it; its signers are the other delegations that list the same
// tag with the same digest, named without the "targets/" prefix, or "Repo Admin" when there
// are none. Signers are every delegation except the release role, with the canonical IDs of
// their keys. Administrative keys: "Root" (the IDs root.json lists for the root role, i.e. the
// certificate IDs in the notary dialect, as docker shows them) and "Repository" (the canonical
// IDs of the targets keys). `--pretty` and `status` show canonical IDs for every key (the key's
// name in `key list`, private/<ID>.key and `--key`), and the root.json ID beside a root key's
// where they differ; the JSON keeps docker's IDs. Lists are sorted as docker sorts them (tags in natural order,
// signers and administrative roles by name, descending).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::ceremony {

inline constexpr const char* kRepoAdmin = "Repo Admin";

struct InspectedTag final {
    std::string tag;
    std::string digest;                // sha256, hex
    std::vector<std::string> signers;  // never empty: "Repo Admin" when only released roles sign it
};

struct InspectedSigner final {
    std::string name;
    std::vector<std::string> key_ids;
    // The canonical IDs of the same keys, in the same order (what `status`, `key list` and
    // `--key` name them; differs from key_ids only for "Root").
    std::vector<std::string> canonical_ids{};
};

struct Inspection final {
    std::string name;  // as asked: GUN or GUN:TAG
    std::vector<InspectedTag> signed_tags;
    std::vector<InspectedSigner> signers;
    std::vector<InspectedSigner> administrative_keys;  // "Root" then "Repository"
};

// `name` is GUN or GUN:TAG (only that tag then; an unknown tag gives no rows, as docker does).
// A GUN the home has no metadata for is ErrorCode::trust "no signatures or cannot access NAME".
core::Result<Inspection> inspect_repository(const keystore::TrustHome& home, std::string_view name);

}  // namespace tufkey::ceremony
