// tufkey root sign FILE --key URI
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "output.h"
#include "staged_root_output.h"
#include "tufkey/ceremony/bundle.h"

namespace tufkey::cli {
namespace {

struct RootSignOptions final {
    std::string file;
    std::string key;
};

void register_root(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<RootSignOptions>();
    auto* group = command_group(app, "root", "Root ceremonies that span several rooms");
    auto* sign = add_command(
        *group, "sign", "Add one root token's signature to the staged root a bundle carries (shows the change first)",
        "tufkey root sign app.tufkey-bundle --key 'pkcs11:token=root-b;object=root' --pin-file b.pin");
    sign->add_option("file", o->file, "Bundle file carrying a staged root (tufkey bundle export)")->required();
    sign->add_option("--key", o->key, "The root token key that signs (pkcs11: URI)")->required();
    commands.on(sign, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto s, ceremony::sign_bundle_root(context->access(), {o->file, o->key}));
        if (globals.json) {
            print_json(to_json(s));
            return 0;
        }
        fmt::print("Signed root version {} in {}\n", s.version, o->file);
        if (s.old_signed >= s.old_threshold && s.new_signed >= s.new_threshold)
            fmt::print(
                "Both thresholds are met: import the bundle where the repository is signed "
                "('tufkey bundle import {}')\n",
                o->file);
        else
            fmt::print(
                "Now {} of {} old and {} of {} new root keys: carry the bundle to the next root token "
                "('tufkey root sign {} --key URI')\n",
                s.old_signed, s.old_threshold, s.new_signed, s.new_threshold, o->file);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_root);

}  // namespace tufkey::cli
