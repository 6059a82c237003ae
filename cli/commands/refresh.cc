// tufkey refresh GUN [--role ROLE]... [--due] [--publish] [--to DIR]
#include <fmt/core.h>

#include <chrono>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/publish.h"
#include "tufkey/ceremony/refresh.h"
#include "tufkey/ceremony/status.h"

namespace tufkey::cli {
namespace {

struct RefreshOptions final {
    std::string gun;
    std::vector<std::string> roles;
    bool due = false;
    bool publish = false;
    std::string to;
};

JsonValue to_json(const ceremony::RefreshReport& r, const std::optional<ceremony::PublishReport>& published) {
    JsonValue refreshed = JsonValue::object();
    for (const auto& [role, v] : r.versions)
        refreshed.set(role.str(), JsonValue::object().set("version", v).set("expires", r.expires.at(role)));
    JsonValue not_due = JsonValue::object();
    for (const auto& n : r.not_due)
        not_due.set(n.role.str(), JsonValue::object().set("seconds_left", n.seconds_left).set("window", n.window));
    JsonValue out = JsonValue::object().set("gun", r.gun).set("refreshed", std::move(refreshed));
    out.set("not_due", std::move(not_due));
    if (published) {
        std::int64_t written = 0;
        for (const auto& f : published->files) written += f.written ? 1 : 0;
        out.set("published", JsonValue::object()
                                 .set("directory", published->directory.string())
                                 .set("versions", JsonValue::from_map(published->versions))
                                 .set("files_written", written));
    } else {
        out.set("published", JsonValue());
    }
    return out;
}

void print_text(const ceremony::RefreshReport& r, const std::optional<ceremony::PublishReport>& published) {
    for (const auto& [role, v] : r.versions)
        fmt::print("Refreshed {} {}: version {}, expires {}\n", r.gun, role.str(), v.value(), r.expires.at(role));
    if (r.versions.empty()) {
        std::string list;
        for (const auto& n : r.not_due)
            list += fmt::format("{}{} expires in {} (window {})", list.empty() ? "" : ", ", n.role.str(),
                                ceremony::describe_time_left(n.seconds_left),
                                ceremony::format_duration(ceremony::Duration(n.window)));
        fmt::print("Nothing due in {}{}{}\n", r.gun, list.empty() ? "" : ": ", list);
    }
    if (published) {
        std::size_t written = 0;
        for (const auto& f : published->files) written += f.written ? 1 : 0;
        fmt::print("Published {} to {}: {} file(s) written\n", r.gun, published->directory.string(), written);
    }
}

// --publish: publishes when the home holds a role version the destination has not seen.
core::Result<std::optional<ceremony::PublishReport>> publish_if_needed(const GlobalOptions& globals,
                                                                       const RefreshOptions& o,
                                                                       const ceremony::RefreshReport& refreshed) {
    keystore::TrustHome home(globals.resolved_home());
    TUFKEY_TRY(auto status, ceremony::repository_status(home, {o.gun, {}, std::chrono::system_clock::now()}));
    if (status.unpublished.empty() && o.to.empty()) return std::optional<ceremony::PublishReport>();
    const auto progress = globals.interaction.progress(globals.json);
    auto report = ceremony::publish_repository(home, {o.gun, o.to, globals.resolved_server(), progress.get()});
    if (progress) progress->finish();
    if (!report) {
        core::Error error = report.error();
        std::string roles;
        for (const auto& role : status.unpublished) roles += (roles.empty() ? "" : ", ") + role.str();
        error.message =
            (refreshed.versions.empty() ? std::string("not published") : std::string("refreshed, but not published")) +
            " (unpublished: " + (roles.empty() ? "nothing" : roles) +
            "; kept in the home, the next run publishes them): " + error.message;
        return error;
    }
    return std::optional<ceremony::PublishReport>(std::move(*report));
}

void register_refresh(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<RefreshOptions>();
    auto* cmd = add_command(
        app, "refresh",
        "Re-sign and extend snapshot and timestamp (cron: --due --publish), or an expired targets or delegated role",
        "tufkey refresh registry.example.com/team/app --due --publish\n"
        "  (cron: re-signs what is inside its warning window, publishes to the remembered destination, exits "
        "non-zero when either fails; docs/signing.md)\n"
        "  tufkey refresh registry.example.com/team/app --role targets  (extend an expired targets role)");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option("--role", o->roles,
                    "snapshot, timestamp, targets or a delegated role (repeatable; default snapshot and "
                    "timestamp; each re-signs the roles that list it)");
    cmd->add_flag("--due", o->due,
                  "Re-sign only the roles inside their warning window or expired (the windows of 'tufkey status'); "
                  "nothing due: no key is opened");
    cmd->add_flag("--publish", o->publish,
                  "Then publish, whenever the home holds anything unpublished (to the remembered destination, or "
                  "--to)");
    cmd->add_option("--to", o->to, "With --publish: the destination directory (remembered, as by 'tufkey publish')");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        if (!o->to.empty() && !o->publish)
            return core::Error(core::ErrorCode::usage,
                               "--to goes with --publish: tufkey refresh " + o->gun + " --publish --to DIR");
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto report, ceremony::refresh_repository(context->access(), {o->gun, o->roles, o->due}));
        std::optional<ceremony::PublishReport> published;
        if (o->publish) {
            auto outcome = publish_if_needed(globals, *o, report);
            if (!outcome) {
                // What was refreshed is on disk: say so before the one error line.
                if (!globals.json) print_text(report, std::nullopt);
                return outcome.error();
            }
            published = std::move(*outcome);
            if (published) print_warnings(published->warnings);
        }
        if (globals.json)
            print_json(to_json(report, published));
        else
            print_text(report, published);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_refresh);

}  // namespace tufkey::cli
