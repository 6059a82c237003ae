// tufkey token list | keys | generate: the PKCS#11 tokens, the keys on them, and keys made on them.
// The work is done by the token ceremonies (tufkey/ceremony/token.h); this file parses and prints.
#include <fmt/core.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/token.h"
#include "tufkey/core/key_type.h"

namespace tufkey::cli {
namespace {

using core::Result;

struct TokenOptions final {
    std::string token;
    std::string label;
    std::string id;
    std::string type = core::to_string(core::kDefaultKeyType);
};

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// ---- token list -------------------------------------------------------------------------

JsonValue to_json(const ceremony::TokenListReport& report) {
    JsonValue out = JsonValue::array();
    for (const auto& m : report.modules) {
        for (const auto& s : m.slots) {
            if (!s.token_present) continue;
            out.push(JsonValue::object()
                         .set("module", m.path)
                         .set("slot_id", s.slot_id)
                         .set("slot", s.slot_description)
                         .set("label", s.label)
                         .set("serial", s.serial)
                         .set("model", s.model)
                         .set("manufacturer", s.manufacturer)
                         .set("flags", JsonValue::strings(s.flags))
                         .set("initialized", s.initialized)
                         .set("uri", s.uri));
        }
    }
    return out;
}

void print_module(const ceremony::ModuleReport& m) {
    fmt::print("{} ({}, {} {})\n", m.path, m.manufacturer, m.description, m.library_version);
    if (m.slots.empty()) fmt::print("  no slots (no token or reader)\n");
    for (const auto& s : m.slots) {
        if (!s.token_present) {
            fmt::print("  slot {}: no token ({})\n", s.slot_id, s.slot_description);
        } else if (!s.initialized) {
            fmt::print("  slot {}: uninitialised token ({})\n", s.slot_id, s.slot_description);
        } else {
            fmt::print("  slot {}: token '{}'  serial {}  model {}  manufacturer {}\n", s.slot_id, s.label, s.serial,
                       s.model, s.manufacturer);
            fmt::print("      flags: {}\n      uri:   {}\n", join(s.flags), s.uri);
        }
    }
}

Result<int> run_list(const GlobalOptions& globals) {
    TUFKEY_TRY(auto report, ceremony::list_tokens(module_settings(globals)));
    auto problem_of = [](const ceremony::ModuleReport& m) {
        return m.problem->rfind(m.path, 0) == 0 ? *m.problem : m.path + ": " + *m.problem;
    };
    std::vector<std::string> problems;
    for (const auto& m : report.modules) {
        if (m.problem && m.unusable) problems.push_back(problem_of(m));
    }
    if (globals.json) {
        print_json(to_json(report));
    } else {
        if (report.modules.empty()) fmt::print("no PKCS#11 module installed; pass --module PATH\n");
        for (const auto& m : report.modules) {
            if (!m.problem)
                print_module(m);
            else if (!m.unusable)
                fmt::print("{}\n", problem_of(m));  // e.g. no PC/SC for a YubiKey: nothing to list
        }
    }
    // A module that could not be loaded or initialised (e.g. SoftHSM2 whose token store was
    // removed) makes the list incomplete: exit 3 with its reason (others as warnings) after
    // what could be listed.
    if (problems.empty()) return 0;
    for (std::size_t i = 0; i + 1 < problems.size(); ++i) print_warning(problems[i]);
    return core::Error(core::ErrorCode::token, problems.back());
}

// ---- token keys -------------------------------------------------------------------------

JsonValue to_json(const ceremony::TokenKeyReport& k) {
    auto text_or_null = [](const std::string& s) { return s.empty() ? JsonValue() : JsonValue(s); };
    return JsonValue::object()
        .set("id", text_or_null(k.canonical_id))
        .set("tuf_id", text_or_null(k.tuf_id))
        .set("role", nullptr)
        .set("gun", nullptr)
        .set("location", k.uri)
        .set("label", k.label)
        .set("ck_id", k.ck_id)
        .set("type", k.type)
        .set("private_key", k.has_private_key)
        .set("attributes", JsonValue::strings(k.attributes.value_or(std::vector<std::string>{})))
        .set("generated_on_token", k.generated_on_token);
}

JsonValue to_json(const ceremony::TokenKeysReport& report) {
    JsonValue out = JsonValue::array();
    for (const auto& k : report.keys) out.push(to_json(k));
    return out;
}

void print_key(const ceremony::TokenKeyReport& k) {
    fmt::print("{}  {}  label '{}'  id {}{}\n", k.canonical_id.empty() ? std::string(64, '-') : k.canonical_id, k.type,
               k.label, k.ck_id.empty() ? "-" : k.ck_id, k.has_private_key ? "" : "  (public only)");
    if (!k.tuf_id.empty() && k.tuf_id != k.canonical_id) fmt::print("    tuf key id: {}\n", k.tuf_id);
    if (k.attributes) {
        fmt::print("    attributes: {}{}\n", join(*k.attributes),
                   k.generated_on_token ? "" : "  (NOT shown as generated on the token)");
    }
    fmt::print("    uri: {}\n", k.uri);
}

Result<int> run_keys(const GlobalOptions& globals, const TokenOptions& options) {
    TUFKEY_TRY(auto context, CeremonyContext::create(globals));
    TUFKEY_TRY(auto report, ceremony::list_token_keys(context->access(), options.token));
    if (globals.json) {
        print_json(to_json(report));
        return 0;
    }
    fmt::print("token {}: {} key(s)\n", report.token, report.keys.size());
    for (const auto& k : report.keys) print_key(k);
    return 0;
}

// ---- token generate ---------------------------------------------------------------------

Result<int> run_generate(const GlobalOptions& globals, const TokenOptions& options) {
    ceremony::TokenGenerateRequest request{options.token, options.label, options.id, {}};
    TUFKEY_TRY(request.type, core::parse_key_type(options.type));
    TUFKEY_TRY(auto context, CeremonyContext::create(globals));
    TUFKEY_TRY(auto report, ceremony::generate_token_key(context->access(), request));
    if (globals.json) {
        print_json(to_json(report.key).set("template_profile", report.template_profile));
        return 0;
    }
    fmt::print("generated {} key '{}' on token {}\n  key id: {}\n  uri:    {}\n", report.key.type, report.key.label,
               report.token, report.key.canonical_id, report.key.uri);
    fmt::print("  template: {}{}\n", report.template_profile,
               report.refused_profiles.empty()
                   ? std::string()
                   : fmt::format(" (the token refused: {})", fmt::join(report.refused_profiles, ", ")));
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
    generate->add_option("--type", options->type, core::key_type_help());
    commands.on(generate, [&globals, options] { return run_generate(globals, *options); });
}

TUFKEY_COMMAND(register_token);

}  // namespace
}  // namespace tufkey::cli
