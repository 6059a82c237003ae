// tufkey token list | keys | generate: the PKCS#11 tokens, the keys on them, and keys made on them.
#include <unistd.h>

#include <fmt/core.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "output.h"
#include "tufkey/core/encoding.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/pin_source.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::cli {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;

struct TokenOptions final {
    std::string token;
    std::string label;
    std::string id;
    std::string type = "ecdsa-p256";
};

std::string json_strings(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) out += (out.size() > 1 ? "," : "") + json_string(item);
    return out + "]";
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
    return out;
}

// --token URI (with "pkcs11:" optional for a bare label), else a URI naming no token.
Result<pkcs11::Uri> token_uri(const std::string& text) {
    if (text.empty()) return pkcs11::Uri{};
    if (text.rfind("pkcs11:", 0) != 0) {
        pkcs11::Uri uri;
        uri.token = text;
        return uri;
    }
    return pkcs11::Uri::parse(text);
}

// The module: the URI's module-path, else --module / $TUFKEY_PKCS11_MODULE, else discovery.
Result<std::shared_ptr<pkcs11::Module>> open_module(const GlobalOptions& globals, const pkcs11::Uri& uri) {
    std::string configured = globals.resolved_module();
    if (configured.empty() && uri.module_path) configured = *uri.module_path;
    TUFKEY_TRY(std::string path, pkcs11::resolve_module_path(configured));
    return pkcs11::Module::open(path);
}

// Opens the token's session and logs in when the token asks for it (or `force_login`).
Result<std::shared_ptr<pkcs11::Session>> open_session(const GlobalOptions& globals, const pkcs11::Uri& uri,
                                                      bool read_write, bool force_login) {
    TUFKEY_TRY(auto module, open_module(globals, uri));
    TUFKEY_TRY(auto slot, pkcs11::select_token(module, uri));
    TUFKEY_TRY(auto session, pkcs11::Session::open(slot, read_write));
    if (force_login || session->token().flags.login_required) {
        TUFKEY_TRY(auto pins, pkcs11::CliPinSource::create(globals.pin_files));
        TUFKEY_TRY(auto report, session->login(*pins));
        print_warnings(report.warnings);
    }
    return session;
}

// ---- token list -------------------------------------------------------------------------

struct ModuleListing final {
    std::string path;
    std::optional<pkcs11::ModuleInfo> info;
    std::vector<pkcs11::SlotInfo> slots;
    std::optional<std::string> problem;
};

ModuleListing list_module(const std::string& path) {
    ModuleListing listing;
    listing.path = path;
    auto module = pkcs11::Module::open(path);
    if (!module) {
        listing.problem = module.error().message;
        return listing;
    }
    listing.info = (*module)->info();
    auto slots = pkcs11::list_slots(**module);
    if (!slots)
        listing.problem = slots.error().message;
    else
        listing.slots = std::move(*slots);
    return listing;
}

void print_listing_text(const ModuleListing& m) {
    if (m.problem) {
        fmt::print("{}\n", m.problem->rfind(m.path, 0) == 0 ? *m.problem : m.path + ": " + *m.problem);
        return;
    }
    fmt::print("{} ({}, {} {})\n", m.path, m.info->manufacturer, m.info->description, m.info->library_version);
    if (m.slots.empty()) fmt::print("  no slots (no token or reader)\n");
    for (const auto& s : m.slots) {
        if (!s.token) {
            fmt::print("  slot {}: no token ({})\n", s.id, s.description);
        } else if (!s.token->flags.initialized) {
            fmt::print("  slot {}: uninitialised token ({})\n", s.id, s.description);
        } else {
            const auto& t = *s.token;
            fmt::print("  slot {}: token '{}'  serial {}  model {}  manufacturer {}\n", s.id, t.label, t.serial,
                       t.model, t.manufacturer);
            fmt::print("      flags: {}\n      uri:   {}\n", join(t.flags.names()), t.uri().to_string());
        }
    }
}

std::string slot_json(const ModuleListing& m, const pkcs11::SlotInfo& s) {
    const auto& t = *s.token;
    return fmt::format(
        "{{\"module\":{},\"slot_id\":{},\"slot\":{},\"label\":{},\"serial\":{},\"model\":{},\"manufacturer\":{},"
        "\"flags\":{},\"initialized\":{},\"uri\":{}}}",
        json_string(m.path), s.id, json_string(s.description), json_string(t.label), json_string(t.serial),
        json_string(t.model), json_string(t.manufacturer), json_strings(t.flags.names()),
        t.flags.initialized ? "true" : "false", json_string(t.uri().to_string()));
}

