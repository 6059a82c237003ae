#include "policy_document.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "metadata_set.h"
#include "role_files.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::ceremony::detail {
namespace {

using tuf::Json;
using tuf::JsonObject;

constexpr const char* kRoleClasses[] = {"root", "targets", "snapshot", "timestamp"};
constexpr const char* kContext = "expiry policy";

core::Error malformed(const std::string& what) {
    return core::Error(core::TrustReason::malformed, std::string(kContext) + ": " + what);
}

Json durations_json(const RolePolicy& policy) {
    JsonObject o;
    for (const char* role : kRoleClasses) o[role] = format_duration(policy.for_role(role));
    return o;
}

core::Result<RolePolicy> durations_from(const Json& signed_part, std::string_view member, RolePolicy policy) {
    const Json* map = signed_part.find(member);
    if (map == nullptr || !map->is_object()) return malformed("\"" + std::string(member) + "\" is not an object");
    for (const char* role : kRoleClasses) {
        const Json* value = map->find(role);
        if (value == nullptr || !value->is_string())
            return malformed("\"" + std::string(member) + "\" has no duration for " + role);
        auto d = parse_duration(value->as_string());
        if (!d) return malformed(d.error().message);
        policy.set(role, *d);
    }
    return policy;
}

core::Result<ExpiryPolicy> policy_from_signed(const Json& signed_part) {
    const Json* type = signed_part.find("_type");
    if (type == nullptr || !type->is_string() || type->as_string() != kPolicyType)
        return core::Error(core::TrustReason::wrong_type,
                           std::string(kContext) + ": _type is not \"" + std::string(kPolicyType) + "\"");
    const Json* gun = signed_part.find("gun");
    const Json* version = signed_part.find("version");
    if (gun == nullptr || !gun->is_string()) return malformed("no gun");
    if (version == nullptr || !version->is_int() || version->as_int() < 1) return malformed("no valid version");
    ExpiryPolicy policy;
    policy.gun = gun->as_string();
    policy.version = static_cast<std::uint64_t>(version->as_int());
    TUFKEY_TRY(policy.expires, durations_from(signed_part, "expires", RolePolicy::default_expiry()));
    TUFKEY_TRY(policy.warn, durations_from(signed_part, "warn", RolePolicy::default_warning()));
    return policy;
}

// Those of `keys` that `root` lists as root keys.
std::vector<tuf::SigningKey> new_root_keys_among(const tuf::Root& root, std::span<const tuf::SigningKey> keys) {
    std::vector<tuf::SigningKey> out;
    for (const auto& k : keys) {
        const auto id = k.key.id();
        if (std::find(root.root.keyids.begin(), root.root.keyids.end(), id) != root.root.keyids.end()) out.push_back(k);
    }
    return out;
}

bool same_content(const ExpiryPolicy& a, const ExpiryPolicy& b) {
    return a.gun == b.gun && a.version == b.version && a.expires.entries() == b.expires.entries() &&
           a.warn.entries() == b.warn.entries();
}

}  // namespace

core::Result<ExpiryPolicy> decode_policy(tuf::Dialect dialect, std::string_view bytes) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, kContext, tuf::JsonLimits{kMaxPolicySize, 8}));
    return policy_from_signed(envelope.signed_part);
}

core::Result<std::string> sign_policy(tuf::Dialect dialect, const ExpiryPolicy& policy,
                                      std::span<const tuf::SigningKey> root_keys, const tuf::KeyMap& known) {
    const JsonObject signed_part{{"_type", std::string(kPolicyType)},
                                 {"gun", policy.gun},
                                 {"version", policy.version},
                                 {"expires", durations_json(policy.expires)},
                                 {"warn", durations_json(policy.warn)}};
    return sign_role(dialect, signed_part, root_keys, known);
}

core::Result<VerifiedPolicy> verify_policy(tuf::Dialect dialect, std::string_view bytes, const tuf::Root& root,
                                           std::string_view gun) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, kContext, tuf::JsonLimits{kMaxPolicySize, 8}));
    TUFKEY_TRY(auto policy, policy_from_signed(envelope.signed_part));
    auto report = tuf::verify_signatures(dialect, tuf::RoleName::root(), envelope, root.keys, root.root.keyids,
                                         root.root.threshold);
    if (!report) {
        core::Error refused = report.error();
        refused.message = std::string(kContext) + " of " + std::string(gun) +
                          " is not signed by the root keys of root version " + std::to_string(root.version.value()) +
                          ": " + refused.message;
        return refused;
    }
    if (policy.gun != gun)
        return core::Error(core::TrustReason::malformed,
                           std::string(kContext) + " names repository " + policy.gun + ", not " + std::string(gun));
    return VerifiedPolicy{std::move(policy), std::string(bytes), report->distinct_keys, report->threshold};
}

