#include "tufkey/ceremony/policy.h"

#include "policy_document.h"
#include "repository_state.h"
#include "root_signers.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"

namespace tufkey::ceremony {
namespace {

// The overrides applied to `policy`; the first bad ROLE or DURATION is ErrorCode::usage.
core::Result<void> apply_all(RolePolicy& policy, const std::vector<std::string>& overrides, const char* option) {
    for (const auto& o : overrides) {
        auto applied = policy.apply_override(o);
        if (!applied) return applied.error().with_context(option);
    }
    return core::success();
}

// What the home holds: the values in effect and the state of policy.json against `root`.
core::Result<PolicyReport> current_policy(const Repository& repo, const RepositoryConfig& config,
                                          const tuf::Root& root) {
    PolicyReport report;
    report.gun = repo.gun();
    report.expires = config.expires;
    report.warn = config.warn;
    report.threshold = root.root.threshold;
    TUFKEY_TRY(auto bytes, detail::read_home_policy(repo));
    if (!bytes) return report;
    if (auto decoded = detail::decode_policy(config.dialect, *bytes)) report.version = decoded->version;
    auto verified = detail::verify_policy(config.dialect, *bytes, root, repo.gun());
    if (!verified) {
        report.signature = PolicyReport::Signature::invalid;
        report.problem = verified.error().message;
        return report;
    }
    report.signature = PolicyReport::Signature::valid;
    report.signatures = verified->signatures;
    if (verified->policy.expires.entries() != config.expires.entries() ||
        verified->policy.warn.entries() != config.warn.entries())
        report.warnings.push_back(
            "repository.json of " + repo.gun() + " holds other lifetimes than the signed policy " + "version " +
            std::to_string(report.version) + " (edited by hand?): ceremonies use repository.json");
    return report;
}

core::Result<tuf::Root> current_root(const Repository& repo, tuf::Dialect dialect) {
    TUFKEY_TRY(auto bytes, repo.read_current_root());
    if (!bytes)
        return core::Error(core::ErrorCode::usage, "repository " + repo.gun() + " has no root.json in this home");
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, *bytes, "root"));
    return tuf::decode_root(dialect, envelope.signed_part);
}

}  // namespace

core::Result<PolicyReport> show_policy(const keystore::TrustHome& home, const std::string& gun) {
    TUFKEY_TRY_VOID(check_gun(gun));
    Repository repo(home, gun);
    TUFKEY_TRY(auto config, repo.load_config());
    TUFKEY_TRY(auto root, current_root(repo, config.dialect));
    return current_policy(repo, config, root);
}

core::Result<PolicyReport> change_policy(KeyAccess& access, const PolicyRequest& request) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    RolePolicy scratch_expires = RolePolicy::default_expiry();
    RolePolicy scratch_warn = RolePolicy::default_warning();
    TUFKEY_TRY_VOID(apply_all(scratch_expires, request.expires, "--expires"));
    TUFKEY_TRY_VOID(apply_all(scratch_warn, request.warn, "--warn"));
    Repository repo(access.home, request.gun);
    TUFKEY_TRY(auto config, repo.load_config());
    if (config.root_keys.empty())
        return core::Error(core::ErrorCode::key,
                           "this home holds no root key of " + request.gun +
                               " (it was pulled): change the policy where its root tokens are, then publish it");

    TUFKEY_TRY(auto lock, access.home.lock("tufkey policy " + request.gun));
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, request.gun, true));
    TUFKEY_TRY(PolicyReport report, current_policy(repo, state.config(), state.root()));
    const RolePolicy before_expires = report.expires;
    const RolePolicy before_warn = report.warn;
    TUFKEY_TRY_VOID(apply_all(report.expires, request.expires, "--expires"));
    TUFKEY_TRY_VOID(apply_all(report.warn, request.warn, "--warn"));
    if (report.signature == PolicyReport::Signature::valid && report.expires.entries() == before_expires.entries() &&
        report.warn.entries() == before_warn.entries())
        return report;  // nothing to sign

    // Tokens first: a missing token or a wrong PIN costs nothing else.
    TUFKEY_TRY(auto root_signers, detail::open_root_signers(access, state));
    const tuf::Dialect d = state.dialect();
    detail::ExpiryPolicy policy{request.gun, report.version + 1, report.expires, report.warn};
    TUFKEY_TRY(auto bytes, detail::sign_policy(d, policy, root_signers.signing, state.root().keys));
    TUFKEY_TRY(auto verified, detail::verify_policy(d, bytes, state.root(), request.gun));

    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY_VOID(detail::store_policy(repo, tx, verified, "policy"));
    Transcript transcript(repo.transcript_file(), repo.gun());
    TUFKEY_TRY_VOID(transcript.sign_head(tx, root_signers.signers));
    TUFKEY_TRY_VOID(tx.commit());

    report.signature = PolicyReport::Signature::valid;
    report.version = policy.version;
    report.signatures = verified.signatures;
    report.problem.clear();
    report.changed = true;
    report.warnings.clear();
    if (auto warning = detail::short_root_lifetime_warning(report.expires)) report.warnings.push_back(*warning);
    return report;
}

}  // namespace tufkey::ceremony
