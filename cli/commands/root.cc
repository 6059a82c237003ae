// tufkey root sign FILE --key URI
// tufkey root certificate GUN --key URI -o FILE [--expires DURATION]
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "output.h"
#include "staged_root_output.h"
#include "tufkey/ceremony/bundle.h"
#include "tufkey/ceremony/rotate.h"

namespace tufkey::cli {
namespace {

struct RootSignOptions final {
    std::string file;
    std::string key;
};

struct RootCertificateOptions final {
    std::string gun;
    std::string key;
    std::string out;
    std::string expires = "10y";
};

void register_certificate(CLI::App& group, CommandSet& commands) {
    auto o = std::make_shared<RootCertificateOptions>();
    auto* cmd = add_command(
        group, "certificate",
        "Make the certificate that brings this room's token key into a root rotation started elsewhere",
        "tufkey root certificate registry.example.com/team/app --key 'pkcs11:token=root-d;object=root' -o d.pem "
        "--pin-file d.pin\n"
        "  (then, where the rotation starts: tufkey rotate registry.example.com/team/app root --key ID --key d.pem "
        "--stage)");
    cmd->add_option("gun", o->gun, "Repository name (GUN) the certificate is made for (its CN)")->required();
    cmd->add_option("--key", o->key, "The token key (pkcs11: URI; generated after confirmation if missing)")
        ->required();
    cmd->add_option("-o,--output", o->out, "Certificate file to write (public: carry it to the other room)")
        ->required();
    cmd->add_option("--expires", o->expires,
                    "Validity of the certificate (a Notary root expires no later); default 10y");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto lifetime, ceremony::parse_duration(o->expires));
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto r, ceremony::make_root_certificate(context->access(), {o->gun, o->key, o->out, lifetime}));
        if (globals.json) {
            print_json(JsonValue::object()
                           .set("file", r.file.string())
                           .set("key_id", r.key_id)
                           .set("uri", r.uri)
                           .set("generated", r.generated)
                           .set("certificate", r.certificate)
                           .set("not_after", r.certificate ? JsonValue(r.not_after) : JsonValue()));
            return 0;
        }
        if (r.certificate)
            fmt::print("Wrote the root certificate of key {} ({}), valid until {}, to {}\n", r.key_id, r.uri,
                       r.not_after, r.file.string());
        else
            fmt::print(
                "Wrote the public key {} ({}) to {}: Ed25519 keys make no certificate, so it serves the tuf "
                "dialect only\n",
                r.key_id, r.uri, r.file.string());
        fmt::print("Carry it to the room where the rotation starts: 'tufkey rotate {} root --key {} ...'\n", o->gun,
                   r.file.filename().string());
        return 0;
    });
}

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
    register_certificate(*group, commands);
}

}  // namespace

TUFKEY_COMMAND(register_root);

}  // namespace tufkey::cli
