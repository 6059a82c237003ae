// tufkey policy GUN [--expires ROLE=DURATION]... [--warn ROLE=DURATION]...
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/policy.h"

namespace tufkey::cli {
namespace {

struct PolicyOptions final {
    std::string gun;
    std::vector<std::string> expires;
    std::vector<std::string> warn;
};

const char* signature_text(ceremony::PolicyReport::Signature s) {
    switch (s) {
        case ceremony::PolicyReport::Signature::valid:
            return "valid";
        case ceremony::PolicyReport::Signature::invalid:
            return "invalid";
        case ceremony::PolicyReport::Signature::none:
            break;
    }
    return "none";
}

JsonValue durations(const ceremony::RolePolicy& policy) {
    JsonValue out = JsonValue::object();
    for (const char* role : {"root", "targets", "snapshot", "timestamp"})
        out.set(role, ceremony::format_duration(policy.for_role(role)));
    return out;
}

JsonValue to_json(const ceremony::PolicyReport& r) {
    JsonValue out = JsonValue::object()
                        .set("gun", r.gun)
                        .set("version", r.version)
                        .set("signed", r.signature == ceremony::PolicyReport::Signature::valid)
                        .set("signature", signature_text(r.signature))
                        .set("signatures", r.signatures)
                        .set("threshold", r.threshold)
                        .set("changed", r.changed)
                        .set("expires", durations(r.expires))
                        .set("warn", durations(r.warn));
    if (!r.problem.empty()) out.set("problem", r.problem);
    return out;
}

void print_report(const GlobalOptions& globals, const ceremony::PolicyReport& r, bool asked_to_change) {
    print_warnings(r.warnings);
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    switch (r.signature) {
        case ceremony::PolicyReport::Signature::valid:
            fmt::print("{} expiry policy of {}: version {}, signed by {} of {} root key(s) required\n",
                       r.changed ? "Signed the" : "The", r.gun, r.version, r.signatures, r.threshold);
            break;
        case ceremony::PolicyReport::Signature::invalid:
            fmt::print("The expiry policy of {}: version {}, NOT valid: {}\n", r.gun, r.version, r.problem);
            break;
        case ceremony::PolicyReport::Signature::none:
            fmt::print("The expiry policy of {}: unsigned (repository.json only; it does not travel)\n", r.gun);
            break;
    }
    fmt::print("  {:<10} {:<9} {}\n", "role", "lifetime", "warning window");
    for (const char* role : {"root", "targets", "snapshot", "timestamp"}) {
        fmt::print("  {:<10} {:<9} {}\n", role, ceremony::format_duration(r.expires.for_role(role)),
                   ceremony::format_duration(r.warn.for_role(role)));
    }
    if (r.changed)
        fmt::print("Publish it with 'tufkey publish {}' (or carry it with 'tufkey bundle export {} -o FILE')\n", r.gun,
                   r.gun);
    else if (asked_to_change)
        fmt::print("Nothing to change: the signed policy already says so\n");
    else if (r.signature != ceremony::PolicyReport::Signature::valid)
        fmt::print("Sign it where the root tokens are: 'tufkey policy {} --expires ROLE=DURATION'\n", r.gun);
}

void register_policy(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<PolicyOptions>();
    auto* cmd = add_command(
        app, "policy",
        "Show or change the expiry policy (lifetimes, warning windows); signed by the root, it travels with "
        "publish, pull and bundles",
        "tufkey policy registry.example.com/team/app --expires timestamp=1d --warn timestamp=12h --pin-file root.pin\n"
        "  tufkey policy registry.example.com/team/app   (show it)");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option("--expires", o->expires,
                    "ROLE=DURATION lifetime of newly signed metadata, e.g. timestamp=1d (h, d, w, y); repeatable");
    cmd->add_option("--warn", o->warn,
                    "ROLE=DURATION warning window of 'tufkey status', e.g. timestamp=12h; repeatable");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        const bool change = !o->expires.empty() || !o->warn.empty();
        TUFKEY_TRY(auto report, change ? ceremony::change_policy(context->access(), {o->gun, o->expires, o->warn})
                                       : ceremony::show_policy(context->home(), o->gun));
        print_report(globals, report, change);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_policy);

}  // namespace tufkey::cli
