#include "pipeline.h"

#include <utility>

#include "tufkey/tuf/notary_root.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::RoleName;

const std::string kRootFile = tuf::metadata_file_name(RoleName::root());

}  // namespace

core::Result<Verified> run_pipeline(const PipelineRequest& request, tuf::Fetcher& fetcher, tuf::MetadataStore& store) {
    const tuf::DialectProfile& profile = *request.layout.profile;
    // The anchor enters trust here, and only here (see pipeline.h).
    TUFKEY_TRY(auto saved, store.load(kRootFile));
    if (!saved || *saved != request.trusted_root) TUFKEY_TRY_VOID(store.store(kRootFile, request.trusted_root));
    TUFKEY_TRY(auto updater,
               tuf::Updater::create(profile.dialect(), request.layout.base_url, fetcher, store, request.now));
    TUFKEY_TRY_VOID(updater.refresh());
    tuf::TrustedSet trusted = updater.trusted();
    if (profile.root_keys_are_certificates())
        TUFKEY_TRY_VOID(tuf::check_notary_root_certificates(trusted.root(), request.gun, request.now));
    tuf::RoleWalk walk;
    if (request.walk == Walk::every_role) {
        TUFKEY_TRY(walk, tuf::load_delegation_tree(trusted, fetcher, request.layout.base_url, {}, &store));
    }
    return Verified{std::move(updater), std::move(trusted), std::move(walk)};
}

core::Result<MetadataSet> trusted_files(const PipelineRequest& request, const Verified& verified, MemoryStore& store) {
    MetadataSet out;
    out.dialect = request.layout.profile->dialect();
    TUFKEY_TRY(auto anchor, file_version(out.dialect, RoleName::root(), request.trusted_root));
    out.root_chain[anchor] = request.trusted_root;
    for (const auto& [version, bytes] : store.roots()) out.root_chain[version] = bytes;
    std::vector<RoleName> roles{RoleName::root(), RoleName::timestamp(), RoleName::snapshot(), RoleName::targets()};
    roles.insert(roles.end(), verified.walk.verified.begin(), verified.walk.verified.end());
    roles.insert(roles.end(), verified.walk.retired.begin(), verified.walk.retired.end());
    for (const auto& role : roles) {
        TUFKEY_TRY(auto bytes, store.load(tuf::metadata_file_name(role)));
        if (!bytes) return core::Error(core::ErrorCode::internal, role.str() + ": missing after a successful refresh");
        out.roles[role] = std::move(*bytes);
    }
    return out;
}

core::Result<MetadataSet> verify_local_set(const MetadataSet& set, const std::string& origin, PipelineRequest request,
                                           std::map<std::string, std::string> baseline) {
    request.layout.base_url = "tufkey-set:";
    LocalFetcher fetcher(set, request.layout.base_url, origin);
    return verify_set(fetcher, request, std::move(baseline));
}

core::Result<MetadataSet> verify_set(tuf::Fetcher& fetcher, const PipelineRequest& request,
                                     std::map<std::string, std::string> baseline) {
    MemoryStore store(*request.layout.profile, std::move(baseline));
    TUFKEY_TRY(auto verified, run_pipeline(request, fetcher, store));
    return trusted_files(request, verified, store);
}

}  // namespace tufkey::ceremony::detail