core::Result<VerifiedPolicy> verify_policy(tuf::Dialect dialect, std::string_view bytes, std::string_view root_bytes,
                                           std::string_view gun) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, root_bytes, "root"));
    TUFKEY_TRY(auto root, tuf::decode_root(dialect, envelope.signed_part));
    return verify_policy(dialect, bytes, root, gun);
}

std::filesystem::path policy_path(const Repository& repo) { return repo.state_dir() / "policy.json"; }

core::Result<std::optional<std::string>> read_home_policy(const Repository& repo) {
    std::error_code ec;
    if (!std::filesystem::exists(policy_path(repo), ec)) return std::optional<std::string>();
    TUFKEY_TRY(auto bytes, core::read_file(policy_path(repo), kMaxPolicySize));
    return std::optional<std::string>(core::to_string(bytes));
}

core::Result<std::optional<VerifiedPolicy>> check_incoming_policy(const Repository& repo, tuf::Dialect dialect,
                                                                  std::string_view bytes, std::string_view root_bytes) {
    TUFKEY_TRY(auto verified, verify_policy(dialect, bytes, root_bytes, repo.gun()));
    TUFKEY_TRY(auto home_bytes, read_home_policy(repo));
    if (!home_bytes) return std::optional<VerifiedPolicy>(std::move(verified));
    if (*home_bytes == bytes) return std::optional<VerifiedPolicy>();
    auto home = decode_policy(dialect, *home_bytes);
    if (!home) return std::optional<VerifiedPolicy>(std::move(verified));  // a damaged home copy gives way
    const std::uint64_t incoming = verified.policy.version;
    if (incoming < home->version)
        return core::Error(core::TrustReason::rollback, std::string(kContext) + " version " + std::to_string(incoming) +
                                                            " is older than version " + std::to_string(home->version) +
                                                            " which this home already holds (rollback)");
    if (incoming == home->version) {
        if (same_content(verified.policy, *home)) return std::optional<VerifiedPolicy>();
        return core::Error(core::TrustReason::version_mismatch,
                           std::string(kContext) + " version " + std::to_string(incoming) +
                               " differs from the version " + std::to_string(incoming) +
                               " this home holds (two policies signed under one version)");
    }
    return std::optional<VerifiedPolicy>(std::move(verified));
}

core::Result<void> store_policy(const Repository& repo, keystore::HomeTransaction& tx, const VerifiedPolicy& verified,
                                std::string_view via) {
    tx.write(policy_path(repo), verified.bytes, 0600);
    TUFKEY_TRY(auto config, repo.load_config(tx));
    config.expires = verified.policy.expires;
    config.warn = verified.policy.warn;
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    if (via.empty()) return core::success();
    Transcript transcript(repo.transcript_file(), repo.gun());
    return transcript.append(tx, "policy",
                             JsonObject{{"via", std::string(via)},
                                        {"version", verified.policy.version},
                                        {"expires", durations_json(verified.policy.expires)},
                                        {"warn", durations_json(verified.policy.warn)},
                                        {"signatures", static_cast<std::int64_t>(verified.signatures)},
                                        {"sha256", sha256_hex(verified.bytes)}});
}

core::Result<VerifiedPolicy> resign_policy_for_root(const Repository& repo, const RepositoryConfig& config,
                                                    const tuf::Root& new_root, std::span<const tuf::SigningKey> keys) {
    TUFKEY_TRY(auto signed_bytes, sign_next_policy(repo, config, new_root, keys));
    return verify_policy(config.dialect, signed_bytes, new_root, repo.gun());
}

std::filesystem::path staged_policy_path(const Repository& repo) { return repo.state_dir() / "staged-policy.json"; }

