#include "tufkey/ceremony/sign.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <variant>

#include "repository_state.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/hashed_bins.h"
#include "tufkey/tuf/path_match.h"

namespace tufkey::ceremony {
namespace {

using tuf::Dialect;
using tuf::RoleName;

core::Error usage(std::string message) { return core::Error(core::ErrorCode::usage, std::move(message)); }

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

core::Result<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t value = 0;
    if (text.empty() || text.size() > 19) return usage("invalid size \"" + std::string(text) + "\"");
    for (char c : text) {
        if (c < '0' || c > '9') return usage("invalid size \"" + std::string(text) + "\": use a number of bytes");
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

bool docker_tag_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// New tags are checked (check_new_tag); removals only for duplicates: unsign removes any name.
core::Result<void> check_tags(Dialect dialect, const SignRequest& request) {
    std::set<std::string_view> seen;
    for (const auto& t : request.targets) {
        if (auto r = check_new_tag(dialect, request.gun, t.tag); !r)
            return usage((t.source.empty() ? "" : t.source + ": ") + r.error().message);
        if (!seen.insert(t.tag).second) return usage("tag \"" + core::printable(t.tag) + "\" is named twice");
    }
    for (const auto& tag : request.removals)
        if (!seen.insert(tag).second) return usage("tag \"" + core::printable(tag) + "\" is named twice");
    return core::success();
}

// --role, else targets/releases when delegated from targets and its key is held, else targets.
core::Result<RoleName> choose_role(const detail::RepositoryState& state, const detail::Keyring& keyring,
                                   const std::optional<std::string>& requested) {
    const Dialect d = state.dialect();
    if (requested) {
        TUFKEY_TRY(auto role, RoleName::parse(d, *requested));
        if (role.kind() != tuf::RoleKind::targets && !role.is_delegated())
            return usage("tags are signed into targets or a delegated role, not " + role.str());
        if (state.find_targets(role) == nullptr)
            return usage("role " + role.str() + " is not delegated in " + state.repo().gun() +
                         " (see 'tufkey delegation list " + state.repo().gun() + "')");
        return role;
    }
    for (const auto& role : state.targets_roles()) {
        if (role.parent && *role.parent == RoleName::targets() && detail::is_release_role(d, role.name) &&
            keyring.holds_key_for(state, role.name))
            return role.name;
    }
    return RoleName::targets();
}

// Whether every delegation from targets down to `role` is trusted for `tag` (clients search
// only the roles whose paths cover a target, on the whole chain). `tag_hash`: path_hash_hex(tag)
// when the caller has it, else empty.
bool chain_covers(const detail::RepositoryState& state, const RoleName& role, const std::string& tag,
                  std::string_view tag_hash = {}) {
    for (const detail::TargetsRole* r = state.find_targets(role); r != nullptr && r->parent;
         r = state.find_targets(*r->parent)) {
        const tuf::DelegatedRole* entry = state.delegation_entry(r->name);
        if (entry == nullptr || !tuf::role_covers_path(state.dialect(), *entry, tag, tag_hash)) return false;
    }
    return true;
}

// The hashed bins (roles with path_hash_prefixes, anywhere in the tree) this home holds a key for.
tuf::HashBinIndex held_bins(const detail::RepositoryState& state, const detail::Keyring& keyring) {
    tuf::HashBinIndex index;
    for (const auto& role : state.targets_roles()) {
        const tuf::DelegatedRole* entry = state.delegation_entry(role.name);
        if (entry != nullptr && std::holds_alternative<tuf::PathHashPrefixes>(entry->paths) &&
            keyring.holds_key_for(state, role.name))
            index.add(*entry);
    }
    return index;
}

// The tags (to add or remove) that go into one role.
struct Placement final {
    RoleName role;
    SignRequest part;
};

// Where each tag goes: --role, else the hashed bin this home holds a key for that covers the
// tag (on its whole chain), else `fallback` (choose_role()). In request order of first use.
std::vector<Placement> place_tags(const detail::RepositoryState& state, const detail::Keyring& keyring,
                                  const SignRequest& request, const RoleName& fallback) {
    const tuf::HashBinIndex bins = request.role ? tuf::HashBinIndex{} : held_bins(state, keyring);
    std::vector<Placement> out;
    std::map<RoleName, std::size_t> slot;
    auto part_for = [&](const std::string& tag) -> SignRequest& {
        RoleName role = fallback;
        if (!bins.empty()) {
            const std::string hash = tuf::path_hash_hex(tag);
            const RoleName* bin = bins.find(hash);
            if (bin != nullptr && chain_covers(state, *bin, tag, hash)) role = *bin;
        }
        auto [it, fresh] = slot.try_emplace(role, out.size());
        if (fresh) out.push_back(Placement{role, SignRequest{request.gun, {}, {}, request.role}});
        return out[it->second].part;
    };
    for (const auto& t : request.targets) part_for(t.tag).targets.push_back(t);
    for (const auto& tag : request.removals) part_for(tag).removals.push_back(tag);
    return out;
}

// Docker signs a tag into every direct delegation of targets it holds a key for whose paths
// cover it (AddTargetToAllSignableRoles): besides the release role, a signer's own targets/NAME,
// which is how `inspect` names the tag's signers. Unsign removes it from those that list it.
std::vector<RoleName> docker_extra_roles(const detail::RepositoryState& state, const detail::Keyring& keyring,
                                         const RoleName& primary, const SignRequest& request) {
    std::vector<RoleName> out;
    if (request.role || !detail::is_release_role(state.dialect(), primary)) return out;
    for (const auto& role : state.targets_roles()) {
        if (!role.parent || *role.parent != RoleName::targets() || role.name == primary ||
            detail::is_release_role(state.dialect(), role.name) || !keyring.holds_key_for(state, role.name))
            continue;
        bool fits = true;
        for (const auto& t : request.targets) fits = fits && chain_covers(state, role.name, t.tag);
        for (const auto& tag : request.removals) fits = fits && role.targets && role.targets->targets.contains(tag);
        if (fits) out.push_back(role.name);
    }
    return out;
}

core::Result<void> apply_changes(const SignRequest& request, const RoleName& role, tuf::Targets& targets,
                                 SignReport& report) {
    for (const auto& spec : request.targets) {
        tuf::TargetFile file;
        file.length = spec.length;
        file.hashes["sha256"] = spec.sha256;
        if (auto old = targets.targets.find(spec.tag); old != targets.targets.end()) {
            auto h = old->second.hashes.find("sha256");
            report.replaced[spec.tag] = h == old->second.hashes.end() ? std::string() : core::hex_encode(h->second);
        }
        targets.targets.insert_or_assign(spec.tag, std::move(file));
        report.signed_targets.push_back(spec);
    }
    for (const auto& tag : request.removals) {
        auto it = targets.targets.find(tag);
        if (it == targets.targets.end())
            return usage(request.gun + ":" + tag + " is not signed in role " + role.str() +
                         "; nothing was changed (see 'tufkey inspect " + request.gun + "')");
        targets.targets.erase(it);
        report.removed.push_back(tag);
    }
    return core::success();
}

core::Result<SignReport> change_targets(KeyAccess& access, const SignRequest& request, std::string_view step) {
    TUFKEY_TRY_VOID(check_gun(request.gun));
    if (request.targets.empty() && request.removals.empty()) return usage("no tags to " + std::string(step));
    TUFKEY_TRY(auto lock, access.home.lock("tufkey " + std::string(step) + " " + request.gun));
    TUFKEY_TRY(auto state, detail::RepositoryState::load(access.home, request.gun, true));
    std::vector<std::string> tags;
    for (const auto& t : request.targets) tags.push_back(t.tag);
    for (const auto& t : request.removals) tags.push_back(t);
    const std::string phase = std::string(step) + " " + std::to_string(tags.size()) + " tag(s)";
    core::report_progress(request.progress, phase + ": checking", 1, 4);
    TUFKEY_TRY_VOID(check_tags(state.dialect(), request));

    detail::Keyring keyring(access);
    TUFKEY_TRY(auto role, choose_role(state, keyring, request.role));
    const std::vector<Placement> placements = place_tags(state, keyring, request, role);
    SignReport report;
    report.gun = request.gun;
    report.role = role;
    std::vector<RoleName> roles;
    std::vector<tuf::Targets> contents;
    for (const auto& placement : placements) {
        for (const auto& t : placement.part.targets) {
            if (!chain_covers(state, placement.role, t.tag))
                return usage("tag \"" + core::printable(t.tag) + "\" is outside the paths " + placement.role.str() +
                             " is trusted for, so no client would find it there (see 'tufkey delegation list " +
                             request.gun + "')");
            if (placement.role != role) report.binned.emplace(t.tag, placement.role);
        }
        for (const auto& tag : placement.part.removals)
            if (placement.role != role) report.binned.emplace(tag, placement.role);
        std::vector<RoleName> into{placement.role};
        if (placement.role == role) {
            report.also_signed = docker_extra_roles(state, keyring, role, placement.part);
            into.insert(into.end(), report.also_signed.begin(), report.also_signed.end());
        }
        for (const auto& r : into) {
            const detail::TargetsRole* current = state.find_targets(r);
            contents.push_back(current->targets ? *current->targets : tuf::Targets{});
            SignReport scratch;
            TUFKEY_TRY_VOID(apply_changes(placement.part, r, contents.back(), r == placement.role ? report : scratch));
            roles.push_back(r);
        }
    }
    // A delegate's home holds no snapshot key: it signs its roles only, and the repository's
    // owner re-signs snapshot and timestamp when the change comes in by bundle (bundle.h).
    const bool owner =
        std::find(roles.begin(), roles.end(), RoleName::targets()) != roles.end() ||
        (keyring.holds_key_for(state, RoleName::snapshot()) && keyring.holds_key_for(state, RoleName::timestamp()));

    // Every key is opened before anything is signed: a wrong passphrase costs no work.
    std::vector<std::vector<tuf::SigningKey>> keys;
    for (const auto& r : roles) {
        TUFKEY_TRY(keys.emplace_back(), keyring.keys_for(state, r));
    }
    if (owner) {
        TUFKEY_TRY_VOID(detail::open_resign_keys(state, keyring));
    }
    const tuf::Instant now = std::chrono::system_clock::now();
    core::report_progress(request.progress, phase + ": signing", 2, 4);
    std::vector<detail::RoleUpdate> updates;
    for (std::size_t i = 0; i < roles.size(); ++i) {
        TUFKEY_TRY(auto update, detail::sign_targets_role(state, roles[i], std::move(contents[i]), keys[i], now));
        updates.push_back(std::move(update));
    }
    if (owner) {
        TUFKEY_TRY(updates, detail::resign_snapshot_timestamp(state, keyring, std::move(updates), {}, now));
    } else {
        const std::string what =
            roles.size() == 1 ? roles.front().str() + " was" : std::to_string(roles.size()) + " delegated roles were";
        report.warnings.push_back("this home holds no snapshot key for " + request.gun + ": only " + what +
                                  " signed; hand it to the repository owner ('tufkey bundle export " + request.gun +
                                  " -o FILE', there 'tufkey bundle import FILE' and 'tufkey publish " + request.gun +
                                  "')");
    }

    tuf::JsonArray tag_list;
    for (const auto& t : tags) tag_list.push_back(t);
    tuf::JsonArray also;
    for (const auto& r : report.also_signed) also.push_back(r.str());
    tuf::JsonObject fields{{"role", role.str()}, {"also", also}, {"tags", tag_list}};
    if (!report.binned.empty()) fields["bins"] = static_cast<std::int64_t>(roles.size());
    core::report_progress(request.progress, phase + ": writing", 3, 4);
    keystore::HomeTransaction tx(access.home, lock);
    TUFKEY_TRY(report.files_written, detail::write_updates(state, tx, updates, step, std::move(fields)));
    TUFKEY_TRY_VOID(tx.commit());
    for (const auto& u : updates) report.versions[u.role] = u.version;
    return report;
}

}  // namespace

core::Result<void> check_new_tag(Dialect dialect, std::string_view gun, std::string_view tag) {
    const std::string shown = "\"" + core::printable(std::string(tag)) + "\"";
    if (tag.empty()) return usage("a tag must not be empty");
    if (!gun.empty() && tag.starts_with(std::string(gun) + ":"))
        return usage("cannot sign tag " + shown + ": it names the repository again; name the tag alone (\"" +
                     core::printable(std::string(tag.substr(gun.size() + 1))) +
                     "\", e.g. a batch line \"TAG sha256:HEX SIZE\")");
    if (dialect == Dialect::notary) {
        const bool ok =
            tag.size() <= 128 && docker_tag_char(tag.front()) &&
            std::all_of(tag.begin(), tag.end(), [](char c) { return docker_tag_char(c) || c == '.' || c == '-'; });
        if (!ok)
            return usage("cannot sign tag " + shown +
                         ": a docker tag is 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or "
                         "'-' (a batch line names the tag alone: \"3.0 sha256:HEX SIZE\")");
        return core::success();
    }
    auto bad = [&](const std::string& why) {
        return usage("cannot sign target " + shown + " in the tuf dialect: " + why +
                     " (a target name is a relative path such as \"v1/app.tar\")");
    };
    if (tag.size() > 1024) return bad("longer than 1024 bytes");
    for (char c : tag) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return bad("it holds a control character");
        if (c == '\\') return bad("it holds a backslash");
    }
    std::size_t start = 0;
    while (start <= tag.size()) {
        auto end = tag.find('/', start);
        if (end == std::string_view::npos) end = tag.size();
        const auto part = tag.substr(start, end - start);
        if (part.empty() || part == "." || part == "..")
            return bad("it has an empty, \".\" or \"..\" path component, or starts or ends with '/'");
        start = end + 1;
    }
    return tuf::check_target_path(dialect, tag);
}

GunAndTag split_gun_tag(std::string_view name) {
    auto colon = name.rfind(':');
    if (colon == std::string_view::npos || name.substr(colon + 1).find('/') != std::string_view::npos)
        return {std::string(name), std::string()};
    return {std::string(name.substr(0, colon)), std::string(name.substr(colon + 1))};
}

core::Result<core::Bytes> parse_sha256_digest(std::string_view digest) {
    constexpr std::string_view prefix = "sha256:";
    auto bad = [&] { return usage("invalid digest \"" + std::string(digest) + "\": use sha256: and 64 hex digits"); };
    if (!digest.starts_with(prefix) || digest.size() != prefix.size() + 64) return bad();
    auto bytes = core::hex_decode(digest.substr(prefix.size()));
    if (!bytes) return bad();
    return std::move(*bytes);
}

core::Result<FileDigest> digest_file(const std::filesystem::path& file, core::Progress* progress) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::Error(core::ErrorCode::usage, "cannot read " + file.string());
    TUFKEY_TRY(auto hasher, core::Hasher::create(core::HashAlgorithm::sha256));
    std::vector<char> buffer(1u << 20);
    FileDigest out;
    std::error_code size_ec;
    const auto total = std::filesystem::file_size(file, size_ec);
    const std::string what = "hashing " + file.filename().string();
    while (in) {
        core::report_progress(progress, what, out.length, size_ec ? 0 : total);
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        TUFKEY_TRY_VOID(hasher.update(core::ByteView(reinterpret_cast<const std::uint8_t*>(buffer.data()), n)));
        out.length += n;
    }
    if (in.bad()) return core::Error(core::ErrorCode::io, "error reading " + file.string());
    TUFKEY_TRY(out.sha256, hasher.finish());
    return out;
}

