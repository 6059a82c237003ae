// tufkey status GUN [--warn ROLE=DURATION]... [--json]
#include <fmt/core.h>

#include <chrono>

#include "command.h"
#include "json.h"
#include "output.h"
#include "server_refresh.h"
#include "tufkey/ceremony/status.h"

namespace tufkey::cli {
namespace {

struct StatusOptions final {
    std::string gun;
    std::vector<std::string> warn;
};

JsonValue to_json(const ceremony::StatusReport& r) {
    JsonValue roles = JsonValue::array();
    for (const auto& s : r.roles) {
        roles.push(JsonValue::object()
                       .set("role", s.role)
                       .set("version", s.version)
                       .set("published", s.published)
                       .set("unpublished", s.unpublished)
                       .set("signers", JsonValue::strings(s.signers))
                       .set("threshold", s.threshold)
                       .set("expires", s.expires)
                       .set("seconds_left", s.seconds_left)
                       .set("time_left", ceremony::describe_time_left(s.seconds_left))
                       .set("warn_window", ceremony::format_duration(s.warn_window))
                       .set("inside_window", s.inside_window)
                       .set("expired", s.expired)
                       .set("server_managed", s.server_managed));
    }
    return JsonValue::object()
        .set("gun", r.gun)
        .set("dialect", tuf::to_string(r.dialect))
        .set("roles", std::move(roles))
        .set("unpublished", JsonValue::strings(r.unpublished))
        .set("publish_destination",
             JsonValue::optional(r.publish_destination.empty() ? std::nullopt
                                                               : std::optional<std::string>(r.publish_destination)))
        .set("staged_root",
             JsonValue::optional(r.staged_root.empty() ? std::nullopt : std::optional<std::string>(r.staged_root)))
        .set("expiring", JsonValue::strings(r.expiring));
}

void print_text(const ceremony::StatusReport& r) {
    fmt::print("{} ({} dialect)\n", r.gun, tuf::to_string(r.dialect));
    fmt::print("{:<20} {:>7}  {:<32} {:<16} {:<6} {}\n", "ROLE", "VERSION", "EXPIRES", "TIME LEFT", "WARN", "SIGNERS");
    for (const auto& s : r.roles) {
        std::string signers;
        for (const auto& id : s.signers) signers += (signers.empty() ? "" : ", ") + id.substr(0, 12);
        if (s.signers.size() < s.threshold) signers += fmt::format(" (threshold {} not met)", s.threshold);
        fmt::print("{:<20} {:>7}  {:<32} {:<16} {:<6} {}{}\n", s.role.str(), s.version.value(), s.expires,
                   ceremony::describe_time_left(s.seconds_left),
                   s.server_managed ? "server" : ceremony::format_duration(s.warn_window),
                   signers.empty() ? "(none valid)" : signers, s.inside_window ? "  <- WARNING" : "");
    }
    if (!r.staged_root.empty())
        fmt::print("Staged root rotation: {} (collect the rest with 'tufkey root sign', then 'tufkey bundle import')\n",
                   r.staged_root);
    if (r.unpublished.empty()) {
        fmt::print("No unpublished changes.\n");
    } else {
        std::string list;
        for (const auto& role : r.unpublished) list += (list.empty() ? "" : ", ") + role.str();
        fmt::print("Unpublished changes: {} (run 'tufkey publish {}{}')\n", list, r.gun,
                   r.publish_destination.empty() ? " --to DIR" : "");
    }
}

void register_status(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<StatusOptions>();
    auto* cmd = add_command(
        app, "status", "Each role's version, signers and expiry; unpublished changes; exit 6 inside a warning window",
        "tufkey status registry.example.com/team/app --warn timestamp=3d || alert-on-call");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option(
        "--warn", o->warn,
        "ROLE=DURATION warning window for this run (root, targets, delegation, snapshot, timestamp; repeatable)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        keystore::TrustHome home(globals.resolved_home());
        TUFKEY_TRY_VOID(refresh_server_copy(globals, o->gun));
        TUFKEY_TRY(auto report, ceremony::repository_status(home, {o->gun, o->warn, std::chrono::system_clock::now()}));
        if (globals.json)
            print_json(to_json(report));
        else
            print_text(report);
        if (report.expiring.empty()) return 0;
        std::string list;
        for (const auto& s : report.roles) {
            if (!s.inside_window) continue;
            list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", s.role.str(),
                                ceremony::describe_time_left(s.seconds_left));
        }
        return core::Error(core::ErrorCode::expiring,
                           "roles of " + report.gun + " inside their warning window: " + list +
                               " (re-sign and publish snapshot and timestamp with 'tufkey refresh " + report.gun +
                               " --due --publish', targets with 'tufkey refresh " + report.gun +
                               " --role targets'; an expiring root needs the root ceremony of docs/rotation.md)");
    });
}

}  // namespace

TUFKEY_COMMAND(register_status);

}  // namespace tufkey::cli
