// tufkey pull GUN [--from URL|DIR] [--root FILE]
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/pull.h"

namespace tufkey::cli {
namespace {

struct PullOptions final {
    std::string gun;
    std::string from;
    std::string root;
    bool discard_staged = false;
};

const char* anchor_text(ceremony::PullReport::Anchor anchor) {
    switch (anchor) {
        case ceremony::PullReport::Anchor::pinned:
            return "pinned root (--root)";
        case ceremony::PullReport::Anchor::first_use:
            return "trusted on first use";
        case ceremony::PullReport::Anchor::home:
            break;
    }
    return "root already trusted in this home";
}

JsonValue to_json(const std::string& gun, const ceremony::PullReport& r) {
    return JsonValue::object()
        .set("gun", gun)
        .set("dialect", tuf::to_string(r.dialect))
        .set("from", r.source)
        .set("anchor", anchor_text(r.anchor))
        .set("versions", JsonValue::from_map(r.versions))
        .set("policy_version", r.policy_version ? JsonValue(*r.policy_version) : JsonValue());
}

void print_report(const GlobalOptions& globals, const std::string& gun, const ceremony::PullReport& r) {
    if (globals.json) {
        print_json(to_json(gun, r));
        return;
    }
    fmt::print("Pulled {} ({} dialect) from {} ({}), verified\n", gun, tuf::to_string(r.dialect), r.source,
               anchor_text(r.anchor));
    for (const auto& [role, v] : r.versions) fmt::print("  {:<9} version {}\n", role.str(), v.value());
    if (r.policy_version)
        fmt::print("  expiry policy version {} applied (see 'tufkey policy {}')\n", *r.policy_version, gun);
}

void register_pull(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<PullOptions>();
    auto* cmd =
        add_command(app, "pull", "Fetch and verify a repository's metadata into the trust home",
                    "tufkey pull registry.example.com/team/app --from https://trust.example.com --root root.json");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option("--from", o->from,
                    "URL or directory the repository is published at (default: --server, or the last pull's)");
    cmd->add_option("--root", o->root,
                    "Pin this root.json as the trusted root instead of trusting on first use (it may confirm or "
                    "extend the root this home trusts, never replace it)");
    cmd->add_flag("--discard-staged", o->discard_staged,
                  "Replace this home's unpublished changes to GUN with the pulled state (they are lost)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        ceremony::PullRequest request{o->gun,
                                      o->from.empty() ? globals.resolved_server() : o->from,
                                      o->root,
                                      {globals.tls_ca, globals.tls_client_cert, globals.tls_client_key}};
        request.offline = globals.offline;
        request.discard_staged = o->discard_staged;
        const auto progress = globals.interaction.progress(globals.json);
        request.progress = progress.get();
        auto pulled = ceremony::pull_repository(context->access(), request);
        if (progress) progress->finish();
        TUFKEY_TRY(auto report, std::move(pulled));
        print_report(globals, o->gun, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_pull);

}  // namespace tufkey::cli
