// tufkey list [--json]: the home's repositories.
#include <fmt/core.h>

#include <chrono>

#include "command.h"
#include "json.h"
#include "tufkey/ceremony/list.h"
#include "tufkey/ceremony/status.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::cli {
namespace {

JsonValue to_json(const std::vector<ceremony::RepositorySummary>& repos) {
    JsonValue out = JsonValue::array();
    for (const auto& r : repos) {
        JsonValue item = JsonValue::object().set("gun", r.gun).set("managed", r.managed);
        if (!r.problem.empty()) {
            out.push(std::move(item.set("problem", r.problem)));
            continue;
        }
        item.set("dialect", tuf::to_string(r.dialect))
            .set("root_version", r.root_version)
            .set("unpublished", JsonValue::strings(r.unpublished))
            .set("staged_root", r.staged_root.empty() ? JsonValue() : JsonValue(r.staged_root))
            .set("publish_destination", r.publish_destination.empty() ? JsonValue() : JsonValue(r.publish_destination))
            .set("next_expiry", r.next_role.empty() ? JsonValue()
                                                    : JsonValue::object()
                                                          .set("role", r.next_role)
                                                          .set("expires", r.next_expires)
                                                          .set("seconds_left", r.next_seconds_left))
            .set("inside_window", r.inside_window);
        out.push(std::move(item));
    }
    return out;
}

void print_text(const std::vector<ceremony::RepositorySummary>& repos) {
    if (repos.empty()) {
        fmt::print(
            "No repositories in this home (make one with 'tufkey init GUN --root-key URI', or 'tufkey pull GUN "
            "--from URL|DIR')\n");
        return;
    }
    fmt::print("{:<40} {:<7} {:>4}  {:<24} {}\n", "REPOSITORY", "DIALECT", "ROOT", "UNPUBLISHED", "NEXT EXPIRY");
    for (const auto& r : repos) {
        if (!r.problem.empty()) {
            fmt::print("{:<40} unreadable: {}\n", r.gun, r.problem);
            continue;
        }
        std::string unpublished;
        for (const auto& role : r.unpublished) unpublished += (unpublished.empty() ? "" : ",") + role;
        if (!r.staged_root.empty()) unpublished += (unpublished.empty() ? "" : ",") + std::string("staged root");
        const std::string gun = r.managed ? r.gun : r.gun + " (notary/docker)";
        fmt::print("{:<40} {:<7} {:>4}  {:<24} {}{}\n", gun, tuf::to_string(r.dialect), r.root_version,
                   unpublished.empty() ? "-" : unpublished,
                   r.next_role.empty() ? "-" : r.next_role + " in " + ceremony::describe_time_left(r.next_seconds_left),
                   r.inside_window ? "  <- WARNING (tufkey status GUN)" : "");
    }
}

void register_list(CLI::App& app, CommandSet& commands) {
    auto* cmd =
        add_command(app, "list", "The home's repositories: dialect, root version, unpublished changes, next expiry",
                    "tufkey list\n  tufkey --home ~/.docker/trust list --json");
    commands.on(cmd, [&globals = commands.globals()]() -> core::Result<int> {
        keystore::TrustHome home(globals.resolved_home());
        const auto repos = ceremony::list_repositories(home, std::chrono::system_clock::now());
        if (globals.json)
            print_json(to_json(repos));
        else
            print_text(repos);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_list);

}  // namespace tufkey::cli
