// Internal: `tufkey publish GUN` for a repository on a Notary server (repository.json
// server_managed; repository.h).
//
//   1. the signed changes waiting in outgoing/ go up as one multipart upload (root first, then
//      targets and delegated roles, then snapshot when this home signs it); the server checks
//      them and signs the new timestamp (and snapshot, when it holds that key);
//   2. what the server now serves is fetched and run through the verification pipeline from
//      the root this home trusts (its rollback baseline: the home's served files), and must
//      hold exactly the bytes uploaded;
//   3. one HomeTransaction stores the verified files in metadata/ (what the notary client and
//      docker read), empties outgoing/, records the published versions and a "publish" step.
// With nothing in outgoing/ nothing is uploaded. The server's refusals are mapped by
// remote::NotaryServer (a version conflict is ErrorCode::refused: pull, then sign again); the
// outgoing files stay until a publish succeeds or a pull discards them (--discard-staged).
// A refused upload whose bytes the server serves already (an earlier publish killed between
// steps 1 and 3) is finished: steps 2 and 3 run as if the upload had just been taken.
#pragma once

#include "tufkey/ceremony/publish.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::ceremony::detail {

core::Result<PublishReport> publish_to_server(const keystore::TrustHome& home, const Repository& repo,
                                              const RepositoryConfig& config);

}  // namespace tufkey::ceremony::detail
