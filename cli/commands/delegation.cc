// tufkey delegation add GUN ROLE --key FILE... [--paths P...|--all-paths|--hash-prefixes H...]
//                       [--threshold N] [--terminating]
// tufkey delegation add GUN NAME --hash-bins N --key FILE... [--threshold N]
// tufkey delegation remove GUN ROLE [--key ID...] | delegation list GUN
// tufkey delegation export GUN ROLE -o FILE | delegation import FILE [--gun GUN]
// tufkey signer add NAME GUN --key FILE.pub... | signer remove NAME GUN
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/delegation.h"

namespace tufkey::cli {
namespace {

struct DelegationOptions final {
    std::string gun;
    std::string role;
    std::string name;
    std::vector<std::string> keys;
    std::vector<std::string> paths;
    bool all_paths = false;
    std::vector<std::string> hash_prefixes;
    std::uint32_t threshold = 0;
    std::uint32_t hash_bins = 0;
    bool terminating = false;
    std::string output;
    std::string file;
};

JsonValue to_json(const ceremony::DelegationReport& r) {
    JsonValue changes = JsonValue::array();
    for (const auto& c : r.changes) {
        changes.push(JsonValue::object()
                         .set("role", c.role)
                         .set("parent", c.parent)
                         .set("created", c.created)
                         .set("removed", c.removed)
                         .set("added_keys", JsonValue::strings(c.added_keys))
                         .set("removed_keys", JsonValue::strings(c.removed_keys)));
    }
    std::vector<std::string> files;
    for (const auto& f : r.files_written) files.push_back(f.string());
    return JsonValue::object()
        .set("gun", r.gun)
        .set("changes", std::move(changes))
        .set("versions", JsonValue::from_map(r.versions))
        .set("files_written", JsonValue::strings(files));
}

void print_report(const GlobalOptions& globals, const ceremony::DelegationReport& r) {
    print_warnings(r.warnings);
    if (globals.json) {
        print_json(to_json(r));
        return;
    }
    if (r.hash_bins != 0 && !r.changes.empty()) {
        const auto& first = r.changes.front();
        fmt::print("Added {} hashed bins {} ... {} (delegated by {}) to {}\n", r.hash_bins, first.role.str(),
                   r.changes.back().role.str(), first.parent.str(), r.gun);
        for (const auto& id : first.added_keys) fmt::print("Added key {} to every bin\n", id);
    }
    for (const auto& c : r.changes) {
        if (r.hash_bins != 0) break;  // summarised above
        if (c.created) fmt::print("Added role {} (delegated by {}) to {}\n", c.role.str(), c.parent.str(), r.gun);
        for (const auto& id : c.added_keys) fmt::print("Added key {} to {}\n", id, c.role.str());
        for (const auto& id : c.removed_keys) fmt::print("Removed key {} from {}\n", id, c.role.str());
        if (c.removed) fmt::print("Removed role {} from {}\n", c.role.str(), r.gun);
    }
    for (const auto& [role, v] : r.versions) fmt::print("  {:<9} version {}\n", role.str(), v.value());
    fmt::print("Publish the change with 'tufkey publish {}'\n", r.gun);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + (i.empty() ? std::string("\"\"") : i);
    return out;
}

JsonValue to_json(const ceremony::DelegationInfo& d) {
    return JsonValue::object()
        .set("role", d.role)
        .set("parent", d.parent)
        .set("keys", JsonValue::strings(d.key_ids))
        .set("threshold", d.threshold)
        .set(d.hashed ? "path_hash_prefixes" : "paths", JsonValue::strings(d.paths))
        .set("terminating", d.terminating)
        .set("version", d.version ? JsonValue(d.version->value()) : JsonValue())
        .set("key_held", d.key_held);
}

// How many roles from `first` on are hashed bins of one layout: consecutive, hashed, the same
// parent, keys, threshold, flag and number of prefixes (`delegation list` shows them as one).
std::size_t same_bins_run(const std::vector<ceremony::DelegationInfo>& roles, std::size_t first) {
    const auto& a = roles[first];
    std::size_t n = 1;
    if (!a.hashed) return n;
    while (first + n < roles.size()) {
        const auto& b = roles[first + n];
        if (!b.hashed || b.parent != a.parent || b.key_ids != a.key_ids || b.threshold != a.threshold ||
            b.terminating != a.terminating || b.paths.size() != a.paths.size() || b.key_held != a.key_held)
            break;
        ++n;
    }
    return n;
}

void print_bins(const std::vector<ceremony::DelegationInfo>& roles, std::size_t first, std::size_t n) {
    const auto& a = roles[first];
    const auto& z = roles[first + n - 1];
    std::size_t signed_roles = 0;
    std::int64_t low = 0, high = 0;
    for (std::size_t i = first; i < first + n; ++i) {
        if (!roles[i].version) continue;
        const std::int64_t v = roles[i].version->value();
        low = signed_roles == 0 ? v : std::min(low, v);
        high = std::max(high, v);
        ++signed_roles;
    }
    fmt::print("{} ... {} ({} hashed bins)\n", a.role.str(), z.role.str(), n);
    fmt::print("  {:<13} {}\n", "delegated by", a.parent.str());
    fmt::print("  {:<13} {} (threshold {}){}\n", "keys", joined(a.key_ids), a.threshold,
               a.key_held ? ", held here" : "");
    fmt::print("  {:<13} {} ... {}, {} per bin{}\n", "hash prefixes", a.paths.empty() ? "" : a.paths.front(),
               z.paths.empty() ? "" : z.paths.back(), a.paths.size(), a.terminating ? " (terminating)" : "");
    std::string versions = signed_roles == 0 ? std::string("none signed yet")
                                             : fmt::format("{} signed (version {}{})", signed_roles, low,
                                                           high == low ? "" : fmt::format(" to {}", high));
    if (signed_roles != 0 && signed_roles < n) versions += fmt::format(", {} not signed yet", n - signed_roles);
    fmt::print("  {:<13} {}\n", "versions", versions);
}

void print_list(const GlobalOptions& globals, const std::string& gun,
                const std::vector<ceremony::DelegationInfo>& roles) {
    if (globals.json) {
        JsonValue out = JsonValue::array();
        for (const auto& d : roles) out.push(to_json(d));
        print_json(out);
        return;
    }
    if (roles.empty()) {
        fmt::print("No delegations in {} (add one with 'tufkey delegation add' or 'tufkey signer add')\n", gun);
        return;
    }
    for (std::size_t i = 0; i < roles.size();) {
        const std::size_t run = same_bins_run(roles, i);
        if (run > 1) {
            print_bins(roles, i, run);
            i += run;
            continue;
        }
        const auto& d = roles[i++];
        fmt::print("{}\n", d.role.str());
        fmt::print("  {:<13} {}\n", "delegated by", d.parent.str());
        fmt::print("  {:<13} {} (threshold {}){}\n", "keys", joined(d.key_ids), d.threshold,
                   d.key_held ? ", held here" : "");
        fmt::print("  {:<13} {}{}\n", d.hashed ? "hash prefixes" : "paths", joined(d.paths),
                   d.terminating ? " (terminating)" : "");
        fmt::print("  {:<13} {}\n", "version", d.version ? std::to_string(d.version->value()) : "not signed yet");
    }
}

std::vector<std::filesystem::path> files_of(const std::vector<std::string>& keys) { return {keys.begin(), keys.end()}; }

void register_delegation(CLI::App& app, CommandSet& commands) {
    CLI::App* group = command_group(app, "delegation", "Delegated roles: who may sign which targets");
    auto o = std::make_shared<DelegationOptions>();
    GlobalOptions& g = commands.globals();

    CLI::App* add = add_command(
        *group, "add", "Delegate a role (or add keys and paths to one) and re-sign its parent, snapshot and timestamp",
        "tufkey delegation add registry.example.com/team/app targets/qa --key qa.pub --paths qa-\n"
        "  tufkey delegation add tuf.example/app bin-0 --key bins.pub --hash-prefixes 0 1 2 3 --threshold 1\n"
        "  tufkey delegation add tuf.example/app bins --hash-bins 16384 --key bins.pub   # bins-0000-0003 ... "
        "bins-fffc-ffff");
    add->add_option("gun", o->gun, "Repository name (GUN)")->required();
    add->add_option("role", o->role,
                    "Role name (notary: targets/NAME; nested: targets/NAME/SUB); with --hash-bins the bins' name")
        ->required();
    add->add_option("--key", o->keys, "Delegate's public key: PEM PUBLIC KEY (.pub) or X.509 certificate");
    add->add_option("--paths", o->paths, "Paths the role may sign (notary: prefixes; tuf: globs)");
    add->add_flag("--all-paths", o->all_paths, "Every path (notary \"\", tuf \"*\")");
    add->add_option("--hash-prefixes", o->hash_prefixes, "tuf: hex prefixes of sha256(path) (hashed bins)");
    add->add_option("--threshold", o->threshold, "Signatures the role needs (tuf; default 1)")
        ->check(CLI::Range(1u, 64u));
    add->add_option("--hash-bins", o->hash_bins,
                    "tuf: make N hashed bins ROLE-<low>-<high> at once (N a power of two, 2 to 65536); "
                    "'tufkey sign' without --role puts each target into its bin");
    add->add_flag("--terminating", o->terminating, "tuf: clients stop searching after this role");
    commands.on(add, [o, &g]() -> core::Result<int> {
        if (o->hash_bins != 0) {
            if (!o->paths.empty() || o->all_paths || !o->hash_prefixes.empty() || o->terminating)
                return core::Error(core::ErrorCode::usage,
                                   "--hash-bins makes each bin's hash prefixes itself: leave out --paths, "
                                   "--all-paths, --hash-prefixes and --terminating");
            TUFKEY_TRY(auto context, CeremonyContext::create(g));
            TUFKEY_TRY(auto report, ceremony::add_hash_bins(context->access(), {o->gun, o->role, o->hash_bins,
                                                                                files_of(o->keys), o->threshold}));
            print_report(g, report);
            return 0;
        }
        TUFKEY_TRY(auto context, CeremonyContext::create(g));
        TUFKEY_TRY(auto report, ceremony::add_delegation(context->access(),
                                                         {o->gun, o->role, files_of(o->keys), o->paths, o->all_paths,
                                                          o->hash_prefixes, o->threshold, o->terminating}));
        print_report(g, report);
        return 0;
    });

    CLI::App* rm = add_command(*group, "remove", "Remove a delegated role, or only some of its keys",
                               "tufkey delegation remove registry.example.com/team/app targets/qa --key 1a2b3c4");
    rm->add_option("gun", o->gun, "Repository name (GUN)")->required();
    rm->add_option("role", o->role, "Role name")->required();
    rm->add_option("--key", o->keys, "Key ID or unique prefix to remove (repeatable; default: the whole role)");
    commands.on(rm, [o, &g]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(g));
        TUFKEY_TRY(auto report, ceremony::remove_delegation(context->access(), {o->gun, o->role, o->keys}));
        print_report(g, report);
        return 0;
    });

