// tufkey bundle export GUN -o FILE | tufkey bundle import FILE [--root FILE]
#include <fmt/core.h>

#include "ceremony_context.h"
#include "command.h"
#include "json.h"
#include "output.h"
#include "staged_root_output.h"
#include "tufkey/ceremony/bundle.h"

namespace tufkey::cli {
namespace {

struct BundleOptions final {
    std::string gun;
    std::string out;
    std::string in;
    std::string root;
    bool discard_staged = false;
};

JsonValue to_json(const std::string& file, const ceremony::BundleSummary& s) {
    JsonValue chain = JsonValue::array();
    for (auto v : s.root_chain) chain.push(v);
    return JsonValue::object()
        .set("gun", s.gun)
        .set("dialect", tuf::to_string(s.dialect))
        .set("file", file)
        .set("versions", JsonValue::from_map(s.versions))
        .set("root_chain", std::move(chain))
        .set("policy_version", s.policy_version ? JsonValue(*s.policy_version) : JsonValue())
        .set("staged_root", s.staged_root ? cli::to_json(*s.staged_root) : JsonValue());
}

const char* merge_text(ceremony::TranscriptMerge::Kind kind) {
    switch (kind) {
        case ceremony::TranscriptMerge::Kind::adopted:
            return "adopted";
        case ceremony::TranscriptMerge::Kind::appended:
            return "appended";
        case ceremony::TranscriptMerge::Kind::merged:
            return "merged";
        case ceremony::TranscriptMerge::Kind::unchanged:
            break;
    }
    return "unchanged";
}

void print_summary(const GlobalOptions& globals, const char* verb, const std::string& file,
                   const ceremony::BundleSummary& s) {
    if (globals.json) {
        print_json(to_json(file, s));
        return;
    }
    fmt::print("{} {} ({} dialect) {} {}\n", verb, s.gun, tuf::to_string(s.dialect),
               std::string(verb) == "Exported" ? "to" : "from", file);
    for (const auto& [role, v] : s.versions) fmt::print("  {:<9} version {}\n", role.str(), v.value());
    std::string chain;
    for (auto v : s.root_chain) chain += (chain.empty() ? "" : ", ") + std::to_string(v);
    fmt::print("  root chain versions {}\n", chain);
    if (s.policy_version) fmt::print("  expiry policy version {}\n", *s.policy_version);
    if (s.staged_root) print_staged_root(*s.staged_root, s.gun, file);
    if (s.transcript_lines > 0) fmt::print("  transcript ({} lines)\n", s.transcript_lines);
}

void print_import(const GlobalOptions& globals, const std::string& file, const ceremony::BundleImportReport& r) {
    if (globals.json) {
        print_json(to_json(file, r.summary)
                       .set("transcript", JsonValue::object()
                                              .set("merge", merge_text(r.transcript.kind))
                                              .set("common", r.transcript.common)
                                              .set("added", r.transcript.added)));
        return;
    }
    print_summary(globals, "Imported", file, r.summary);
    switch (r.transcript.kind) {
        case ceremony::TranscriptMerge::Kind::adopted:
            fmt::print("  transcript: the bundle's {} lines\n", r.transcript.added);
            break;
        case ceremony::TranscriptMerge::Kind::appended:
            fmt::print("  transcript: {} line(s) from the bundle appended\n", r.transcript.added);
            break;
        case ceremony::TranscriptMerge::Kind::merged:
            fmt::print(
                "  transcript: both homes added lines after line {}; {} line(s) of the bundle kept in a "
                "transcript-merge line\n",
                r.transcript.common, r.transcript.added);
            break;
        case ceremony::TranscriptMerge::Kind::unchanged:
            break;
    }
}

void register_bundle(CLI::App& app, CommandSet& commands) {
    auto o = std::make_shared<BundleOptions>();
    auto* group = command_group(app, "bundle", "Carry signed metadata across an air gap (no private keys)");
    auto* exp = add_command(*group, "export", "Write the repository's current metadata and root chain to a bundle file",
                            "tufkey bundle export registry.example.com/team/app -o app.tufkey-bundle");
    exp->add_option("gun", o->gun, "Repository name (GUN)")->required();
    exp->add_option("-o,--output", o->out, "Bundle file to write")->required();
    commands.on(exp, [o, &globals = commands.globals()]() -> core::Result<int> {
        keystore::TrustHome home(globals.resolved_home());
        TUFKEY_TRY(auto report, ceremony::export_bundle(home, o->gun, o->out));
        print_summary(globals, "Exported", report.file.string(), report.summary);
        return 0;
    });
    auto* imp = add_command(*group, "import", "Verify a bundle completely, then store its metadata in the home",
                            "tufkey bundle import app.tufkey-bundle");
    imp->add_option("file", o->in, "Bundle file")->required();
    imp->add_option("--root", o->root,
                    "Pin this root.json as the trusted root (it may confirm or extend the root this home trusts, "
                    "never replace it)");
    imp->add_flag("--discard-staged", o->discard_staged,
                  "Replace this home's unpublished changes with the bundle's state (they are lost)");
    commands.on(imp, [o, &globals = commands.globals()]() -> core::Result<int> {
        TUFKEY_TRY(auto context, CeremonyContext::create(globals));
        TUFKEY_TRY(auto report, ceremony::import_bundle(context->access(), {o->in, o->root, o->discard_staged}));
        print_import(globals, o->in, report);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_bundle);

}  // namespace tufkey::cli
