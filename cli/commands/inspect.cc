// tufkey inspect GUN[:TAG]... [--pretty]: the JSON or the tables of `docker trust inspect`.
#include <fmt/core.h>

#include <algorithm>

#include "command.h"
#include "output.h"
#include "tufkey/ceremony/inspect.h"

namespace tufkey::cli {
namespace {

struct InspectOptions final {
    std::vector<std::string> names;
    bool pretty = false;
};

std::string pad(int level) { return std::string(static_cast<std::size_t>(level) * 4, ' '); }

// A JSON array in Go's MarshalIndent layout ("[]" when empty), each item formatted by `item`.
template <typename T, typename F>
std::string json_array(const std::vector<T>& items, int level, F item) {
    if (items.empty()) return "[]";
    std::string out = "[\n";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += pad(level + 1) + item(items[i], level + 1) + (i + 1 < items.size() ? ",\n" : "\n");
    return out + pad(level) + "]";
}

std::string signer_json(const ceremony::InspectedSigner& s, int level) {
    auto keys = json_array(s.key_ids, level + 1, [](const std::string& id, int l) {
        return "{\n" + pad(l + 1) + "\"ID\": " + json_string(id) + "\n" + pad(l) + "}";
    });
    return "{\n" + pad(level + 1) + "\"Name\": " + json_string(s.name) + ",\n" + pad(level + 1) + "\"Keys\": " + keys +
           "\n" + pad(level) + "}";
}

std::string tag_json(const ceremony::InspectedTag& t, int level) {
    auto signers = json_array(t.signers, level + 1, [](const std::string& s, int) { return json_string(s); });
    const std::string in = pad(level + 1);
    return "{\n" + in + "\"SignedTag\": " + json_string(t.tag) + ",\n" + in + "\"Digest\": " + json_string(t.digest) +
           ",\n" + in + "\"Signers\": " + signers + "\n" + pad(level) + "}";
}

std::string inspection_json(const ceremony::Inspection& r, int level) {
    const std::string in = pad(level + 1);
    return "{\n" + in + "\"Name\": " + json_string(r.name) + ",\n" + in +
           "\"SignedTags\": " + json_array(r.signed_tags, level + 1, tag_json) + ",\n" + in +
           "\"Signers\": " + json_array(r.signers, level + 1, signer_json) + ",\n" + in +
           "\"AdministrativeKeys\": " + json_array(r.administrative_keys, level + 1, signer_json) + "\n" + pad(level) +
           "}";
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
            if (admin.name == wanted) fmt::print("  {} Key:\t{}\n", admin.name, joined(admin.key_ids));
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
            TUFKEY_TRY(auto r, ceremony::inspect_repository(home, name));
            results.push_back(std::move(r));
        }
        if (o->pretty) {
            for (const auto& r : results) print_pretty(r);
        } else {
            fmt::print("{}\n", json_array(results, 0, inspection_json));
        }
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_inspect);

}  // namespace tufkey::cli
