// tufkey refresh GUN [--role snapshot|timestamp]...
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/refresh.h"

namespace tufkey::cli {
namespace {

struct RefreshOptions final {
    std::string gun;
    std::vector<std::string> roles;
};

JsonValue to_json(const ceremony::RefreshReport& r) {
    JsonValue refreshed = JsonValue::object();
    for (const auto& [role, v] : r.versions)
        refreshed.set(role.str(), JsonValue::object().set("version", v).set("expires", r.expires.at(role)));
    return JsonValue::object().set("gun", r.gun).set("refreshed", std::move(refreshed));
}

void print_report(const GlobalOptions& globals, const ceremony::RefreshReport& r) {
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    for (const auto& [role, v] : r.versions)
        fmt::print("Refreshed {} {}: version {}, expires {}\n", r.gun, role.str(), v.value(), r.expires.at(role));
}

void register_refresh(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<RefreshOptions>();
    auto* cmd =
        add_command(app, "refresh",
                    "Re-sign and extend snapshot and timestamp (cron-able), or an expired targets or delegated role",
                    "tufkey refresh registry.example.com/team/app && tufkey publish registry.example.com/team/app\n"
                    "  (cron: TUFKEY_TIMESTAMP_PASSPHRASE=... tufkey refresh GUN --role timestamp)\n"
                    "  tufkey refresh registry.example.com/team/app --role targets  (extend an expired targets role)");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option("--role", o->roles,
                    "snapshot, timestamp, targets or a delegated role (repeatable; default snapshot and "
                    "timestamp; each re-signs the roles that list it)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto report, ceremony::refresh_repository(context->access(), {o->gun, o->roles}));
        print_report(globals, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_refresh);

}  // namespace tufkey::cli
