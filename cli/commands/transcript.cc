// tufkey transcript verify FILE [--gun GUN]: checks a ceremony transcript's hash chain and its
// head signatures against every root key of the repository's root chain.
#include <fmt/core.h>

#include "command.h"
#include "json.h"
#include "output.h"
#include "tufkey/ceremony/verify.h"
#include "tufkey/keystore/trust_home.h"

namespace tufkey::cli {
namespace {

struct TranscriptOptions final {
    std::string file;
    std::string gun;
};

JsonValue to_json(const ceremony::TranscriptCheck& c) {
    JsonValue pending = JsonValue::array();
    for (std::size_t n = c.signed_through + 1; n <= c.steps.size(); ++n)
        pending.push(JsonValue::object().set("line", n).set("step", c.steps[n - 1]));
    return JsonValue::object()
        .set("gun", c.gun)
        .set("lines", c.report.lines)
        .set("head_signatures", c.report.head_signatures)
        .set("signed_through", c.signed_through)
        .set("not_yet_signed", std::move(pending))
        .set("signers", JsonValue::strings(c.report.signer_key_ids));
}

// "5 bundle-import, 6 sign": the lines after the last head signature.
std::string pending_steps(const ceremony::TranscriptCheck& c) {
    std::string out;
    for (std::size_t n = c.signed_through + 1; n <= c.steps.size(); ++n)
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, c.steps[n - 1].empty() ? "?" : c.steps[n - 1]);
    return out;
}

void print_check(const GlobalOptions& globals, const ceremony::TranscriptCheck& c) {
    if (globals.json) {
        print_json(to_json(c));
        return;
    }
    fmt::print(
        "transcript of {} verified: {} lines chained, {} head signature(s) by root keys, signed through line {}\n",
        c.gun, c.report.lines, c.report.head_signatures, c.signed_through);
    if (c.signed_through < c.report.lines) {
        const std::string lines = c.signed_through + 1 == c.report.lines
                                      ? fmt::format("line {} is", c.report.lines)
                                      : fmt::format("lines {}-{} are", c.signed_through + 1, c.report.lines);
        print_warning(lines + " chained but not yet covered by a head signature (" + pending_steps(c) +
                      "); the next ceremony with the root token signs them, e.g. 'tufkey rotate GUN timestamp'");
    }
}

void register_transcript(CLI::App& app, CommandSet& commands) {
    auto* group = command_group(app, "transcript", "Ceremony transcripts");
    auto o = std::make_shared<TranscriptOptions>();
    auto* cmd = add_command(
        *group, "verify", "Check a transcript's hash chain and its head signatures against the repository's root keys",
        "tufkey transcript verify ~/.tufkey/tufkey/registry.example.com/app/transcript.jsonl");
    cmd->add_option("file", o->file, "The transcript (transcript.jsonl)")->required();
    cmd->add_option("--gun", o->gun,
                    "Repository whose root keys must have signed it (default: the GUN the lines name)");
    commands.on(cmd, [o, &globals = commands.globals()]() -> core::Result<int> {
        keystore::TrustHome home(globals.resolved_home());
        TUFKEY_TRY(auto check, ceremony::verify_transcript_file(home, o->file, o->gun));
        print_check(globals, check);
        return 0;
    });
}

}  // namespace

TUFKEY_COMMAND(register_transcript);

}  // namespace tufkey::cli
