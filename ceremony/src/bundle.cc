#include "tufkey/ceremony/bundle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "metadata_set.h"
#include "pin_check.h"
#include "policy_document.h"
#include "repository_state.h"
#include "root_rotation.h"
#include "delegate_work.h"
#include "staged_work.h"
#include "tufkey/tuf/root_forward.h"
#include "pipeline.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/transcript.h"
#include "tufkey/ceremony/verify.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/key_id.h"
#include "tufkey/tuf/trusted_set.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::ceremony {
namespace {

using detail::MetadataSet;
using tuf::Dialect;
using tuf::DialectProfile;
using tuf::Json;
using tuf::JsonArray;
using tuf::JsonObject;
using tuf::RoleName;

// A bundle holds at most every role a walk visits and every retired role (UpdaterLimits::
// max_tree_roles each), the root chain and a few members; each entry is about ten structural
// tokens ({, four members, their separators). Read in chunks through tuf::JsonShapeScanner, a
// document with more tokens is refused after a few MiB, whatever its size (issue #14: a 60 MiB
// `[{},{},...]` took 2 GB). Both limits are also checked before a bundle is written.
constexpr std::size_t kMaxBundleSize = std::size_t{2} * tuf::kMaxMetadataLength;
constexpr std::size_t kMaxBundleTokens = 12 * (2 * tuf::UpdaterLimits{}.max_tree_roles + 512);

// The bundle's text, refused as soon as it is larger or has more structure than a bundle can.
core::Result<std::string> read_bundle_text(const std::filesystem::path& file) {
    TUFKEY_TRY(const int fd, core::open_regular_file(file));
    struct FdCloser {
        int descriptor;
        ~FdCloser() { ::close(descriptor); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return core::io_error("read", file, errno);
    if (static_cast<std::uint64_t>(st.st_size) > kMaxBundleSize)
        return core::Error(core::ErrorCode::trust,
                           "bundle " + file.string() + " refused: " + std::to_string(st.st_size) +
                               " bytes, more than the " + std::to_string(kMaxBundleSize) + " a bundle may have");
    std::string text;
    text.reserve(static_cast<std::size_t>(st.st_size));  // address space only until written
    tuf::JsonShapeScanner scanner(kMaxBundleTokens);
    std::string chunk(std::size_t{1} << 16, '\0');
    for (;;) {
        const ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return core::io_error("read", file, errno);
        if (n == 0) break;
        const std::string_view got(chunk.data(), static_cast<std::size_t>(n));
        if (text.size() + got.size() > kMaxBundleSize)
            return core::Error(core::ErrorCode::trust, "bundle " + file.string() + " refused: it grew while read");
        if (auto shape = scanner.feed(got); !shape)
            return core::Error(core::ErrorCode::trust,
                               "bundle " + file.string() + " refused: " + shape.error().message);
        text.append(got);
    }
    return text;
}

// Never write what cannot be read: the same limits as read_bundle_text().
core::Result<void> check_bundle_size(const std::string& text) {
    tuf::JsonShapeScanner scanner(kMaxBundleTokens);
    if (text.size() > kMaxBundleSize || !scanner.feed(text))
        return core::Error(core::ErrorCode::usage, "the bundle would be larger than 'tufkey bundle import' reads (" +
                                                       std::to_string(text.size()) + " bytes); publish instead");
    return core::success();
}

Json entry_json(const std::string& bytes, std::uint64_t version) {
    return JsonObject{{"bytes", core::base64_encode(core::as_bytes(bytes))},
                      {"length", static_cast<std::int64_t>(bytes.size())},
                      {"sha256", detail::sha256_hex(bytes)},
                      {"version", static_cast<std::int64_t>(version)}};
}

core::Result<BundleSummary> summarize(const std::string& gun, const MetadataSet& set) {
    BundleSummary summary;
    summary.gun = gun;
    summary.dialect = set.dialect;
    TUFKEY_TRY(summary.versions, detail::role_versions(set));
    for (const auto& [version, bytes] : set.root_chain) summary.root_chain.push_back(version);
    return summary;
}

core::Error damaged(const std::filesystem::path& file, const std::string& what) {
    return core::Error(core::ErrorCode::trust, "bundle " + file.string() + " refused: " + what);
}

// One ENTRY: its bytes, checked against its length and sha256; its version as the file says.
core::Result<std::string> read_entry(const std::filesystem::path& file, Dialect dialect, const RoleName& role,
                                     const Json& entry, std::uint64_t& version) {
    const Json* b = entry.find("bytes");
    const Json* length = entry.find("length");
    const Json* sha = entry.find("sha256");
    const Json* v = entry.find("version");
    if (!entry.is_object() || b == nullptr || !b->is_string() || length == nullptr || !length->is_int() ||
        sha == nullptr || !sha->is_string() || v == nullptr || !v->is_int())
        return damaged(file, role.str() + ": an entry needs bytes, length, sha256 and version");
    auto decoded = core::base64_decode(b->as_string());
    if (!decoded) return damaged(file, role.str() + ": bytes are not base64");
    std::string bytes = core::to_string(*decoded);
    if (static_cast<std::int64_t>(bytes.size()) != length->as_int() || detail::sha256_hex(bytes) != sha->as_string())
        return damaged(file, role.str() + ": length or sha256 does not match (damaged or altered in transit)");
    auto actual = detail::file_version(dialect, role, bytes);
    if (!actual || static_cast<std::int64_t>(*actual) != v->as_int())
        return damaged(file, role.str() + ": the listed version is not the file's version");
    version = *actual;
    return bytes;
}

std::string string_member(const Json& json, std::string_view name) {
    const Json* v = json.find(name);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

core::Result<void> read_roles(const std::filesystem::path& file, const Json& doc, MetadataSet& set) {
    const Json* roles = doc.find("roles");
    if (roles == nullptr || !roles->is_object()) return damaged(file, "no roles object");
    for (const auto& [name, entry] : roles->as_object()) {
        auto role = RoleName::parse(set.dialect, name);
        if (!role) return damaged(file, "role name \"" + name + "\" is not valid in this dialect");
        std::uint64_t version = 0;
        TUFKEY_TRY(set.roles[*role], read_entry(file, set.dialect, *role, entry, version));
    }
    for (const auto& role : {RoleName::root(), RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
        if (set.find(role) == nullptr) return damaged(file, "it carries no " + role.str() + " metadata");
    }
    return core::success();
}

core::Result<void> read_chain(const std::filesystem::path& file, const Json& doc, MetadataSet& set) {
    const Json* chain = doc.find("root_chain");
    if (chain == nullptr || !chain->is_array()) return damaged(file, "no root_chain array");
    for (const Json& entry : chain->as_array()) {
        std::uint64_t version = 0;
        TUFKEY_TRY(auto bytes, read_entry(file, set.dialect, RoleName::root(), entry, version));
        if (set.root_chain.contains(version))
            return damaged(file, "root version " + std::to_string(version) + " twice");
        set.root_chain[version] = std::move(bytes);
    }
    const std::string& root = set.roles.at(RoleName::root());
    TUFKEY_TRY(auto current, detail::file_version(set.dialect, RoleName::root(), root));
    if (auto it = set.root_chain.find(current); it != set.root_chain.end() && it->second != root)
        return damaged(file, "root.json differs from root version " + std::to_string(current) + " of its chain");
    set.root_chain[current] = root;
    return core::success();
}

// The optional "transcript" member: {"bytes":base64,"length":N,"sha256":hex} of the exporting
// home's transcript.jsonl. Absent (an older bundle, or a home without a transcript): nullopt.
core::Result<std::optional<std::string>> read_transcript_member(const std::filesystem::path& file, const Json& doc) {
    const Json* entry = doc.find("transcript");
    if (entry == nullptr) return std::optional<std::string>();
    const Json* b = entry->find("bytes");
    const Json* length = entry->find("length");
    const Json* sha = entry->find("sha256");
    if (!entry->is_object() || b == nullptr || !b->is_string() || length == nullptr || !length->is_int() ||
        sha == nullptr || !sha->is_string())
        return damaged(file, "transcript: it needs bytes, length and sha256");
    if (length->as_int() < 0 || static_cast<std::uint64_t>(length->as_int()) > kMaxBundledTranscriptSize)
        return damaged(file, "transcript: larger than " + std::to_string(kMaxBundledTranscriptSize >> 20) + " MiB");
    auto decoded = core::base64_decode(b->as_string());
    if (!decoded) return damaged(file, "transcript: bytes are not base64");
    std::string bytes = core::to_string(*decoded);
    if (static_cast<std::int64_t>(bytes.size()) != length->as_int() || detail::sha256_hex(bytes) != sha->as_string())
        return damaged(file, "transcript: length or sha256 does not match (damaged or altered in transit)");
    return std::optional<std::string>(std::move(bytes));
}

// The optional members "policy" and "staged_policy": an ENTRY holding an expiry policy
// (policy_document.h), checked like the others against its length, sha256 and version. Trust
// comes later, on import.
core::Result<std::optional<std::string>> read_policy(const std::filesystem::path& file, const Json& doc,
                                                     Dialect dialect, const std::string& member) {
    const Json* entry = doc.find(member);
    if (entry == nullptr) return std::optional<std::string>();
    const Json* b = entry->find("bytes");
    const Json* length = entry->find("length");
    const Json* sha = entry->find("sha256");
    const Json* v = entry->find("version");
    if (!entry->is_object() || b == nullptr || !b->is_string() || length == nullptr || !length->is_int() ||
        sha == nullptr || !sha->is_string() || v == nullptr || !v->is_int())
        return damaged(file, member + ": an entry needs bytes, length, sha256 and version");
    auto decoded = core::base64_decode(b->as_string());
    if (!decoded) return damaged(file, member + ": bytes are not base64");
    std::string bytes = core::to_string(*decoded);
    if (static_cast<std::int64_t>(bytes.size()) != length->as_int() || detail::sha256_hex(bytes) != sha->as_string())
        return damaged(file, member + ": length or sha256 does not match (damaged or altered in transit)");
    auto policy = detail::decode_policy(dialect, bytes);
    if (!policy) return damaged(file, policy.error().message);
    if (static_cast<std::int64_t>(policy->version) != v->as_int())
        return damaged(file, member + ": the listed version is not the document's version");
    return std::optional<std::string>(std::move(bytes));
}

// The home's expiry policy as the bundle member "policy", when the home holds one that verifies
// against the current root (one signed by a former root would only be refused on import).
core::Result<std::optional<Json>> policy_entry(const Repository& repo, const MetadataSet& set,
                                               std::optional<std::uint64_t>& version) {
    TUFKEY_TRY(auto bytes, detail::read_home_policy(repo));
    if (!bytes) return std::optional<Json>();
    auto verified = detail::verify_policy(set.dialect, *bytes, set.roles.at(RoleName::root()), repo.gun());
    if (!verified) return std::optional<Json>();
    version = verified->policy.version;
    return std::optional<Json>(entry_json(*bytes, verified->policy.version));
}

// A bundle's policy on import: verified against the root the import ends up trusting, for
// the bundle's GUN, not older than the home's. nullopt: none carried, or the home holds it.
core::Result<std::optional<detail::VerifiedPolicy>> accept_policy(const std::filesystem::path& file,
                                                                  const Repository& repo,
                                                                  const std::optional<std::string>& bytes,
                                                                  const MetadataSet& verified) {
    if (!bytes) return std::optional<detail::VerifiedPolicy>();
    auto checked = detail::check_incoming_policy(repo, verified.dialect, *bytes, verified.roles.at(RoleName::root()));
    if (checked) return checked;
    core::Error refused = damaged(file, checked.error().message);
    if (checked.error().code == core::ErrorCode::trust) refused.reason = checked.error().reason;
    return refused;
}

struct ParsedBundle final {
    std::string gun;
    MetadataSet set;
    std::optional<std::string> staged_root;    // member "staged_root": bytes, checked as an entry
    std::optional<std::string> transcript;     // member "transcript": the exporting home's transcript.jsonl
    std::optional<std::string> policy;         // member "policy": bytes, checked as an entry
    std::optional<std::string> staged_policy;  // member "staged_policy": travels with staged_root
    Json doc;
};

// The optional "staged_root" member: an entry like the others (length, sha256, version).
core::Result<std::optional<std::string>> read_staged_root(const std::filesystem::path& file, const Json& doc,
                                                          Dialect dialect) {
    const Json* entry = doc.find("staged_root");
    if (entry == nullptr) return std::optional<std::string>();
    std::uint64_t version = 0;
    TUFKEY_TRY(auto bytes, read_entry(file, dialect, RoleName::root(), *entry, version));
    return std::optional<std::string>(std::move(bytes));
}

core::Result<ParsedBundle> read_bundle(const std::filesystem::path& file) {
    TUFKEY_TRY(const std::string raw, read_bundle_text(file));
    auto doc = tuf::parse_json(raw, tuf::JsonLimits{.max_size = kMaxBundleSize});
    if (!doc) return damaged(file, "not JSON: " + doc.error().message);
    if (string_member(*doc, "format") != kBundleFormat)
        return damaged(file, std::string("not a ") + kBundleFormat + " document");
    const std::string gun = string_member(*doc, "gun");
    if (auto ok = check_gun(gun); !ok) return damaged(file, ok.error().message);
    auto dialect = tuf::parse_dialect(string_member(*doc, "dialect"));
    if (!dialect) return damaged(file, "unknown dialect");
    ParsedBundle out;
    out.gun = gun;
    out.set.dialect = *dialect;
    TUFKEY_TRY_VOID(read_roles(file, *doc, out.set));
    TUFKEY_TRY_VOID(read_chain(file, *doc, out.set));
    TUFKEY_TRY(out.staged_root, read_staged_root(file, *doc, *dialect));
    TUFKEY_TRY(out.transcript, read_transcript_member(file, *doc));
    TUFKEY_TRY(out.policy, read_policy(file, *doc, *dialect, "policy"));
    TUFKEY_TRY(out.staged_policy, read_policy(file, *doc, *dialect, "staged_policy"));
    if (out.staged_policy && !out.staged_root) return damaged(file, "staged_policy: there is no staged_root");
    out.doc = std::move(*doc);
    return out;
}

StagedRootSummary staged_summary(const detail::RootProposal& proposal, const tuf::Root& trusted) {
    StagedRootSummary s;
    s.version = static_cast<std::uint64_t>(proposal.root.version.value());
    s.old_signed = proposal.tally.old_signed;
    s.old_threshold = proposal.tally.old_threshold;
    s.new_signed = proposal.tally.new_signed;
    s.new_threshold = proposal.tally.new_threshold;
    s.change = detail::describe_root_change(trusted, proposal.root);
    return s;
}

core::Result<tuf::Root> decode_root_file(Dialect dialect, const std::string& bytes) {
    TUFKEY_TRY(auto envelope, tuf::parse_envelope(dialect, bytes, "root"));
    return tuf::decode_root(dialect, envelope.signed_part);
}

// The staged root after an import: the home's and the bundle's proposals merged (signatures
// de-duplicated by key ID), checked against the root the import made trusted. A home proposal
// that is no longer the next version (the rotation finished elsewhere) is dropped.
core::Result<std::optional<detail::RootProposal>> merged_staged_root(const Repository& repo,
                                                                     const std::filesystem::path& file,
                                                                     const ParsedBundle& bundle,
                                                                     const tuf::Root& trusted) {
    const Dialect d = bundle.set.dialect;
    std::optional<detail::RootProposal> merged;
    if (bundle.staged_root) {
        auto proposal = detail::read_root_proposal(d, trusted, *bundle.staged_root, "bundle " + file.string());
        if (!proposal) return proposal.error();
        merged = std::move(*proposal);
    }
    std::error_code ec;
    if (!std::filesystem::exists(repo.staged_root_file(), ec)) return merged;
    TUFKEY_TRY(auto raw, core::read_file(repo.staged_root_file(), tuf::kDefaultRootLength));
    const std::string home_bytes = core::to_string(raw);
    auto version = detail::file_version(d, RoleName::root(), home_bytes);
    if (!version || *version != static_cast<std::uint64_t>(trusted.version.value()) + 1) return merged;
    TUFKEY_TRY(auto home, detail::read_root_proposal(d, trusted, home_bytes, "the staged root of this home"));
    if (!merged) return std::optional<detail::RootProposal>(std::move(home));
    TUFKEY_TRY(auto both, detail::merge_root_proposals(d, trusted, home, *merged, "bundle " + file.string()));
    return std::optional<detail::RootProposal>(std::move(both));
}

// The staged policy after an import, beside `staged` (the merged staged root): the bundle's and
// the home's copies, each checked against the staged root, signatures merged. nullopt when
// neither carries one (a rotation staged by an older tufkey).
core::Result<std::optional<std::string>> merged_staged_policy(const Repository& repo, const std::filesystem::path& file,
                                                              const ParsedBundle& bundle,
                                                              const detail::RootProposal& staged) {
    const Dialect d = bundle.set.dialect;
    const std::string source = "bundle " + file.string();
    std::optional<std::string> merged;
    if (bundle.staged_policy) {
        TUFKEY_TRY_VOID(detail::check_staged_policy(d, *bundle.staged_policy, staged.root, repo.gun(), source));
        merged = *bundle.staged_policy;
    }
    std::error_code ec;
    if (!std::filesystem::exists(detail::staged_policy_path(repo), ec)) return merged;
    TUFKEY_TRY(auto raw, core::read_file(detail::staged_policy_path(repo), detail::kMaxPolicySize));
    std::string home = core::to_string(raw);
    // A home copy that does not belong to this proposal (another rotation) gives way.
    if (!detail::check_staged_policy(d, home, staged.root, repo.gun(), "this home")) return merged;
    if (!merged) return std::optional<std::string>(std::move(home));
    TUFKEY_TRY(auto both, detail::merge_policy_signatures(d, home, *merged, source));
    return std::optional<std::string>(std::move(both));
}

// The staged policy, when the staged root it travelled with is promoted in `tx`: stored as the
// repository's policy when it meets the new root's threshold and is newer than the home's (else
// the old policy stays, and publish says why). Call it after everything else that stages
// repository.json: store_policy applies it there.
core::Result<void> promote_staged_policy(const Repository& repo, Dialect dialect, keystore::HomeTransaction& tx,
                                         const std::optional<std::string>& policy, const std::string& new_root_bytes) {
    tx.remove(detail::staged_policy_path(repo));
    if (!policy) return core::success();
    auto checked = detail::check_incoming_policy(repo, dialect, *policy, new_root_bytes);
    if (!checked || !*checked) return core::success();
    return detail::store_policy(repo, tx, **checked, "root-promote");
}

// A complete staged root becomes the home's root in the import's own transaction `tx` (the
// state as the import staged it), when this home holds the snapshot and timestamp keys that must
// re-sign over it: one commit, so a kill leaves the home before the import or after the promotion.
core::Result<bool> promote_if_complete(KeyAccess& access, keystore::HomeTransaction& tx, const std::string& gun,
                                       const detail::RootProposal& staged,
                                       const std::optional<std::string>& staged_policy) {
    if (!staged.tally.complete()) return false;
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, gun, true, &tx));
    detail::Keyring keyring(access);
    if (!keyring.holds_key_for(state, RoleName::snapshot()) || !keyring.holds_key_for(state, RoleName::timestamp()))
        return false;
    tuf::JsonObject fields{{"version", static_cast<std::int64_t>(staged.root.version.value())},
                           {"signed", staged.tally.describe()}};
    TUFKEY_TRY_VOID(detail::promote_root(state, keyring, tx, staged, "root-promote", std::move(fields),
                                         std::chrono::system_clock::now()));
    RepositoryConfig config = state.config();
    std::erase_if(config.root_keys, [&](const TokenKeyRef& ref) {
        for (const auto& id : staged.root.root.keyids) {
            auto it = staged.root.keys.find(id);
            if (it != staged.root.keys.end() && it->second.public_key() &&
                tuf::notary_canonical_key_id(*it->second.public_key()) == ref.key_id)
                return false;
        }
        return true;
    });
    TUFKEY_TRY_VOID(state.repo().save_config(tx, config));
    TUFKEY_TRY_VOID(promote_staged_policy(state.repo(), state.dialect(), tx, staged_policy, staged.bytes));
    return true;
}

struct Anchor final {
    std::string root;
    bool first_use = false;
    std::optional<tuf::RootPin> pin;  // --root over a home that already trusts a root
};

core::Result<Anchor> choose_anchor(KeyAccess& access, const BundleImportRequest& request, const Repository& repo,
                                   const MetadataSet& set) {
    TUFKEY_TRY(auto home_root, repo.read_current_root());
    if (!request.root_file.empty()) {
        TUFKEY_TRY(auto bytes, core::read_file(request.root_file, tuf::kDefaultRootLength));
        TUFKEY_TRY_VOID(detail::check_pin_dialect(core::to_string(bytes), request.root_file,
                                                  set.roles.at(RoleName::root()), "the bundle " + request.file.string(),
                                                  repo.gun()));
        if (!home_root) return Anchor{core::to_string(bytes), false, std::nullopt};
        TUFKEY_TRY(auto pin, tuf::compare_root_pin(set.dialect, *home_root, core::to_string(bytes),
                                                   detail::trusted_root_name(repo), detail::start_over_hint("import")));
        return Anchor{std::move(*home_root), false, std::move(pin)};
    }
    if (home_root) return Anchor{std::move(*home_root), false, std::nullopt};
    const std::string& oldest = set.root_chain.begin()->second;
    TUFKEY_TRY_VOID(tuf::TrustedSet::create(set.dialect, oldest, std::chrono::system_clock::now()));
    TUFKEY_TRY_VOID(
        detail::confirm_first_use(access, repo.gun(), "bundle " + request.file.string(), set.dialect, oldest));
    return Anchor{oldest, true, std::nullopt};
}

// The verified set must be exactly the bundle: every role (none skipped, none older than the
// home's, which verify_set would silently keep) and the bundle's own current root.
core::Result<void> check_all_accepted(const std::filesystem::path& file, const MetadataSet& bundle,
                                      const MetadataSet& verified, const std::string& anchor) {
    for (const auto& [role, bytes] : bundle.roles) {
        const std::string* got = verified.find(role);
        if (got != nullptr && *got == bytes) continue;
        if (role.kind() == tuf::RoleKind::root) {
            auto home_version = detail::file_version(bundle.dialect, role, anchor);
            return damaged(file, "its root chain does not extend the trusted root (trusted version " +
                                     (home_version ? std::to_string(*home_version) : std::string("?")) + ")");
        }
        return damaged(file, got == nullptr ? role.str() + " is not delegated by any trusted role"
                                            : role.str() + " is older than, or conflicts with, the trusted copy");
    }
    return core::success();
}

// The home's staged root rotation as a bundle entry, if there is one.
core::Result<std::optional<Json>> staged_root_entry(const Repository& repo, Dialect dialect) {
    std::error_code ec;
    if (!std::filesystem::exists(repo.staged_root_file(), ec)) return std::optional<Json>();
    TUFKEY_TRY(auto raw, core::read_file(repo.staged_root_file(), tuf::kDefaultRootLength));
    std::string bytes = core::to_string(raw);
    TUFKEY_TRY(auto version, detail::file_version(dialect, RoleName::root(), bytes));
    return std::optional<Json>(entry_json(bytes, version));
}

// The policy staged with the home's staged root, as a bundle entry, if there is one.
core::Result<std::optional<Json>> staged_policy_entry(const Repository& repo) {
    std::error_code ec;
    if (!std::filesystem::exists(detail::staged_policy_path(repo), ec)) return std::optional<Json>();
    TUFKEY_TRY(auto config, repo.load_config());
    TUFKEY_TRY(auto raw, core::read_file(detail::staged_policy_path(repo), detail::kMaxPolicySize));
    std::string bytes = core::to_string(raw);
    TUFKEY_TRY(auto policy, detail::decode_policy(config.dialect, bytes));
    return std::optional<Json>(entry_json(bytes, policy.version));
}

// The home's transcript as the bundle's "transcript" member (nullopt: the home has none).
core::Result<std::optional<Json>> transcript_member(const Repository& repo, std::size_t& lines) {
    std::error_code ec;
    if (!std::filesystem::exists(repo.transcript_file(), ec)) return std::optional<Json>();
    TUFKEY_TRY(auto raw, core::read_file(repo.transcript_file(), kMaxTranscriptSize));
    const std::string bytes = core::to_string(raw);
    if (bytes.size() > kMaxBundledTranscriptSize)
        return core::Error(core::ErrorCode::refused, "the transcript " + repo.transcript_file().string() +
                                                         " is larger than a bundle carries (" +
                                                         std::to_string(kMaxBundledTranscriptSize >> 20) +
                                                         " MiB): keep a copy and start a new one");
    for (char c : bytes) lines += c == '\n' ? 1 : 0;
    return std::optional<Json>(JsonObject{{"bytes", core::base64_encode(core::as_bytes(bytes))},
                                          {"length", static_cast<std::int64_t>(bytes.size())},
                                          {"sha256", detail::sha256_hex(bytes)}});
}

// Merges the bundle's transcript into the home's, staged in `tx` with the metadata (rule:
// Transcript::merge). Its head signatures must be by root keys of the bundle's verified chain
// or of a root this home keeps.
core::Result<TranscriptMerge> merge_transcript(const std::filesystem::path& file, const Repository& repo,
                                               keystore::HomeTransaction& tx, const std::optional<std::string>& carried,
                                               const MetadataSet& verified) {
    if (!carried) return TranscriptMerge{};
    std::vector<std::string> roots;
    for (const auto& [version, bytes] : verified.root_chain) roots.push_back(bytes);
    TUFKEY_TRY(auto keys, root_keys_of(roots));
    if (repo.exists()) {
        TUFKEY_TRY(auto kept, repository_root_keys(repo));
        for (auto& k : kept) {
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
        }
    }
    Transcript transcript(repo.transcript_file(), repo.gun());
    auto merged = transcript.merge(tx, *carried, keys);
    if (!merged && merged.error().code == core::ErrorCode::trust) return damaged(file, merged.error().message);
    return merged;
}

const char* merge_kind(TranscriptMerge::Kind kind) {
    switch (kind) {
        case TranscriptMerge::Kind::adopted:
            return "adopted";
        case TranscriptMerge::Kind::appended:
            return "appended";
        case TranscriptMerge::Kind::merged:
            return "merged";
        case TranscriptMerge::Kind::unchanged:
            break;
    }
    return "unchanged";
}
core::Result<void> record_handed_out(const keystore::TrustHome& home, const keystore::HomeLock& lock,
                                     const Repository& repo, RepositoryConfig config, const MetadataSet& set) {
    const auto before = config.synced;
    TUFKEY_TRY_VOID(detail::record_synced(config, set, false));
    if (config.synced == before) return core::success();
    keystore::HomeTransaction tx(home, lock);
    TUFKEY_TRY_VOID(repo.save_config(tx, config));
    return tx.commit();
}
}  // namespace

core::Result<BundleExportReport> export_bundle(const keystore::TrustHome& home, const std::string& gun,
                                               const std::filesystem::path& out) {
    TUFKEY_TRY_VOID(check_gun(gun));
    Repository repo(home, gun);
    TUFKEY_TRY(auto lock, home.lock("tufkey bundle export " + gun));
    TUFKEY_TRY(auto config, repo.load_config());
    TUFKEY_TRY(auto set, detail::read_local_set(repo, config.dialect));
    JsonObject roles;
    for (const auto& [role, bytes] : set.roles) {
        TUFKEY_TRY(auto version, detail::file_version(set.dialect, role, bytes));
        roles[role.str()] = entry_json(bytes, version);
    }
    JsonArray chain;
    for (const auto& [version, bytes] : set.root_chain) chain.push_back(entry_json(bytes, version));
    TUFKEY_TRY(auto staged, staged_root_entry(repo, set.dialect));
    std::optional<std::uint64_t> policy_version;
    TUFKEY_TRY(auto policy, policy_entry(repo, set, policy_version));
    JsonObject doc{
        {"format", kBundleFormat},
        {"gun", gun},
        {"dialect", tuf::to_string(set.dialect)},
        {"created", tuf::Expiry::at_seconds(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))
                        .to_string()},
        {"roles", std::move(roles)},
        {"root_chain", std::move(chain)}};
    if (staged) {
        doc.emplace("staged_root", std::move(*staged));
        TUFKEY_TRY(auto staged_policy, staged_policy_entry(repo));
        if (staged_policy) doc.emplace("staged_policy", std::move(*staged_policy));
    }
    if (policy) doc.emplace("policy", std::move(*policy));
    std::size_t transcript_lines = 0;
    TUFKEY_TRY(auto transcript, transcript_member(repo, transcript_lines));
    if (transcript) doc["transcript"] = std::move(*transcript);
    const std::string text = tuf::canonical_json(doc) + "\n";
    TUFKEY_TRY_VOID(check_bundle_size(text));
    TUFKEY_TRY_VOID(core::write_file_atomic(out, text, 0644));
    // The bundle hands these versions to another home: from now on they are shared, not this
    // home's staged work alone, so the state that comes back built on them replaces them freely.
    TUFKEY_TRY_VOID(record_handed_out(home, lock, repo, std::move(config), set));
    BundleExportReport report;
    report.file = out;
    TUFKEY_TRY(report.summary, summarize(gun, set));
    report.summary.transcript_lines = transcript_lines;
    report.summary.policy_version = policy_version;
    return report;
}

core::Result<BundleImportReport> import_bundle(KeyAccess& access, const BundleImportRequest& request) {
    TUFKEY_TRY(auto parsed, read_bundle(request.file));
    const std::string& gun = parsed.gun;
    MetadataSet& bundle = parsed.set;
    Repository repo(access.home, gun);
    if (repo.exists()) {
        TUFKEY_TRY(auto config, repo.load_config());
        if (config.dialect != bundle.dialect)
            return damaged(request.file, "it is " + std::string(tuf::to_string(bundle.dialect)) +
                                             " dialect but this home records " + gun + " as " +
                                             tuf::to_string(config.dialect));
    }
    TUFKEY_TRY(auto lock, access.home.lock("tufkey bundle import " + gun));
    TUFKEY_TRY(Anchor anchor, choose_anchor(access, request, repo, bundle));
    TUFKEY_TRY(auto adopted, detail::adopt_delegate_work(access, repo, std::move(bundle)));  // delegate_work.h
    bundle = std::move(adopted.set);
    for (const auto& role : adopted.adopted)
        access.show("Taking in " + role.str() + " as its delegate signed it; snapshot and timestamp re-signed here");
    const detail::PipelineRequest pipeline{{&DialectProfile::of(bundle.dialect), ""},
                                           anchor.root,
                                           gun,
                                           std::chrono::system_clock::now(),
                                           detail::Walk::every_role};
    TUFKEY_TRY(auto baseline, detail::rollback_baseline(repo, bundle.dialect));
    auto verified = detail::verify_local_set(bundle, "bundle " + request.file.string(), pipeline, std::move(baseline));
    if (!verified && !request.root_file.empty() && !anchor.pin && verified.error().code == core::ErrorCode::trust) {
        core::Error explained =
            detail::explain_pin_failure(verified.error(), anchor.root, request.root_file,
                                        bundle.roles.at(RoleName::root()), "the bundle " + request.file.string(), gun);
        if (explained.message != verified.error().message) return explained;
    }
    if (!verified) {
        core::Error refused = damaged(request.file, verified.error().message);
        if (verified.error().code == core::ErrorCode::trust) refused.reason = verified.error().reason;
        return refused;
    }
    TUFKEY_TRY_VOID(check_all_accepted(request.file, bundle, *verified, anchor.root));
    if (anchor.pin)
        TUFKEY_TRY_VOID(tuf::check_pin_reached(bundle.dialect, *anchor.pin, verified->root_chain,
                                               detail::trusted_root_name(repo), detail::start_over_hint("import")));
    TUFKEY_TRY_VOID(detail::check_not_rolled_back(repo, *verified));
    TUFKEY_TRY_VOID(detail::check_staged_work_kept(repo, *verified, request.discard_staged, "bundle import"));
    TUFKEY_TRY(auto policy, accept_policy(request.file, repo, parsed.policy, *verified));

    BundleImportReport report;
    report.first_use = anchor.first_use;
    TUFKEY_TRY(report.summary, summarize(gun, *verified));
    TUFKEY_TRY(const tuf::Root trusted, decode_root_file(bundle.dialect, verified->roles.at(RoleName::root())));
    TUFKEY_TRY(auto staged, merged_staged_root(repo, request.file, parsed, trusted));
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(report.transcript, merge_transcript(request.file, repo, tx, parsed.transcript, *verified));
    TUFKEY_TRY(report.files_written, detail::store_set(repo, tx, *verified, ""));
    std::optional<std::string> staged_policy;
    if (staged) {
        tx.write(repo.staged_root_file(), staged->bytes, 0644);
        report.summary.staged_root = staged_summary(*staged, trusted);
        TUFKEY_TRY(staged_policy, merged_staged_policy(repo, request.file, parsed, *staged));
        if (staged_policy)
            tx.write(detail::staged_policy_path(repo), *staged_policy, 0644);
        else
            tx.remove(detail::staged_policy_path(repo));
    } else {
        tx.remove(repo.staged_root_file());
        tx.remove(detail::staged_policy_path(repo));
    }
    tuf::JsonObject files;
    for (const auto& [role, bytes] : verified->roles) files[role.str()] = detail::sha256_hex(bytes);
    tuf::JsonObject fields{
        {"bundle", request.file.filename().string()}, {"first_use", anchor.first_use}, {"files", std::move(files)}};
    if (parsed.transcript)
        fields["transcript"] = tuf::JsonObject{{"merge", merge_kind(report.transcript.kind)},
                                               {"common", static_cast<std::int64_t>(report.transcript.common)},
                                               {"added", static_cast<std::int64_t>(report.transcript.added)}};
    if (policy) fields["policy"] = detail::policy_fields(*policy);
    Transcript transcript(repo.transcript_file(), gun);
    TUFKEY_TRY_VOID(transcript.append(tx, "bundle-import", std::move(fields)));
    if (policy) {
        TUFKEY_TRY_VOID(detail::store_policy(repo, tx, *policy, ""));  // recorded by the bundle-import step
        report.summary.policy_version = policy->policy.version;
        report.files_written.push_back(detail::policy_path(repo));
    }
    if (staged) {
        TUFKEY_TRY(report.summary.staged_root->promoted, promote_if_complete(access, tx, gun, *staged, staged_policy));
    }
    TUFKEY_TRY_VOID(tx.commit());
    if (report.summary.staged_root) {
        if (report.summary.staged_root->promoted) {
            Repository after(access.home, gun);
            TUFKEY_TRY(auto config, after.load_config());
            TUFKEY_TRY(auto set, detail::read_local_set(after, config.dialect));
            auto staged_root = report.summary.staged_root;
            auto policy_version = report.summary.policy_version;
            TUFKEY_TRY(report.summary, summarize(gun, set));
            report.summary.staged_root = staged_root;
            report.summary.policy_version = policy_version;
        }
    }
    return report;
}

core::Result<StagedRootSummary> sign_bundle_root(KeyAccess& access, const RootSignRequest& request) {
    TUFKEY_TRY(auto parsed, read_bundle(request.file));
    const Dialect d = parsed.set.dialect;
    if (!parsed.staged_root)
        return core::Error(core::ErrorCode::usage, "bundle " + request.file.string() +
                                                       " carries no staged root: start a rotation with 'tufkey "
                                                       "rotate GUN root --stage', then 'tufkey bundle export'");
    const std::string& current = parsed.set.roles.at(RoleName::root());
    TUFKEY_TRY_VOID(tuf::TrustedSet::create(d, current, std::chrono::system_clock::time_point::min()));
    TUFKEY_TRY(const tuf::Root trusted, decode_root_file(d, current));
    Repository repo(access.home, parsed.gun);
    TUFKEY_TRY(auto home_root, repo.read_current_root());
    if (home_root) {
        auto home_version = detail::file_version(d, RoleName::root(), *home_root);
        if (home_version && *home_version > static_cast<std::uint64_t>(trusted.version.value()))
            return core::Error(core::ErrorCode::refused,
                               "bundle " + request.file.string() + " proposes a successor of root version " +
                                   std::to_string(trusted.version.value()) + ", but this home already trusts root " +
                                   std::to_string(*home_version) + " of " + parsed.gun + ": the proposal is stale");
    }
    TUFKEY_TRY(auto proposal,
               detail::read_root_proposal(d, trusted, *parsed.staged_root, "bundle " + request.file.string()));
    if (parsed.staged_policy)
        TUFKEY_TRY_VOID(detail::check_staged_policy(d, *parsed.staged_policy, proposal.root, parsed.gun,
                                                    "bundle " + request.file.string()));
    TUFKEY_TRY(auto key, open_token_key(access, TokenKeyRequest{request.key_uri, false, {}, true}));
    std::vector<tuf::SigningKey> signing;
    for (const tuf::Root* root : {&trusted, static_cast<const tuf::Root*>(&proposal.root)}) {
        for (const auto& id : root->root.keyids) {
            auto it = root->keys.find(id);
            if (it == root->keys.end() || !it->second.public_key() ||
                *it->second.public_key() != key.signer->public_key())
                continue;
            bool have = false;
            for (const auto& s : signing) have = have || s.key.id() == id;
            if (!have) signing.push_back(tuf::SigningKey{it->second, *key.signer});
        }
    }
    if (signing.empty())
        return core::Error(core::ErrorCode::key, "the token key " + key.uri + " is not a root key of version " +
                                                     std::to_string(trusted.version.value()) + " or " +
                                                     std::to_string(proposal.root.version.value()) + " of " +
                                                     parsed.gun);
    StagedRootSummary before = staged_summary(proposal, trusted);
    access.show("The new root of " + parsed.gun + " (signed so far by " + proposal.tally.describe() + "):");
    for (const auto& line : before.change) access.show(line);
    TUFKEY_TRY(bool yes, access.confirm("Sign root version " + std::to_string(before.version) + " of " + parsed.gun +
                                        " with " + key.uri + "?"));
    if (!yes) return core::Error(core::ErrorCode::refused, "signing declined; the bundle was not changed");
    TUFKEY_TRY(auto signed_proposal, detail::add_root_signatures(d, trusted, proposal, signing));
    Json doc = parsed.doc;
    doc.as_object()["staged_root"] =
        entry_json(signed_proposal.bytes, static_cast<std::uint64_t>(signed_proposal.root.version.value()));
    if (parsed.staged_policy) {
        TUFKEY_TRY(auto policy, detail::add_policy_signatures(d, *parsed.staged_policy, proposal.root, signing));
        TUFKEY_TRY(auto decoded, detail::decode_policy(d, policy));
        doc.as_object()["staged_policy"] = entry_json(policy, decoded.version);
    }
    const std::string text = tuf::canonical_json(doc) + "\n";
    TUFKEY_TRY_VOID(check_bundle_size(text));
    TUFKEY_TRY_VOID(core::write_file_atomic(request.file, text, 0644));
    return staged_summary(signed_proposal, trusted);
}

}  // namespace tufkey::ceremony
