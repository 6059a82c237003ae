// tufkey init GUN --root-key URI... [--root-threshold N] [--dialect notary|tuf] [--expires ROLE=DURATION]...
#include <fmt/core.h>

#include <filesystem>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/init.h"
#include "tufkey/core/key_type.h"

namespace tufkey::cli {
namespace {

struct InitOptions final {
    std::string gun;
    std::vector<std::string> root_keys;
    std::uint32_t threshold = 1;
    std::string dialect = "notary";
    std::vector<std::string> expires;
    std::vector<std::string> warn;
    std::string root_key_type = core::to_string(core::kDefaultKeyType);
    std::vector<std::string> server_managed;
    std::string publish_to;
};

bool is_server_url(const std::string& url) { return url.starts_with("https://") || url.starts_with("http://"); }

core::Result<ceremony::InitRequest> build_request(const InitOptions& o, const GlobalOptions& globals) {
    ceremony::InitRequest request;
    // --server, else $TUFKEY_SERVER or $DOCKER_CONTENT_TRUST_SERVER when it names a server (a
    // directory there is where static repositories are published, not a Notary server).
    const std::string server = globals.resolved_server();
    if (!globals.server.empty() && !is_server_url(server))
        return core::Error(core::ErrorCode::usage, "--server " + server +
                                                       ": init takes the https:// URL of a Notary server (publish a "
                                                       "static repository with 'tufkey publish GUN --to DIR')");
    if (is_server_url(server)) {
        if (globals.offline)
            return core::Error(core::ErrorCode::usage,
                               "--offline: a repository on a Notary server starts with the server's timestamp key; "
                               "drop --offline, or init without --server");
        request.server = server;
        request.tls = {globals.tls_ca, globals.tls_client_cert, globals.tls_client_key};
    }
    for (const auto& role : o.server_managed) {
        if (role != "snapshot")
            return core::Error(core::ErrorCode::usage,
                               "--server-managed " + role +
                                   ": only snapshot can be handed to the server here (it always signs timestamp)");
        request.server_snapshot = true;
    }
    request.gun = o.gun;
    request.root_key_uris = o.root_keys;
    request.root_threshold = o.threshold;
    TUFKEY_TRY(request.dialect, tuf::parse_dialect(o.dialect));
    for (const auto& e : o.expires) TUFKEY_TRY_VOID(request.expires.apply_override(e));
    for (const auto& w : o.warn) TUFKEY_TRY_VOID(request.warn.apply_override(w));
    TUFKEY_TRY(request.root_key_type, core::parse_key_type(o.root_key_type, "--root-key-type"));
    if (!o.publish_to.empty()) {
        if (!request.server.empty() || o.publish_to.find("://") != std::string::npos)
            return core::Error(core::ErrorCode::usage,
                               "--publish-to " + o.publish_to +
                                   ": a directory for a static repository (a Notary server repository is published "
                                   "to its --server)");
        std::error_code ec;
        request.publish_to = std::filesystem::absolute(o.publish_to, ec).lexically_normal().string();
        if (ec) return core::Error(core::ErrorCode::usage, "--publish-to " + o.publish_to + ": " + ec.message());
    }
    return request;
}

JsonValue to_json(const ceremony::InitRequest& request, const ceremony::InitReport& r) {
    JsonValue roots = JsonValue::array();
    for (const auto& k : r.root_keys) {
        roots.push(JsonValue::object()
                       .set("uri", k.uri)
                       .set("token", k.token)
                       .set("id", k.canonical_id)
                       .set("metadata_id", k.metadata_id)
                       .set("generated", k.generated)
                       .set("template_profile",
                            k.generation ? std::string(pkcs11::to_string(k.generation->profile)) : std::string()));
    }
    return JsonValue::object()
        .set("gun", request.gun)
        .set("dialect", tuf::to_string(request.dialect))
        .set("root_threshold", r.root_threshold)
        .set("root_keys", std::move(roots))
        .set("keys", JsonValue::from_map(r.role_key_ids));
}

void print_report(const GlobalOptions& globals, const ceremony::InitRequest& request, const ceremony::InitReport& r) {
    print_warnings(r.warnings);
    if (globals.json) {
        print_json(to_json(request, r));
        return;
    }
    fmt::print("Initialized {} ({} dialect), root threshold {} of {}\n", request.gun, tuf::to_string(request.dialect),
               r.root_threshold, r.root_keys.size());
    for (const auto& k : r.root_keys) {
        const std::string how = k.generation
                                    ? fmt::format(" (generated, {} template)", pkcs11::to_string(k.generation->profile))
                                    : std::string(k.generated ? " (generated)" : "");
        fmt::print("  root key {} on token {}{}\n", k.canonical_id, k.token, how);
        if (k.metadata_id != k.canonical_id) fmt::print("    root.json key ID {}\n", k.metadata_id);
    }
    for (const auto& [role, id] : r.role_key_ids) fmt::print("  {:<9} key {}\n", role.str(), id);
    for (const auto& [role, id] : r.server_key_ids)
        fmt::print("  {:<9} key {} (held by the Notary server)\n", role.str(), id);
    if (!request.server.empty())
        fmt::print("Nothing is on the server yet: sign tags, then 'tufkey publish {}'\n", request.gun);
}

void register_init(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<InitOptions>();
    auto* cmd =
        add_command(app, "init", "The offline root ceremony: root key(s) on token(s), other keys encrypted on disk",
                    "tufkey init registry.example.com/team/app --root-key 'pkcs11:token=ceremony;object=root' "
                    "--pin-file ceremony=pin.txt\n"
                    "  tufkey init registry.example.com/team/app --root-key 'pkcs11:token=ceremony;object=root' "
                    "--server https://notary.example.com:4443 --tls-ca ca.crt");
    cmd->add_option("gun", o->gun, "Repository name (GUN), e.g. registry.example.com/team/app")->required();
    cmd->add_option("--root-key", o->root_keys, "PKCS#11 URI of a root key (repeatable; generated if absent)")
        ->required();
    cmd->add_option("--root-threshold", o->threshold, "Root signatures required (default 1)");
    cmd->add_option("--dialect", o->dialect, "notary (Docker Content Trust, default) or tuf (TUF 1.0)");
    cmd->add_option("--expires", o->expires, "ROLE=DURATION, e.g. targets=90d (h, d, w, y); repeatable");
    cmd->add_option("--warn", o->warn,
                    "ROLE=DURATION warning window kept for 'tufkey status', e.g. timestamp=3d; repeatable");
    cmd->add_option("--root-key-type", o->root_key_type,
                    std::string("Type of root keys generated on tokens: ") + core::key_type_help());
    cmd->add_option("--publish-to", o->publish_to,
                    "Directory 'tufkey publish GUN' writes the static repository to (remembered; also set by "
                    "'publish --to')");
    cmd->add_option("--server-managed", o->server_managed,
                    "With --server: let the Notary server hold the snapshot key too (snapshot)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto request, build_request(*o, globals));
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto report, ceremony::init_repository(context->access(), request));
        print_report(globals, request, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_init);

}  // namespace tufkey::cli