    CLI::App* list = add_command(*group, "list", "Delegated roles: keys, threshold, paths, version",
                                 "tufkey delegation list registry.example.com/team/app --json");
    list->add_option("gun", o->gun, "Repository name (GUN)")->required();
    commands.on(list, [o, &g]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(g));
        TUFKEY_TRY(auto roles, ceremony::list_delegations(context->access(), o->gun));
        print_list(g, o->gun, roles);
        return 0;
    });

    CLI::App* exp = add_command(*group, "export",
                                "Write a public package of a delegation: role, keys, paths, threshold and the "
                                "delegating role's signed file",
                                "tufkey delegation export registry.example.com/team/app targets/qa -o qa.delegation");
    exp->add_option("gun", o->gun, "Repository name (GUN)")->required();
    exp->add_option("role", o->role, "Role name")->required();
    exp->add_option("-o,--output", o->output, "Package file to write")->required();
    commands.on(exp, [o, &g]() -> core::Result<int> {
        keystore::TrustHome home(g.resolved_home());
        TUFKEY_TRY(auto report, ceremony::export_delegation(home, o->gun, o->role, o->output));
        if (g.json) {
            print_json(
                JsonValue::object().set("file", report.file.string()).set("delegation", to_json(report.delegation)));
        } else {
            fmt::print("Wrote {} ({} as {} signs it)\n", report.file.string(), report.delegation.role.str(),
                       report.delegation.parent.str());
        }
        return 0;
    });

    CLI::App* imp = add_command(*group, "import",
                                "Verify a delegation package against this home's trusted metadata, show it, add it",
                                "tufkey delegation import qa.delegation --gun registry.example.com/team/other -y");
    imp->add_option("file", o->file, "Package written by 'tufkey delegation export'")->required();
    imp->add_option("--gun", o->gun, "Repository to add it to (default: the package's)");
    commands.on(imp, [o, &g]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(g));
        TUFKEY_TRY(auto report, ceremony::import_delegation(context->access(), {o->file, o->gun}));
        print_report(g, report);
        return 0;
    });
}

