// tufkey rotate GUN ROLE [--key URI|ID] [--remove-key ID]...
// tufkey rotate GUN root [--key URI|ID]... [--remove-key ID]... [--root-threshold N] [--stage]
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/rotate.h"

namespace tufkey::cli {
namespace {

struct RotateOptions final {
    std::string gun;
    std::string role;
    std::vector<std::string> keys;
    std::vector<std::string> remove_keys;
    std::uint32_t root_threshold = 0;
    bool stage = false;
    bool discard_staged = false;
    bool server_managed = false;
};

JsonValue to_json(const ceremony::RotateReport& r) {
    std::vector<std::string> archived;
    for (const auto& a : r.archived) archived.push_back(a.string());
    return JsonValue::object()
        .set("gun", r.gun)
        .set("role", r.role)
        .set("added", JsonValue::strings(r.added))
        .set("removed", JsonValue::strings(r.removed))
        .set("archived", JsonValue::strings(archived))
        .set("versions", JsonValue::from_map(r.versions));
}

void print_report(const GlobalOptions& globals, const ceremony::RotateReport& r) {
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    for (const auto& id : r.added) fmt::print("Added key {} to {} of {}\n", id, r.role.str(), r.gun);
    for (const auto& id : r.removed) fmt::print("Removed key {} from {} of {}\n", id, r.role.str(), r.gun);
    for (const auto& a : r.archived) fmt::print("Archived the retired key file as {}\n", a.string());
    for (const auto& [role, v] : r.versions) fmt::print("  {:<9} version {}\n", role.str(), v.value());
    fmt::print("Publish the change with 'tufkey publish {}'\n", r.gun);
}

JsonValue to_json(const ceremony::RootRotateReport& r) {
    return JsonValue::object()
        .set("gun", r.gun)
        .set("role", "root")
        .set("version", r.version)
        .set("change", JsonValue::strings(r.change))
        .set("signed", JsonValue::object()
                           .set("old", r.old_signed)
                           .set("old_threshold", r.old_threshold)
                           .set("new", r.new_signed)
                           .set("new_threshold", r.new_threshold))
        .set("staged", r.staged)
        .set("staged_file", r.staged_file.string())
        .set("generated", JsonValue::strings(r.generated))
        .set("versions", JsonValue::from_map(r.versions));
}

void print_report(const GlobalOptions& globals, const ceremony::RootRotateReport& r) {
    for (const auto& w : r.warnings) print_warning(w);
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    const std::string tally = fmt::format("{} of {} old root keys, {} of {} new root keys", r.old_signed,
                                          r.old_threshold, r.new_signed, r.new_threshold);
    if (r.staged) {
        fmt::print("Staged root version {} of {} in {}: signed by {}\n", r.version, r.gun, r.staged_file.string(),
                   tally);
        fmt::print(
            "Carry it to the other root tokens: 'tufkey bundle export {} -o FILE', there 'tufkey root sign "
            "FILE --key URI', and back here 'tufkey bundle import FILE'\n",
            r.gun);
        return;
    }
    fmt::print("Rotated the root of {} to version {} (signed by {})\n", r.gun, r.version, tally);
    for (const auto& [role, v] : r.versions) fmt::print("  {:<9} version {}\n", role.str(), v.value());
    fmt::print("Publish the change with 'tufkey publish {}'\n", r.gun);
}

core::Result<int> run_rotate(const GlobalOptions& globals, const RotateOptions& o) {
    TUFKEY_TRY(auto context, CeremonyContext::create(globals));
    if (o.role == "root") {
        TUFKEY_TRY(auto report,
                   ceremony::rotate_root(context->access(),
                                         {o.gun, o.keys, o.remove_keys, o.root_threshold, o.stage, o.discard_staged}));
        print_report(globals, report);
        return 0;
    }
    if (o.keys.size() > 1)
        return core::Error(core::ErrorCode::usage, "rotate " + o.role + " takes one --key (only root takes several)");
    if (o.root_threshold != 0 || o.stage || o.discard_staged)
        return core::Error(core::ErrorCode::usage,
                           "--root-threshold, --stage and --discard-staged belong to 'tufkey rotate GUN root'");
    TUFKEY_TRY(auto report,
               ceremony::rotate_role(context->access(), {o.gun, o.role, o.keys.empty() ? "" : o.keys.front(),
                                                         o.remove_keys, o.server_managed}));
    print_report(globals, report);
    return 0;
}

void register_rotate(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<RotateOptions>();
    auto* cmd = add_command(
        app, "rotate",
        "Replace, revoke or renew the keys of any role; root changes are signed by the old and the new root keys",
        "tufkey rotate registry.example.com/team/app targets --pin-file root.pin\n"
        "  tufkey rotate registry.example.com/team/app targets --remove-key 1a2b3c4 --key 5d6e7f8  (revoke a leak)\n"
        "  tufkey rotate registry.example.com/team/app root --key 'pkcs11:token=new;object=root'  (new root key)\n"
        "  tufkey rotate registry.example.com/team/app root  (renew: same root keys, new expiry)\n"
        "  tufkey rotate registry.example.com/team/app snapshot --server-managed  (the Notary server signs snapshot)");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option("role", o->role, "root, targets, snapshot or timestamp")->required();
    cmd->add_option(
        "--key", o->keys,
        "targets/snapshot/timestamp: a pkcs11: URI of a token key (generated after confirmation if "
        "missing) or the ID of a key in the home (default: a new key file); root (repeatable): a "
        "pkcs11: URI, the ID of a root key to keep, or a certificate file from 'tufkey root certificate' (a token "
        "in another room)");
    cmd->add_option("--remove-key", o->remove_keys, "Revoke only this key (repeatable); the others stay");
    cmd->add_option("--root-threshold", o->root_threshold, "root: signatures the new root needs (default: as now)")
        ->check(CLI::Range(1u, 64u));
    cmd->add_flag("--stage", o->stage,
                  "root: sign with the tokens here and stage the rest (threshold ceremonies across rooms)");
    cmd->add_flag("--discard-staged", o->discard_staged, "root: replace a staged root rotation");
    cmd->add_flag("--server-managed", o->server_managed,
                  "timestamp/snapshot of a repository on a Notary server: the server makes and keeps the new key");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> { return run_rotate(globals, *o); });
}

}  // namespace

TUFKEY_COMMAND(register_rotate);

}  // namespace tufkey::cli