Result<int> run_list(const GlobalOptions& globals) {
    const std::string configured = globals.resolved_module();
    std::vector<std::string> paths = configured.empty() ? pkcs11::default_module_paths() : std::vector{configured};
    std::vector<ModuleListing> listings;
    for (const auto& path : paths) {
        if (configured.empty() && ::access(path.c_str(), F_OK) != 0) continue;  // not installed
        listings.push_back(list_module(path));
    }
    if (!configured.empty() && listings.front().problem) return Error(ErrorCode::token, *listings.front().problem);
    if (globals.json) {
        std::vector<std::string> objects;
        for (const auto& m : listings) {
            for (const auto& s : m.slots) {
                if (s.token) objects.push_back(slot_json(m, s));
            }
        }
        fmt::print("[{}]\n", join(objects, ",\n "));
        return 0;
    }
    if (listings.empty()) fmt::print("no PKCS#11 module installed; pass --module PATH\n");
    for (const auto& m : listings) print_listing_text(m);
    return 0;
}

// ---- token keys -------------------------------------------------------------------------

struct KeyRow final {
    const pkcs11::KeyObject* key;
    std::string canonical_id;
    std::string tuf_id;
};

std::string key_json(const KeyRow& row) {
    const auto& k = *row.key;
    const std::vector<std::string> attrs = k.attributes ? k.attributes->names() : std::vector<std::string>{};
    const bool on_token = k.attributes && k.attributes->generated_on_token();
    return fmt::format(
        "{{\"id\":{},\"tuf_id\":{},\"role\":null,\"gun\":null,\"location\":{},\"label\":{},\"ck_id\":{},\"type\":{},"
        "\"private_key\":{},\"attributes\":{},\"generated_on_token\":{}}}",
        row.canonical_id.empty() ? "null" : json_string(row.canonical_id),
        row.tuf_id.empty() ? "null" : json_string(row.tuf_id), json_string(k.uri.to_string()), json_string(k.label),
        json_string(core::hex_encode(k.id)), json_string(k.type), k.has_private_key ? "true" : "false",
        json_strings(attrs), on_token ? "true" : "false");
}

void print_key_text(const KeyRow& row) {
    const auto& k = *row.key;
    fmt::print("{}  {}  label '{}'  id {}{}\n", row.canonical_id.empty() ? std::string(64, '-') : row.canonical_id,
               k.type, k.label, k.id.empty() ? "-" : core::hex_encode(k.id),
               k.has_private_key ? "" : "  (public only)");
    if (!row.tuf_id.empty() && row.tuf_id != row.canonical_id) fmt::print("    tuf key id: {}\n", row.tuf_id);
    if (k.attributes) {
        fmt::print("    attributes: {}{}\n", join(k.attributes->names()),
                   k.attributes->generated_on_token() ? "" : "  (NOT shown as generated on the token)");
    }
    fmt::print("    uri: {}\n", k.uri.to_string());
}

Result<int> run_keys(const GlobalOptions& globals, const TokenOptions& options) {
    TUFKEY_TRY(auto uri, token_uri(options.token));
    TUFKEY_TRY(auto session, open_session(globals, uri, false, false));
    std::vector<pkcs11::KeyObject> keys;
    if (uri.names_object()) {  // one key: an unknown one is an error listing what is there
        TUFKEY_TRY(auto key, pkcs11::find_key(*session, uri));
        keys.push_back(std::move(key));
    } else {
        TUFKEY_TRY(keys, pkcs11::list_keys(*session));
    }
    std::vector<KeyRow> rows;
    for (const auto& k : keys) {
        KeyRow row{&k, "", ""};
        if (k.public_key) {
            row.canonical_id = tuf::notary_canonical_key_id(*k.public_key);
            row.tuf_id = tuf::Key::tuf(*k.public_key).id().str();
        }
        rows.push_back(std::move(row));
    }
    if (globals.json) {
        std::vector<std::string> objects;
        for (const auto& row : rows) objects.push_back(key_json(row));
        fmt::print("[{}]\n", join(objects, ",\n "));
        return 0;
    }
    fmt::print("token {}: {} key(s)\n", session->token().describe(), rows.size());
    for (const auto& row : rows) print_key_text(row);
    return 0;
}

// ---- token generate ---------------------------------------------------------------------