void register_signer(CLI::App& app, CommandSet& commands) {
    CLI::App* group = command_group(app, "signer", "Docker's signers: targets/NAME and targets/releases");
    auto o = std::make_shared<DelegationOptions>();
    GlobalOptions& g = commands.globals();

    CLI::App* add = add_command(*group, "add", "Add a signer's keys to targets/NAME and targets/releases",
                                "tufkey signer add alice registry.example.com/team/app --key alice.pub");
    add->add_option("name", o->name, "Signer name ([a-z0-9][a-z0-9_-]*)")->required();
    add->add_option("gun", o->gun, "Repository name (GUN)")->required();
    add->add_option("--key", o->keys, "Signer's public key file (repeatable)")->required();
    commands.on(add, [o, &g]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(g));
        TUFKEY_TRY(auto report, ceremony::add_signer(context->access(), {o->name, o->gun, files_of(o->keys)}));
        print_report(g, report);
        return 0;
    });

    CLI::App* rm = add_command(*group, "remove", "Remove a signer: targets/NAME, and its keys from targets/releases",
                               "tufkey signer remove alice registry.example.com/team/app --yes");
    rm->add_option("name", o->name, "Signer name")->required();
    rm->add_option("gun", o->gun, "Repository name (GUN)")->required();
    commands.on(rm, [o, &g]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(g));
        TUFKEY_TRY(auto report, ceremony::remove_signer(context->access(), {o->name, o->gun}));
        print_report(g, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_delegation);
TUFKEY_COMMAND(register_signer);

}  // namespace tufkey::cli
