#include "root_signers.h"

#include <set>

#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony::detail {

core::Result<RootSigners> open_root_signers(KeyAccess& access, const RepositoryState& state) {
    RootSigners out;
    const tuf::Root& root = state.root();
    if (state.config().root_keys.empty())
        return core::Error(core::ErrorCode::key, "this home holds no root key of " + state.repo().gun() +
                                                     " (it was pulled, not made here): run this where its root "
                                                     "tokens are");
    std::set<std::string> listed_canonical;
    for (const auto& id : root.root.keyids) {
        auto it = root.keys.find(id);
        if (it != root.keys.end() && it->second.public_key())
            listed_canonical.insert(tuf::notary_canonical_key_id(*it->second.public_key()));
    }
    for (const auto& ref : state.config().root_keys) {
        if (out.keys.size() >= root.root.threshold) break;
        // A token key of a staged root rotation (not a root key yet) is not asked for.
        if (!listed_canonical.contains(ref.key_id)) continue;
        TUFKEY_TRY(auto key, open_token_key(access, TokenKeyRequest{ref.uri, false, {}, true}));
        out.keys.push_back(std::move(key));
    }
    for (auto& key : out.keys) {
        const tuf::Key* listed = nullptr;
        for (const auto& id : root.root.keyids) {
            auto it = root.keys.find(id);
            if (it != root.keys.end() && it->second.public_key() &&
                *it->second.public_key() == key.signer->public_key())
                listed = &it->second;
        }
        if (listed == nullptr)
            return core::Error(core::ErrorCode::key, "the token key " + key.uri + " is not a root key of " +
                                                         state.repo().gun() + " any more");
        out.signing.push_back(tuf::SigningKey{*listed, *key.signer});
        out.signers.push_back(key.signer.get());
    }
    if (out.signing.size() < root.root.threshold)
        return core::Error(core::ErrorCode::token, "the root of " + state.repo().gun() + " needs " +
                                                       std::to_string(root.root.threshold) + " token signatures");
    return out;
}

}  // namespace tufkey::ceremony::detail
