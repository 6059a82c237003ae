// tufkey sign GUN:TAG... (--digest sha256:HEX --size N | --manifest FILE | --file FILE) [--role ROLE]
// tufkey sign GUN --batch FILE [--role ROLE]
// tufkey unsign GUN:TAG... [--role ROLE]
#include <fmt/core.h>

#include <optional>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/publish.h"
#include "tufkey/ceremony/repository.h"
#include "tufkey/ceremony/sign.h"
#include "tufkey/core/encoding.h"
#include "tufkey/core/atomic_file.h"

namespace tufkey::cli {
namespace {

struct SignOptions final {
    std::vector<std::string> names;
    std::string digest;
    std::optional<std::uint64_t> size;
    std::string manifest;
    std::string file;
    std::string batch;
    std::string role;
    bool publish = false;
};

// --publish: the signed change goes out at once. When that fails the change is kept (staged
// in the home) and the error says how to send it later.
core::Result<void> publish_after(const GlobalOptions& globals, const keystore::TrustHome& home,
                                 const std::string& gun) {
    const auto progress = globals.interaction.progress(globals.json);
    auto report = ceremony::publish_repository(home, {gun, "", globals.resolved_server(), progress.get()});
    if (progress) progress->finish();
    if (!report) {
        auto error = report.error();
        error.message = "signed, but not published (the change is kept; run 'tufkey publish " + gun +
                        "' when this is fixed): " + error.message;
        return error;
    }
    if (!globals.json) fmt::print("Published {} to {}\n", gun, report->directory.string());
    return core::success();
}

core::Error usage(std::string message) { return core::Error(core::ErrorCode::usage, std::move(message)); }

// Every name must be GUN:TAG of one GUN (or, with `allow_bare`, one bare GUN).
// GUN:TAG is split after a repository the home holds (ceremony::split_known_gun_tag), so any
// name a role lists can be named, even one with ':' or '/'.
core::Result<std::pair<std::string, std::vector<std::string>>> split_names(const GlobalOptions& globals,
                                                                           const std::vector<std::string>& names,
                                                                           bool batch) {
    const keystore::TrustHome home(globals.resolved_home());
    auto known = [&](std::string_view gun) {
        return ceremony::check_gun(gun).ok() && ceremony::Repository(home, std::string(gun)).exists();
    };
    std::string gun;
    std::vector<std::string> tags;
    for (const auto& name : names) {
        auto split = ceremony::split_known_gun_tag(name, known);
        if (batch && !split.tag.empty())
            return usage("with --batch name only the repository (GUN), not " + name + ": the tags come from the file");
        if (!batch && split.tag.empty())
            return usage("name a tag as GUN:TAG, e.g. registry.example.com/app:v1 (got " + name + ")");
        if (!gun.empty() && split.gun != gun)
            return usage("all tags of one invocation must belong to one repository (" + gun + " and " + split.gun +
                         ")");
        gun = split.gun;
        if (!split.tag.empty()) tags.push_back(split.tag);
    }
    if (batch && names.size() != 1) return usage("with --batch name one repository (GUN)");
    return std::make_pair(gun, tags);
}

core::Result<std::vector<ceremony::TargetSpec>> targets_from(const SignOptions& o, const std::vector<std::string>& tags,
                                                             core::Progress* progress) {
    const int sources = !o.digest.empty() + !o.manifest.empty() + !o.file.empty() + !o.batch.empty();
    if (sources != 1) return usage("give exactly one of --digest (with --size), --manifest, --file or --batch");
    if (o.size && o.digest.empty()) return usage("--size goes with --digest");
    if (!o.batch.empty()) {
        TUFKEY_TRY(auto bytes, core::read_file(o.batch, 64u << 20));
        return ceremony::parse_batch(core::to_string(bytes), o.batch, progress);
    }
    ceremony::FileDigest digest;
    if (!o.digest.empty()) {
        if (!o.size) return usage("--digest needs --size N (the manifest's length in bytes)");
        TUFKEY_TRY(digest.sha256, ceremony::parse_sha256_digest(o.digest));
        digest.length = *o.size;
    } else if (!o.manifest.empty()) {
        TUFKEY_TRY(digest, ceremony::digest_manifest(o.manifest));
    } else {
        TUFKEY_TRY(digest, ceremony::digest_file(o.file, progress));
    }
    std::vector<ceremony::TargetSpec> out;
    for (const auto& tag : tags) out.push_back({tag, digest.sha256, digest.length});
    return out;
}

std::vector<std::string> also_signed(const ceremony::SignReport& r) {
    std::vector<std::string> out;
    for (const auto& role : r.also_signed) out.push_back(role.str());
    return out;
}

// The role a tag went into (or left): its hashed bin, else the report's role.
const tuf::RoleName& role_of(const ceremony::SignReport& r, const std::string& tag) {
    auto it = r.binned.find(tag);
    return it == r.binned.end() ? r.role : it->second;
}

JsonValue to_json(const ceremony::SignReport& r) {
    JsonValue signed_list = JsonValue::array();
    for (const auto& t : r.signed_targets) {
        auto replaced = r.replaced.find(t.tag);
        signed_list.push(
            JsonValue::object()
                .set("tag", t.tag)
                .set("role", role_of(r, t.tag))
                .set("digest", "sha256:" + core::hex_encode(t.sha256))
                .set("size", t.length)
                .set("replaced", replaced == r.replaced.end() ? JsonValue() : JsonValue("sha256:" + replaced->second)));
    }
    JsonValue files = JsonValue::array();
    for (const auto& f : r.files_written) files.push(f.string());
    return JsonValue::object()
        .set("gun", r.gun)
        .set("role", r.role)
        .set("also_signed", JsonValue::strings(also_signed(r)))
        .set("signed", std::move(signed_list))
        .set("removed", JsonValue::strings(r.removed))
        .set("versions", JsonValue::from_map(r.versions))
        .set("files_written", std::move(files));
}

// The result on stdout (docker's words, one line per tag named on the command line); a batch
// gets one summary line however many tags it holds. Warnings on stderr.
void print_sign_report(const GlobalOptions& globals, const ceremony::SignReport& r, bool batch) {
    print_warnings(r.warnings);
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    auto where = [&](const std::string& tag) {
        return r.binned.contains(tag) ? " in " + role_of(r, tag).str() : std::string();
    };
    if (batch) {
        std::string versions;
        for (const auto& [role, v] : r.versions)
            versions += fmt::format("{}{} {}", versions.empty() ? "" : ", ", role.str(), v.value());
        fmt::print("Successfully signed {} tag(s) of {} ({} replaced; into {}{}; versions: {})\n",
                   r.signed_targets.size(), r.gun, r.replaced.size(), r.role.str(),
                   r.binned.empty() ? "" : fmt::format(" and {} in hashed bins", r.binned.size()), versions);
    } else {
        for (const auto& t : r.signed_targets) fmt::print("Successfully signed {}:{}{}\n", r.gun, t.tag, where(t.tag));
    }
    for (const auto& tag : r.removed)
        fmt::print("Successfully deleted signature for {}:{}{}\n", r.gun, tag, where(tag));
    for (const auto& role : r.also_signed) fmt::print("  in {} and {}\n", r.role.str(), role.str());
}

void register_sign(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<SignOptions>();
    auto* cmd = add_command(
        app, "sign", "Sign tags into targets (or a delegation) and re-sign snapshot and timestamp, in one write",
        "tufkey sign registry.example.com/team/app:v1 --manifest manifest.json\n"
        "  tufkey sign registry.example.com/team/app:v1 registry.example.com/team/app:latest "
        "--digest sha256:<64 hex> --size 1234\n"
        "  tufkey sign registry.example.com/team/app --batch tags.txt   # lines: TAG sha256:HEX SIZE\n"
        "  tufkey sign registry.example.com/team/app:v2 --manifest manifest.json --publish   # Notary server");
    cmd->add_option("names", o->names, "GUN:TAG (repeatable; one GUN), or GUN with --batch")->required();
    cmd->add_option("--digest", o->digest, "sha256:HEX of the manifest (with --size); the same for every tag");
    cmd->add_option("--size", o->size, "Length of the manifest in bytes (with --digest)");
    cmd->add_option("--manifest", o->manifest, "Image manifest file (Docker v2 or OCI): digest and size of its bytes");
    cmd->add_option("--file", o->file, "Any file: digest and size of its bytes");
    cmd->add_option("--batch", o->batch, "File with one 'TAG sha256:HEX SIZE' per line ('#' comments allowed)");
    cmd->add_option("--role", o->role,
                    "Role to sign into (default: each tag's hashed bin if its key is held, else targets/releases "
                    "if held, else targets)");
    cmd->add_flag("--publish", o->publish,
                  "Publish right after signing (to the repository's Notary server, or to --server DIR)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto split, split_names(globals, o->names, !o->batch.empty()));
        ceremony::SignRequest request;
        request.gun = split.first;
        const auto progress = globals.interaction.progress(globals.json);
        TUFKEY_TRY(request.targets, targets_from(*o, split.second, progress.get()));
        if (!o->role.empty()) request.role = o->role;
        request.progress = progress.get();
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        auto signed_report = ceremony::sign_targets(context->access(), request);
        if (progress) progress->finish();
        TUFKEY_TRY(auto report, std::move(signed_report));
        print_sign_report(globals, report, !o->batch.empty());
        if (o->publish) TUFKEY_TRY_VOID(publish_after(globals, context->access().home, request.gun));
        return 0;
    });
}

void register_unsign(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<SignOptions>();
    auto* cmd =
        add_command(app, "unsign", "Remove tags from targets (or a delegation) and re-sign snapshot and timestamp",
                    "tufkey unsign registry.example.com/team/app:v1\n"
                    "  tufkey unsign 'registry.example.com/team/app:odd/name:1.0'   (any name 'tufkey inspect' "
                    "lists)");
    cmd->add_option("names", o->names, "GUN:TAG (repeatable; one GUN); TAG is everything after the repository's name")
        ->required();
    cmd->add_option("--role", o->role, "Role to remove the tags from (default: as for sign)");
    cmd->add_flag("--publish", o->publish,
                  "Publish right after (to the repository's Notary server, or to --server DIR)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto split, split_names(globals, o->names, false));
        ceremony::SignRequest request;
        request.gun = split.first;
        request.removals = split.second;
        if (!o->role.empty()) request.role = o->role;
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto report, ceremony::unsign_targets(context->access(), request));
        print_sign_report(globals, report, false);
        if (o->publish) TUFKEY_TRY_VOID(publish_after(globals, context->access().home, request.gun));
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_sign);
TUFKEY_COMMAND(register_unsign);

}  // namespace tufkey::cli
