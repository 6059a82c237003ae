// Internal: the plan of `tufkey migrate` (migrate.h): which keys of the old repository this home
// holds, which of them sign what in the new one, which keys are made, whether the root chain
// continues, and where it goes. Decided from the repository and the home's key files only:
// nothing is opened, no PIN or passphrase is asked (so --dry-run can show it). What the
// destination dialect cannot express is refused here (migrate_convert.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "repository_state.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/migrate.h"
#include "tufkey/core/result.h"
#include "tufkey/tuf/key.h"

namespace tufkey::ceremony::detail::migration {

// Where a key of the old repository can sign from this home.
enum class Held { none, file, token };

struct OldKey final {
    tuf::Key key;  // as the old metadata lists it
    std::string canonical;
    Held held = Held::none;
};

// How a top-level role (targets, snapshot, timestamp) gets its key in the new repository.
struct TopKeys final {
    enum class Kind { keep, generate, server } kind = Kind::keep;
    std::vector<OldKey> keep;  // Kind::keep: the old keys (re-listed in the new dialect)
    std::uint32_t threshold = 1;
};

// One targets-type role of the new repository.
struct TreePlan final {
    const TargetsRole* source = nullptr;
    bool copy = true;             // same dialect: the file byte for byte
    std::vector<OldKey> signers;  // otherwise: the held keys that sign it (up to its threshold)
};

// Where it all goes, and who signs.
struct Plan final {
    tuf::Dialect from = tuf::Dialect::notary;
    tuf::Dialect to = tuf::Dialect::notary;
    bool server = false;
    std::filesystem::path dir;          // static destination
    std::string url;                    // Notary server destination
    std::vector<OldKey> old_root;       // every old root key, with where it is held
    std::vector<OldKey> old_root_held;  // those this home signs with, up to the old threshold
    bool old_root_here = false;         // a threshold of the old root keys is in this home
    bool continues = false;             // ... and the dialect stays: root N+1 of the same chain
    bool new_root_on_tokens = false;
    std::uint32_t new_threshold = 1;
    std::map<tuf::RoleName, TopKeys> top;  // targets, snapshot, timestamp
    std::vector<TreePlan> tree;
};

bool same_dialect(const Plan& p);
// "1a2b3c4d5e6f (key file)".
std::string key_label(const OldKey& k);
// "1a2b3c4d5e6f, 7a8b9c0d1e2f".
std::string id_list(const std::vector<OldKey>& keys);

// Refuses a GUN the home does not hold, unpublished server changes or a staged root
// (ErrorCode::refused), and a repository whose files in the home do not verify (ErrorCode::trust).
core::Result<void> check_source(const KeyAccess& access, const std::string& gun);
core::Result<Plan> make_plan(const KeyAccess& access, const MigrateRequest& request, const RepositoryState& state);
// A destination that already holds a repository for `gun` is ErrorCode::refused (a server is asked
// for its root.json).
core::Result<void> check_destination_free(const Plan& plan, const std::string& gun, const TlsSettings& tls);
// The report as far as the plan knows it (the whole report of a dry run).
MigrateReport describe(const MigrateRequest& request, const Plan& plan, const RepositoryState& state);

}  // namespace tufkey::ceremony::detail::migration
