// tufkey publish GUN [--to DIR]
#include <fmt/core.h>

#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/publish.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::cli {
namespace {

struct PublishOptions final {
    std::string gun;
    std::string to;
};

JsonValue to_json(const std::string& gun, const ceremony::PublishReport& r) {
    JsonValue files = JsonValue::array();
    for (const auto& f : r.files) files.push(JsonValue::object().set("path", f.path).set("written", f.written));
    return JsonValue::object()
        .set("gun", gun)
        .set("dialect", tuf::to_string(r.dialect))
        .set("directory", r.directory.string())
        .set("versions", JsonValue::from_map(r.versions))
        .set("files", std::move(files));
}

void print_report(const GlobalOptions& globals, const std::string& gun, const ceremony::PublishReport& r) {
    print_warnings(r.warnings);
    std::size_t written = 0;
    for (const auto& f : r.files) written += f.written ? 1 : 0;
    if (globals.json) {
        print_json(to_json(gun, r));
        return;
    }
    fmt::print("Published {} ({} dialect) to {}: {} file(s) written, {} unchanged\n", gun, tuf::to_string(r.dialect),
               r.directory.string(), written, r.files.size() - written);
    for (const auto& f : r.files) {
        if (f.written) fmt::print("  wrote {}\n", f.path);
    }
    for (const auto& [role, v] : r.versions) fmt::print("  {:<9} version {}\n", role.str(), v.value());
}

void register_publish(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<PublishOptions>();
    auto* cmd = add_command(app, "publish",
                            "Publish the repository: as static files any web server can serve, or to its Notary server",
                            "tufkey publish registry.example.com/team/app --to /srv/www/trust\n"
                            "  tufkey publish registry.example.com/team/app        (again to /srv/www/trust, or to "
                            "its Notary server)");
    cmd->add_option("gun", o->gun, "Repository name (GUN)")->required();
    cmd->add_option(
        "--to", o->to,
        "Destination directory or file:// URL, remembered for the next publish (default: the remembered one, the "
        "directory it was pulled from, else --server; a repository on a Notary server goes there)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        keystore::TrustHome home(globals.resolved_home());
        const auto progress = globals.interaction.progress(globals.json);
        auto published = ceremony::publish_repository(home, {o->gun, o->to, globals.resolved_server(), progress.get()});
        if (progress) progress->finish();
        TUFKEY_TRY(auto report, std::move(published));
        print_report(globals, o->gun, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_publish);

}  // namespace tufkey::cli
