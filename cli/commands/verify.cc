// tufkey verify GUN[:TAG]: the client's full verification over the trust data in the home.
#include <fmt/core.h>

#include <chrono>

#include "command.h"
#include "json.h"
#include "output.h"
#include "server_refresh.h"
#include "tufkey/ceremony/sign.h"
#include "tufkey/ceremony/verify.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::cli {
namespace {

// Top-level roles with their versions, then the delegated roles: by name while few, else
// counted (a hashed-bin layout has thousands; --json lists every one).
std::string roles_text(const ceremony::VerifyReport& r) {
    constexpr std::size_t kNamed = 8;
    std::string text;
    std::size_t delegated = 0;
    for (const auto& role : r.roles) delegated += role.role.is_delegated() ? 1 : 0;
    for (const auto& role : r.roles) {
        if (role.role == tuf::RoleName::root() || (role.role.is_delegated() && delegated > kNamed)) continue;
        text += fmt::format(", {} v{}", role.role.str(), role.version.value());
    }
    if (delegated > kNamed) text += fmt::format(", {} delegated roles", delegated);
    return text;
}

JsonValue to_json(const ceremony::VerifyReport& r) {
    JsonValue roles = JsonValue::array();
    for (const auto& role : r.roles)
        roles.push(
            JsonValue::object().set("role", role.role.str()).set("version", role.version).set("expires", role.expires));
    return JsonValue::object()
        .set("gun", r.gun)
        .set("dialect", tuf::to_string(r.dialect))
        .set("verified", true)
        .set("root_chain", r.root_chain)
        .set("targets", r.target_count)
        .set("roles", std::move(roles));
}

JsonValue to_json(const std::string& name, const ceremony::VerifiedTarget& t) {
    return JsonValue::object()
        .set("name", name)
        .set("digest", "sha256:" + t.sha256_hex)
        .set("size", t.length)
        .set("role", t.role.str());
}

void print_summary(const GlobalOptions& globals, const ceremony::VerifyReport& r) {
    const std::int64_t root_version = r.roles.empty() ? 0 : r.roles.front().version.value();
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    fmt::print(
        "{}: trust data verified ({} dialect): root v{} (chain of {}){}; {} signed target{}{}\n", r.gun,
        tuf::to_string(r.dialect), root_version, r.root_chain, roles_text(r), r.target_count,
        r.target_count == 1 ? "" : "s",
        r.unsigned_roles.empty() ? "" : fmt::format("; {} delegated role(s) never signed", r.unsigned_roles.size()));
}

void register_verify(CLI::App& app, CommandSet& commands) {
    auto name = std::make_shared<std::string>();
    auto* cmd =
        add_command(app, "verify",
                    "Verify the trust data in the home as the notary/TUF client does; prints GUN@sha256:HEX for a tag",
                    "tufkey verify registry.example.com/team/app:v1");
    cmd->add_option("name", *name, "GUN or GUN:TAG")->required();
    commands.on(cmd, [name, &globals = commands.globals()]() -> core::Result<int> {
        const auto split = ceremony::split_gun_tag(*name);
        ceremony::VerifyRequest request{split.gun, std::nullopt};
        if (!split.tag.empty()) request.tag = split.tag;
        TUFKEY_TRY_VOID(refresh_server_copy(globals, split.gun));
        keystore::TrustHome home(globals.resolved_home());
        TUFKEY_TRY(auto report, ceremony::verify_repository(home, request, std::chrono::system_clock::now()));
        if (report.target) {
            if (globals.json) {
                print_json(to_json(*name, *report.target));
            } else {
                fmt::print("{}@sha256:{}\n", report.gun, report.target->sha256_hex);
            }
            return 0;
        }
        print_summary(globals, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_verify);

}  // namespace tufkey::cli
