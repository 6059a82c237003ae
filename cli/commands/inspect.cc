// tufkey inspect GUN[:TAG]... [--pretty]: the JSON or the tables of `docker trust inspect`.
#include <fmt/core.h>

#include <algorithm>

#include "command.h"
#include "json.h"
#include "output.h"
#include "server_refresh.h"
#include "tufkey/ceremony/inspect.h"
#include "tufkey/ceremony/sign.h"

namespace tufkey::cli {
namespace {

struct InspectOptions final {
    std::vector<std::string> names;
    bool pretty = false;
};

JsonValue to_json(const ceremony::InspectedSigner& s) {
    JsonValue keys = JsonValue::array();
    for (const auto& id : s.key_ids) keys.push(JsonValue::object().set("ID", id));
    return JsonValue::object().set("Name", s.name).set("Keys", std::move(keys));
}

JsonValue to_json(const ceremony::InspectedTag& t) {
    return JsonValue::object()
        .set("SignedTag", t.tag)
        .set("Digest", t.digest)
        .set("Signers", JsonValue::strings(t.signers));
}

JsonValue to_json(const ceremony::Inspection& r);

template <typename T>
JsonValue array_of(const std::vector<T>& items) {
    JsonValue out = JsonValue::array();
    for (const auto& item : items) out.push(to_json(item));
    return out;
}

JsonValue to_json(const ceremony::Inspection& r) {
    return JsonValue::object()
        .set("Name", r.name)
        .set("SignedTags", array_of(r.signed_tags))
        .set("Signers", array_of(r.signers))
        .set("AdministrativeKeys", array_of(r.administrative_keys));
}

// Columns as docker's tabwriter lays them out: width max(cell + 3, 10), the last one unpadded.
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (widths.size() <= c) widths.push_back(10);
            widths[c] = std::max(widths[c], row[c].size() + 3);
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c)
            line += c + 1 < row.size() ? fmt::format("{:<{}}", row[c], widths[c]) : row[c];
        fmt::print("{}\n", line);
    }
}

std::string joined(const std::vector<std::string>& items, std::size_t truncate = 0) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + (truncate ? i.substr(0, truncate) : i);
    return out;
}

void print_pretty(const ceremony::Inspection& r) {
    if (r.signed_tags.empty()) {
        fmt::print("\nNo signatures for {}\n\n", r.name);
    } else {
        fmt::print("\nSignatures for {}\n\n", r.name);
        std::vector<std::vector<std::string>> rows{{"SIGNED TAG", "DIGEST", "SIGNERS"}};
        for (const auto& t : r.signed_tags) {
            auto signers = t.signers;
            if (signers.size() == 1 && signers.front() == ceremony::kRepoAdmin) signers.front() = "(Repo Admin)";
            rows.push_back({t.tag, t.digest, joined(signers)});
        }
        print_table(rows);
    }
    if (!r.signers.empty()) {
        fmt::print("\nList of signers and their keys for {}\n\n", r.name);
        std::vector<std::vector<std::string>> rows{{"SIGNER", "KEYS"}};
        auto signers = r.signers;
        std::sort(signers.begin(), signers.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        for (const auto& s : signers) rows.push_back({s.name, joined(s.key_ids, 12)});
        print_table(rows);
    }
    fmt::print("\nAdministrative keys for {}\n\n", r.name);
    for (const char* wanted : {"Repository", "Root"}) {
        for (const auto& admin : r.administrative_keys) {
            if (admin.name != wanted) continue;
            // Canonical IDs, as `status` and `key list` show them; a root key's root.json ID beside it.
            std::vector<std::string> shown;
            for (std::size_t i = 0; i < admin.canonical_ids.size(); ++i) {
                const bool differs = i < admin.key_ids.size() && admin.key_ids[i] != admin.canonical_ids[i];
                shown.push_back(admin.canonical_ids[i] + (differs ? " (root.json: " + admin.key_ids[i] + ")" : ""));
            }
            fmt::print("  {} Key:\t{}\n", admin.name, joined(shown));
        }
    }
}

void register_inspect(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<InspectOptions>();
    auto* cmd = add_command(app, "inspect", "Signed tags, signers and administrative keys, like 'docker trust inspect'",
                            "tufkey inspect registry.example.com/team/app:v1 --pretty");
    cmd->add_option("names", o->names, "GUN or GUN:TAG (repeatable)")->required();
    cmd->add_flag("--pretty", o->pretty, "Human-readable tables instead of JSON");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        keystore::TrustHome home(globals.resolved_home());
        std::vector<ceremony::Inspection> results;
        for (const auto& name : o->names) {
            TUFKEY_TRY_VOID(refresh_server_copy(globals, ceremony::split_gun_tag(name).gun));
            TUFKEY_TRY(auto r, ceremony::inspect_repository(home, name));
            results.push_back(std::move(r));
        }
        if (o->pretty) {
            for (const auto& r : results) print_pretty(r);
        } else {
            fmt::print("{}\n", array_of(results).dump_indented());
        }
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_inspect);

}  // namespace tufkey::cli
