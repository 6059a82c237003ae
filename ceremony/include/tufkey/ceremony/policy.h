// `tufkey policy GUN [--expires ROLE=DURATION]... [--warn ROLE=DURATION]...`: shows or changes
// the expiry policy of a repository (per-role lifetimes and `status` warning windows).
//
// The policy is repository state, not a local setting: a document signed by a threshold of the
// current root's root keys (format and places: ceremony/src/policy_document.h; docs/policy.md)
// that travels with `publish`, `pull` and bundles, so a signing machine that pulled the
// repository signs with the lifetimes chosen at the ceremony. A pulled home applies a policy only
// after verifying it against the root it trusts; an unsigned or badly signed one is refused.
//
// show_policy reads <home>/tufkey/<GUN>/policy.json and repository.json: the lifetimes in effect
// and whether they are signed (version, how many root keys). A home made before policies were
// signed has no policy.json: its repository.json values are shown as unsigned.
//
// change_policy applies the overrides to the policy in effect and, unless nothing changes and
// the home already holds a valid signed policy, signs version + 1 (1 when none was signed) with
// the root token keys of repository.json `root_keys` (PINs as for every token ceremony), then
// writes policy.json, repository.json and a "policy" transcript step with a head signature by
// the same tokens, as one HomeTransaction. A home holding no root key (pulled) is
// ErrorCode::key before any token is opened; a missing token or wrong PIN is ErrorCode::token
// or key; a bad ROLE or DURATION is ErrorCode::usage. Any error changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tufkey/ceremony/duration.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::ceremony {

struct PolicyRequest final {
    std::string gun;
    std::vector<std::string> expires;  // ROLE=DURATION (--expires)
    std::vector<std::string> warn;     // ROLE=DURATION (--warn)
};

struct PolicyReport final {
    enum class Signature {
        none,     // no signed policy (a home made before policies were signed, or pulled from one)
        valid,    // policy.json verifies against the current root
        invalid,  // policy.json is there but does not verify (e.g. signed by a former root)
    };
    std::string gun;
    RolePolicy expires = RolePolicy::default_expiry();  // in effect (repository.json)
    RolePolicy warn = RolePolicy::default_warning();
    Signature signature = Signature::none;
    std::uint64_t version = 0;    // of policy.json; 0 when there is none
    std::size_t signatures = 0;   // distinct root keys whose signature verified
    std::uint32_t threshold = 1;  // of the current root
    std::string problem;          // why policy.json does not verify (Signature::invalid)
    bool changed = false;         // change_policy signed a new version
    std::vector<std::string> warnings;
};

core::Result<PolicyReport> show_policy(const keystore::TrustHome& home, const std::string& gun);
core::Result<PolicyReport> change_policy(KeyAccess& access, const PolicyRequest& request);

}  // namespace tufkey::ceremony