core::Result<std::string> sign_next_policy(const Repository& repo, const RepositoryConfig& config,
                                           const tuf::Root& new_root, std::span<const tuf::SigningKey> keys) {
    std::uint64_t version = 0;
    TUFKEY_TRY(auto bytes, read_home_policy(repo));
    if (bytes) {
        if (auto old = decode_policy(config.dialect, *bytes)) version = old->version;
    }
    const ExpiryPolicy policy{repo.gun(), version + 1, config.expires, config.warn};
    return sign_policy(config.dialect, policy, new_root_keys_among(new_root, keys), new_root.keys);
}

core::Result<void> check_staged_policy(tuf::Dialect dialect, std::string_view bytes, const tuf::Root& new_root,
                                       std::string_view gun, std::string_view source) {
    auto refused = [&](const std::string& what) {
        return core::Error(core::TrustReason::malformed,
                           std::string(source) + ": the " + kContext + " staged with the new root " + what);
    };
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, kContext, tuf::JsonLimits{kMaxPolicySize, 8}));
    TUFKEY_TRY(auto policy, policy_from_signed(envelope.signed_part));
    if (policy.gun != gun) return refused("names repository " + policy.gun + ", not " + std::string(gun));
    const std::string message = envelope.signing_bytes();
    for (const auto& signature : envelope.signatures) {
        auto id = tuf::KeyId::parse(signature.keyid);
        const bool listed = id && std::find(new_root.root.keyids.begin(), new_root.root.keyids.end(), *id) !=
                                      new_root.root.keyids.end();
        auto key = id ? new_root.keys.find(*id) : new_root.keys.end();
        if (!listed || key == new_root.keys.end())
            return refused("carries a signature by key " + signature.keyid.substr(0, 16) +
                           "..., which is not a root key of root version " + std::to_string(new_root.version.value()));
        if (!tuf::signature_verifies(dialect, key->second, signature, message))
            return refused("carries a signature by key " + signature.keyid.substr(0, 16) +
                           "... that does not verify (its body was changed after signing)");
    }
    return core::success();
}

core::Result<std::string> add_policy_signatures(tuf::Dialect dialect, std::string_view bytes, const tuf::Root& new_root,
                                                std::span<const tuf::SigningKey> keys) {
    const auto root_keys = new_root_keys_among(new_root, keys);
    if (root_keys.empty()) return std::string(bytes);
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, kContext, tuf::JsonLimits{kMaxPolicySize, 8}));
    return sign_role(dialect, envelope.signed_part, root_keys, new_root.keys, &envelope);
}

core::Result<std::string> merge_policy_signatures(tuf::Dialect dialect, std::string_view into, std::string_view from,
                                                  std::string_view source) {
    TUFKEY_TRY(auto mine, tuf::parse_envelope(dialect, into, kContext, tuf::JsonLimits{kMaxPolicySize, 8}));
    TUFKEY_TRY(auto theirs, tuf::parse_envelope(dialect, from, kContext, tuf::JsonLimits{kMaxPolicySize, 8}));
    if (mine.signing_bytes() != theirs.signing_bytes())
        return core::Error(core::TrustReason::malformed,
                           std::string(source) + ": its " + kContext +
                               " staged with the new root differs from the one staged here: a proposal may not "
                               "change while it collects signatures (start over with 'tufkey rotate GUN root "
                               "--discard-staged')");
    for (const auto& s : theirs.signatures) {
        const bool have = std::any_of(mine.signatures.begin(), mine.signatures.end(),
                                      [&](const tuf::Signature& m) { return m.keyid == s.keyid; });
        if (!have) mine.signatures.push_back(s);
    }
    return tuf::serialize_envelope(dialect, mine);
}

tuf::JsonObject policy_fields(const VerifiedPolicy& verified) {
    return JsonObject{{"version", verified.policy.version},
                      {"expires", durations_json(verified.policy.expires)},
                      {"warn", durations_json(verified.policy.warn)},
                      {"sha256", sha256_hex(verified.bytes)}};
}

std::optional<std::string> short_root_lifetime_warning(const RolePolicy& expires) {
    using namespace std::chrono_literals;
    const Duration root = expires.for_role("root");
    if (root >= Duration(365 * 24h)) return std::nullopt;
    return "the root expires " + format_duration(root) +
           " after it is signed, in less than one year: it must be renewed on its root tokens before then, or "
           "every client has to be pinned to a new root";
}

}  // namespace tufkey::ceremony::detail
