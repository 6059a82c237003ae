// Internal: the root token keys of a repository, opened for a ceremony that signs with the
// current root (rotate, policy, the head signature of the transcript).
#pragma once

#include <vector>

#include "repository_state.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::ceremony::detail {

// The current root's token keys (repository.json `root_keys`), opened (PINs asked) up to the
// root threshold, each checked to be listed in root.json. A home that holds no root key (a
// pulled repository) is ErrorCode::key; too few tokens is ErrorCode::token.
struct RootSigners final {
    std::vector<TokenKey> keys;
    std::vector<tuf::SigningKey> signing;  // metadata key in root.json + token signer
    std::vector<core::Signer*> signers;
};

core::Result<RootSigners> open_root_signers(KeyAccess& access, const RepositoryState& state);

}  // namespace tufkey::ceremony::detail
