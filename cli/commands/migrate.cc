// tufkey migrate GUN --to DIR|URL [--dialect tuf|notary] [--root-key URI]... [--root-threshold N] [--dry-run]
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/migrate.h"

namespace tufkey::cli {
namespace {

struct MigrateOptions final {
    std::string gun;
    std::string to;
    std::string dialect;
    std::vector<std::string> root_keys;
    std::uint32_t root_threshold = 0;
    bool dry_run = false;
};

JsonValue to_json(const ceremony::MigrateReport& r) {
    JsonValue signing = JsonValue::array();
    for (const auto& s : r.signing)
        signing.push(
            JsonValue::object().set("role", s.role).set("action", s.action).set("keys", JsonValue::strings(s.keys)));
    JsonValue out = JsonValue::object()
                        .set("gun", r.gun)
                        .set("from_dialect", tuf::to_string(r.from))
                        .set("dialect", tuf::to_string(r.to))
                        .set("destination", r.destination)
                        .set("server", r.server)
                        .set("dry_run", r.dry_run)
                        .set("root_version", r.root_version)
                        .set("continues_chain", r.continues_chain)
                        .set("old_root_signs", r.old_root_signs)
                        .set("destination_files", JsonValue::strings(r.destination_files))
                        .set("signing", std::move(signing))
                        .set("generated", JsonValue::strings(r.generated))
                        .set("home_files", JsonValue::strings(r.home_files));
    if (r.published) {
        JsonValue files = JsonValue::array();
        for (const auto& f : r.published->files)
            files.push(JsonValue::object().set("path", f.path).set("written", f.written));
        out.set("published", std::move(files));
    }
    return out;
}

void print_report(const GlobalOptions& globals, const ceremony::MigrateReport& r) {
    print_warnings(r.warnings);
    if (r.published) print_warnings(r.published->warnings);
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    fmt::print("{} {} ({} dialect) to {} ({} dialect{})\n", r.dry_run ? "Would migrate" : "Migrated", r.gun,
               tuf::to_string(r.from), r.destination, tuf::to_string(r.to), r.server ? ", Notary server" : "");
    fmt::print("  root version {}{}\n", r.root_version,
               r.continues_chain  ? ", signed by the old root keys too (clients holding the old root follow it)"
               : r.old_root_signs ? ", a new chain that the old root keys sign too ('tufkey pull --root OLD-ROOT' "
                                    "checks it)"
                                  : ", a new chain: clients pin this root");
    for (const auto& s : r.signing) {
        std::string keys;
        for (const auto& k : s.keys) keys += (keys.empty() ? "" : ", ") + k;
        fmt::print("  {:<18} {}{}{}\n", s.role, s.action, keys.empty() ? "" : " by ", keys);
    }
    for (const auto& g : r.generated) fmt::print("  generate {}\n", g);
    for (const auto& f : r.home_files) fmt::print("  {} {}\n", r.dry_run ? "would write" : "wrote", f);
    if (r.dry_run) {
        for (const auto& f : r.destination_files) fmt::print("  would publish {}\n", f);
    }
    if (r.published) {
        std::size_t written = 0;
        for (const auto& f : r.published->files) written += f.written ? 1 : 0;
        fmt::print("Published to {}: {} file(s)\n", r.destination, written);
    } else {
        fmt::print("Nothing was written (--dry-run).\n");
    }
}

core::Result<int> run_migrate(const GlobalOptions& globals, const MigrateOptions& o) {
    ceremony::MigrateRequest request;
    request.gun = o.gun;
    request.to = o.to;
    if (!o.dialect.empty()) {
        TUFKEY_TRY(auto d, tuf::parse_dialect(o.dialect));
        request.dialect = d;
    }
    request.root_key_uris = o.root_keys;
    request.root_threshold = o.root_threshold;
    request.tls = {globals.tls_ca, globals.tls_client_cert, globals.tls_client_key};
    request.dry_run = o.dry_run;
    TUFKEY_TRY(auto context, CeremonyContext::create(globals));
    TUFKEY_TRY(auto report, ceremony::migrate_repository(context->access(), request));
    print_report(globals, report);
    return 0;
}

void register_migrate(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<MigrateOptions>();
    auto* cmd = add_command(
        app, "migrate",
        "Move a verified repository (pulled from a Notary server, or docker's trust data) to a static "
        "directory in either dialect or to another Notary server, keeping its targets, signers and root",
        "tufkey --home ~/.docker/trust migrate registry.example.com/team/app --to /srv/www/trust --dialect tuf "
        "--dry-run\n"
        "  tufkey migrate registry.example.com/team/app --to https://notary.example.org:4443 --tls-ca ca.crt\n"
        "  tufkey migrate registry.example.com/team/app --to /srv/www/trust --root-key "
        "'pkcs11:token=ceremony;object=root'");
    cmd->add_option("gun", o->gun, "Repository name (GUN) the home holds")->required();
    cmd->add_option("--to", o->to, "Destination: a directory, a file:// URL, or https://NOTARY-SERVER")->required();
    cmd->add_option("--dialect", o->dialect, "notary or tuf (default: the source's; a Notary server takes notary)");
    cmd->add_option("--root-key", o->root_keys,
                    "PKCS#11 URI of a new root key (repeatable; generated after confirmation if absent; default: "
                    "keep the root keys)");
    cmd->add_option("--root-threshold", o->root_threshold,
                    "Signatures the new root needs (default: the old threshold, or 1 with --root-key)")
        ->check(CLI::Range(1u, 64u));
    cmd->add_flag("--dry-run", o->dry_run, "List what would be written and signed, by which key; write nothing");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> { return run_migrate(globals, *o); });
}

}  // namespace

TUFKEY_COMMAND(register_migrate);

}  // namespace tufkey::cli