Result<void> confirm(const GlobalOptions& globals, const std::string& question) {
    if (globals.yes) return core::success();
    if (::isatty(STDIN_FILENO) != 1) {
        return Error(ErrorCode::refused, "not generating a key without confirmation: no terminal to ask on; pass -y");
    }
    fmt::print(stderr, "{} [y/N] ", question);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "y" || answer == "Y" || answer == "yes") return core::success();
    return Error(ErrorCode::refused, "not confirmed; nothing was generated");
}

Result<pkcs11::KeyGenRequest> generate_request(const TokenOptions& options) {
    pkcs11::KeyGenRequest request;
    auto spec = pkcs11::parse_key_spec(options.type);
    if (!spec) return Error(ErrorCode::usage, "--type must be ecdsa-p256, ecdsa-p384, ed25519 or rsa-3072");
    request.spec = *spec;
    request.label = options.label;
    if (!options.id.empty()) {
        auto id = core::hex_decode(options.id);
        if (!id || id->empty()) return Error(ErrorCode::usage, "--id must be hex digits, e.g. 01");
        request.id = std::move(*id);
    }
    return request;
}

Result<int> run_generate(const GlobalOptions& globals, const TokenOptions& options) {
    TUFKEY_TRY(auto request, generate_request(options));
    TUFKEY_TRY(auto uri, token_uri(options.token));
    TUFKEY_TRY(auto module, open_module(globals, uri));
    TUFKEY_TRY(auto slot, pkcs11::select_token(module, uri));
    TUFKEY_TRY(auto info, slot.token_info());
    TUFKEY_TRY_VOID(confirm(globals, fmt::format("Generate an {} key labelled '{}' on token {}?",
                                                 pkcs11::to_string(request.spec), request.label, info.describe())));
    TUFKEY_TRY(auto session, open_session(globals, uri, true, true));
    TUFKEY_TRY(auto key, pkcs11::generate_key_pair(*session, request));
    const bool on_token = key.attributes && key.attributes->generated_on_token();
    if (!on_token) {
        fmt::print(stderr,
                   "tufkey: warning: the token does not report key {} as generated on it and never "
                   "extractable; tufkey will refuse it as a root key\n",
                   key.describe());
    }
    const std::string key_id = key.public_key ? tuf::notary_canonical_key_id(*key.public_key) : "";
    if (globals.json) {
        KeyRow row{&key, key_id, key.public_key ? tuf::Key::tuf(*key.public_key).id().str() : ""};
        fmt::print("{}\n", key_json(row));
        return 0;
    }
    fmt::print("generated {} key '{}' on token {}\n  key id: {}\n  uri:    {}\n", key.type, key.label,
               session->token().describe(), key_id, key.uri.to_string());
    return 0;
}

void register_token(CLI::App& app, CommandSet& commands) {
    CLI::App* group = command_group(app, "token", "PKCS#11 tokens (YubiKey, HSM, SoftHSM) and the keys on them");
    auto options = std::make_shared<TokenOptions>();
    GlobalOptions& globals = commands.globals();

    CLI::App* list = add_command(*group, "list", "Modules, slots and tokens: label, serial, model, flags, PIN state",
                                 "tufkey token list --json");
    commands.on(list, [&globals] { return run_list(globals); });

    CLI::App* keys =
        add_command(*group, "keys", "Keys on a token with their key IDs and protection attributes",
                    "tufkey token keys --token 'pkcs11:token=ceremony-root' --pin-file ceremony-root=pin.txt");
    keys->add_option("--token", options->token, "Token URI (pkcs11:token=LABEL...) or label; default: the only token");
    commands.on(keys, [&globals, options] { return run_keys(globals, *options); });

    CLI::App* generate = add_command(
        *group, "generate", "Generate a key pair on the token (the private key never leaves it)",
        "tufkey token generate --token 'pkcs11:token=ceremony-root' --label root --id 01 --type ecdsa-p256");
    generate->add_option("--token", options->token, "Token URI or label")->required();
    generate->add_option("--label", options->label, "Label (CKA_LABEL) of the new key")->required();
    generate->add_option("--id", options->id, "Key id (CKA_ID) in hex; default: 8 random bytes");
    generate->add_option("--type", options->type, "ecdsa-p256 (default), ecdsa-p384, ed25519 or rsa-3072");
    commands.on(generate, [&globals, options] { return run_generate(globals, *options); });
}

TUFKEY_COMMAND(register_token);

}  // namespace
}  // namespace tufkey::cli
