// tufkey key generate | list | import | export | remove | passwd
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/token_role_keys.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/core/key_type.h"
#include "tufkey/keystore/key_operations.h"

namespace tufkey::cli {
namespace {

namespace ks = tufkey::keystore;
using core::Error;
using core::ErrorCode;
using core::Result;

struct KeyOptions final {
    std::string name;
    std::string dir = ".";
    std::string type = core::to_string(core::kDefaultKeyType);
    std::vector<std::string> files;
    std::string role;
    std::string gun;
    std::vector<std::string> keys;
    std::string output;
    std::string id;
};

struct Session final {
    ks::TrustHome home;
    ks::PassphraseSource passphrases;

    explicit Session(const GlobalOptions& globals)
        : home(globals.resolved_home()),
          passphrases(globals.interaction.terminal(), globals.interaction.environment()) {}
};

JsonValue to_json(const ks::StoredKey& k) {
    return JsonValue::object().set("id", k.id).set("role", k.role).set("gun", k.gun).set("location", k.file.string());
}

JsonValue to_json(const ks::GeneratedKey& k, const std::string& role) {
    return JsonValue::object()
        .set("id", k.id)
        .set("role", role)
        .set("gun", "")
        .set("location", k.private_key_file.string())
        .set("public_key", k.public_key_file.string());
}

JsonValue to_json(const ks::ImportedKey& k) {
    return JsonValue::object()
        .set("id", k.id)
        .set("role", k.role)
        .set("gun", k.gun)
        .set("location", k.file.string())
        .set("already_present", k.already_present);
}

std::string describe(const std::string& role, const std::string& gun) {
    return gun.empty() ? "role " + role : "role " + role + ", GUN " + gun;
}

Result<int> run_generate(const GlobalOptions& globals, const KeyOptions& o) {
    TUFKEY_TRY(auto type, core::parse_key_type(o.type));
    Session s(globals);
    TUFKEY_TRY(auto lock, s.home.lock("tufkey key generate " + o.name));
    TUFKEY_TRY(auto report, ks::generate_key(s.home, lock, s.passphrases, ks::GenerateRequest{o.name, o.dir, type}));
    if (globals.json) {
        print_json(to_json(report, o.name));
    } else {
        fmt::print("{}\n", report.id);
        fmt::print(stderr, "Generated {} key {} for {}; public key: {}\n", o.type, report.id.substr(0, 7), o.name,
                   report.public_key_file.string());
    }
    return 0;
}

JsonValue to_json(const ceremony::TokenRoleKey& k) {
    return JsonValue::object().set("id", k.id).set("role", k.role).set("gun", k.gun).set("location", k.uri);
}

Result<int> run_list(const GlobalOptions& globals) {
    ks::TrustHome home(globals.resolved_home());
    TUFKEY_TRY(auto keys, home.list_keys());
    TUFKEY_TRY(auto token_keys, ceremony::list_token_role_keys(home));
    if (globals.json) {
        JsonValue out = JsonValue::array();
        for (const auto& k : keys) out.push(to_json(k));
        for (const auto& k : token_keys) out.push(to_json(k));
        print_json(out);
        return 0;
    }
    if (keys.empty() && token_keys.empty()) {
        fmt::print(stderr, "No keys in {}\n", home.private_dir().string());
        return 0;
    }
    fmt::print("{:<20} {:<30} {:<64} {}\n", "ROLE", "GUN", "KEY ID", "LOCATION");
    for (const auto& k : keys) {
        fmt::print("{:<20} {:<30} {:<64} {}\n", k.role.empty() ? "?" : k.role, k.gun.empty() ? "-" : k.gun, k.id,
                   k.file.string());
    }
    for (const auto& k : token_keys) fmt::print("{:<20} {:<30} {:<64} {}\n", k.role, k.gun, k.id, k.uri);
    return 0;
}

Result<int> run_import(const GlobalOptions& globals, const KeyOptions& o) {
    Session s(globals);
    TUFKEY_TRY(auto lock, s.home.lock("tufkey key import"));
    ks::HomeTransaction tx(s.home, lock);
    std::vector<std::pair<std::string, std::vector<ks::ImportedKey>>> staged;
    for (const auto& file : o.files) {
        TUFKEY_TRY(auto reports, ks::import_keys(s.home, tx, s.passphrases, ks::ImportRequest{file, o.role, o.gun}));
        staged.emplace_back(file, std::move(reports));
    }
    TUFKEY_TRY_VOID(tx.commit());
    JsonValue imported = JsonValue::array();
    for (const auto& [file, reports] : staged) {
        for (const auto& r : reports) {
            imported.push(to_json(r));
            if (r.already_present) {
                fmt::print(stderr, "Key {} ({}) from {} is already in the trust home: {}\n", r.id.substr(0, 7),
                           describe(r.role, r.gun), file, r.file.string());
            } else {
                fmt::print(stderr, "Imported key {} ({}) from {}\n", r.id.substr(0, 7), describe(r.role, r.gun), file);
            }
            if (!globals.json) fmt::print("{}\n", r.id);
        }
    }
    if (globals.json) print_json(imported);
    return 0;
}

Result<int> run_export(const GlobalOptions& globals, const KeyOptions& o) {
    ks::TrustHome home(globals.resolved_home());
    std::error_code ec;
    if (std::filesystem::exists(o.output, ec) && !globals.yes) {
        return Error(ErrorCode::refused, o.output + " already exists; choose another -o FILE or pass -y to replace it");
    }
    TUFKEY_TRY(auto exported, ks::export_keys(home, ks::ExportRequest{o.keys, o.gun}));
    TUFKEY_TRY_VOID(core::write_file_atomic(o.output, exported.pem, 0600));
    if (globals.json) {
        JsonValue keys = JsonValue::array();
        for (const auto& k : exported.keys) keys.push(to_json(k));
        print_json(JsonValue::object().set("file", o.output).set("keys", std::move(keys)));
    } else {
        for (const auto& k : exported.keys) fmt::print("{}\n", k.id);
    }
    fmt::print(stderr, "Exported {} key(s) to {} (encrypted; import with 'tufkey key import' or 'notary key import')\n",
               exported.keys.size(), o.output);
    return 0;
}

Result<int> run_remove(const GlobalOptions& globals, const KeyOptions& o) {
    Session s(globals);
    TUFKEY_TRY(auto key, s.home.find_key(o.id));
    if (!globals.yes) {
        auto& terminal = globals.interaction.terminal();
        if (!terminal.interactive()) {
            return Error(ErrorCode::usage, "key remove asks for confirmation: run it at a terminal or pass -y");
        }
        TUFKEY_TRY(bool yes,
                   terminal.confirm(fmt::format("Remove key {} ({}) at {}? This cannot be undone.", key.id.substr(0, 7),
                                                describe(key.role, key.gun), key.file.string())));
        if (!yes) {
            fmt::print(stderr, "Nothing removed.\n");
            return 0;
        }
    }
    TUFKEY_TRY(auto lock, s.home.lock("tufkey key remove " + key.id.substr(0, 7)));
    ks::HomeTransaction tx(s.home, lock);
    s.home.remove_key(tx, key);
    TUFKEY_TRY_VOID(tx.commit());
    if (globals.json) print_json(JsonValue::object().set("removed", to_json(key)));
    fmt::print(stderr, "Removed key {} ({})\n", key.id, key.file.string());
    return 0;
}

Result<int> run_passwd(const GlobalOptions& globals, const KeyOptions& o) {
    Session s(globals);
    TUFKEY_TRY(auto lock, s.home.lock("tufkey key passwd " + o.id));
    TUFKEY_TRY(auto key, ks::change_passphrase(s.home, lock, s.passphrases, o.id));
    if (globals.json) print_json(JsonValue::object().set("changed", to_json(key)));
    fmt::print(stderr, "Changed the passphrase of key {} ({})\n", key.id.substr(0, 7), key.file.string());
    return 0;
}

void register_key(CLI::App& app, CommandSet& commands) {
    CLI::App* group = command_group(app, "key", "Encrypted keys in the trust home (Notary / docker trust format)");
    auto o = std::make_shared<KeyOptions>();
    GlobalOptions& g = commands.globals();

    CLI::App* gen = add_command(*group, "generate", "Make a signer key: DIR/NAME.pub, private key kept encrypted",
                                "TUFKEY_DELEGATION_PASSPHRASE=... tufkey key generate alice --dir ~/keys");
    gen->add_option("NAME", o->name, "Signer name (the key's role)")->required();
    gen->add_option("--dir", o->dir, "Where to write NAME.pub (default: .)");
    gen->add_option("--type", o->type, core::key_type_help());
    commands.on(gen, [o, &g] { return run_generate(g, *o); });

    CLI::App* list = add_command(*group, "list", "Keys in the trust home: role, GUN, key ID, location",
                                 "tufkey --home ~/.docker/trust key list --json");
    commands.on(list, [&g] { return run_list(g); });

    CLI::App* imp = add_command(*group, "import", "Import PEM private keys (encrypted or not; notary/docker exports)",
                                "tufkey key import backup.pem --role targets --gun registry.example.com/app");
    imp->add_option("FILE", o->files, "PEM files with private keys")->required();
    imp->add_option("--role", o->role, "Role for keys without a role: header");
    imp->add_option("--gun", o->gun, "GUN for targets/snapshot keys without a gun: header");
    commands.on(imp, [o, &g] { return run_import(g, *o); });

    CLI::App* exp = add_command(*group, "export", "Export encrypted keys in the form 'notary key import' reads",
                                "tufkey key export --gun registry.example.com/app -o app-keys.pem");
    exp->add_option("--key", o->keys, "Key ID or unique prefix (repeatable; default: all keys)");
    exp->add_option("--gun", o->gun, "Export the keys of this GUN");
    exp->add_option("-o,--output", o->output, "Output file (written 0600)")->required();
    commands.on(exp, [o, &g] { return run_export(g, *o); });

    CLI::App* rm =
        add_command(*group, "remove", "Delete a key from the trust home (asks first)", "tufkey key remove 1a2b3c4 -y");
    rm->add_option("ID", o->id, "Key ID or unique prefix (>= 7 hex digits)")->required();
    commands.on(rm, [o, &g] { return run_remove(g, *o); });

    CLI::App* pw = add_command(*group, "passwd", "Change a key's passphrase (the new one is asked at a terminal)",
                               "tufkey key passwd 1a2b3c4");
    pw->add_option("ID", o->id, "Key ID or unique prefix (>= 7 hex digits)")->required();
    commands.on(pw, [o, &g] { return run_passwd(g, *o); });
}

}  // namespace

TUFKEY_COMMAND(register_key);

}  // namespace tufkey::cli
