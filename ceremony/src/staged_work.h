// Internal: no staged change is ever discarded silently.
//
// A home's own staged work is every targets-type role (and root) whose current version is
// above both the version last published and the version last shared with another place
// (repository.json `published` and `synced`: brought in by pull or bundle import, or handed
// out by bundle export): what sign, unsign or a root ceremony made here and nobody else holds.
// `pull` and `bundle import` replace the home's files with a verified set; before they do,
// check_staged_work_kept() refuses (ErrorCode::refused) when the set would replace such a
// role with other bytes, naming the roles, their versions and the tags that would be lost,
// and the next steps: publish first, or `--discard-staged` to drop them on purpose.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "metadata_set.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/core/result.h"

namespace tufkey::ceremony::detail {

// The rollback baseline of a pull or bundle import: the home's files (local_baseline()) when
// they are a state brought in or published, nothing when they hold staged work of this home
// (a co-signer's newer state may reuse the version numbers of work that never left here);
// check_not_rolled_back() then guards against rollback by the versions recorded instead.
core::Result<std::map<std::string, std::string>> rollback_baseline(const Repository& repo, tuf::Dialect dialect);

// Every role of `incoming` that the home recorded as published or synced must not be older
// than that version (ErrorCode::trust naming both versions).
core::Result<void> check_not_rolled_back(const Repository& repo, const MetadataSet& incoming);

core::Result<void> check_staged_work_kept(const Repository& repo, const MetadataSet& incoming, bool discard_staged,
                                          std::string_view command);

// Records in `config` that the home now holds `set` as shared with another place (`synced`:
// brought in, or handed out in a bundle), and, when `published` (pull: the source serves it),
// as published too.
core::Result<void> record_synced(RepositoryConfig& config, const MetadataSet& set, bool published);

}  // namespace tufkey::ceremony::detail