core::Result<FileDigest> digest_manifest(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return usage("cannot read manifest " + file.string());
    TUFKEY_TRY(auto bytes, core::read_file(file, 4u << 20));
    auto json = tuf::parse_json(core::to_string(bytes));
    if (!json || !json->is_object() || json->find("schemaVersion") == nullptr)
        return usage(file.string() +
                     " is not an image manifest (a JSON object with schemaVersion, as "
                     "'docker manifest inspect --verbose' or 'crane manifest' print)");
    return FileDigest{core::sha256(bytes), bytes.size()};
}

core::Result<std::vector<TargetSpec>> parse_batch(std::string_view text, std::string_view file_name,
                                                  core::Progress* progress) {
    std::vector<TargetSpec> out;
    std::set<std::string> seen;
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (line_no % 4096 == 0)
            core::report_progress(progress, "reading " + std::string(file_name), start, text.size());
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto fields = split_fields(line);
        if (fields.empty() || fields.front().starts_with('#')) continue;
        auto where = std::string(file_name) + " line " + std::to_string(line_no) + ": ";
        if (fields.size() != 3) return usage(where + "expected TAG sha256:HEX SIZE");
        auto digest = parse_sha256_digest(fields[1]);
        if (!digest) return usage(where + digest.error().message);
        auto size = parse_size(fields[2]);
        if (!size) return usage(where + size.error().message);
        if (!seen.insert(std::string(fields[0])).second)
            return usage(where + "tag \"" + std::string(fields[0]) + "\" is named twice");
        out.push_back(TargetSpec{std::string(fields[0]), std::move(*digest), *size,
                                 std::string(file_name) + " line " + std::to_string(line_no)});
    }
    if (out.empty()) return usage(std::string(file_name) + " lists no tags");
    return out;
}

core::Result<SignReport> sign_targets(KeyAccess& access, const SignRequest& request) {
    if (!request.removals.empty()) return usage("sign adds tags; use unsign to remove them");
    return change_targets(access, request, "sign");
}

core::Result<SignReport> unsign_targets(KeyAccess& access, const SignRequest& request) {
    if (!request.targets.empty()) return usage("unsign removes tags; use sign to add them");
    return change_targets(access, request, "unsign");
}

}  // namespace tufkey::ceremony
