// tufkey rotate GUN ROLE [--key URI|ID] [--remove-key ID]...
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
    std::string key;
    std::vector<std::string> remove_keys;
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

void register_rotate(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<RotateOptions>();
    auto* cmd = add_command(
        app, "rotate", "Replace or revoke the keys of targets, snapshot or timestamp; root re-signs on its token(s)",
        "tufkey rotate registry.example.com/team/app targets --pin-file root.pin\n"
        "  tufkey rotate registry.example.com/team/app targets --remove-key 1a2b3c4 --key 5d6e7f8  (revoke a leak)");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option("role", o->role, "targets, snapshot or timestamp")->required();
    cmd->add_option("--key", o->key,
                    "pkcs11:URI of a token key (generated on the token after confirmation if absent), or the ID of "
                    "a key already in the home (default: make a new key file)");
    cmd->add_option("--remove-key", o->remove_keys, "Revoke only this key (repeatable); the others stay");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto report, ceremony::rotate_role(context->access(), {o->gun, o->role, o->key, o->remove_keys}));
        print_report(globals, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_rotate);

}  // namespace tufkey::cli
