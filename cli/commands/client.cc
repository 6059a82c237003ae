// tufkey client init | refresh | download: a TUF 1.0 client on the command-line protocol of
// the TUF project's client conformance suite (tuf-conformance CLIENT-CLI.md). Exit codes are
// the protocol's: 0 when everything succeeded, 1 for any failure (never SPEC's other codes).
// The client itself is ceremony/client.h; this file parses, calls it and prints.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "command.h"
#include "tufkey/ceremony/client.h"

namespace tufkey::cli {
namespace {

using core::Result;

// The protocol knows two exit codes: every error becomes 1, after its one-line message.
int protocol_exit(const Result<void>& outcome) {
    if (outcome) return 0;
    fmt::print(stderr, "tufkey: client: {}\n", outcome.error().message);
    return 1;
}

int run_download(const ceremony::ClientRequest& request) {
    auto report = ceremony::client_download(request);
    if (!report) return protocol_exit(report.error());
    for (const auto& path : report->written) fmt::print("{}\n", path.string());
    for (const auto& failure : report->failures) fmt::print(stderr, "tufkey: client: {}\n", failure.message);
    return report->failures.empty() ? 0 : 1;
}

void register_client(CLI::App& app, CommandSet& commands) {
    auto options = std::make_shared<ceremony::ClientRequest>();
    CLI::App* client = add_command(
        app, "client", "A TUF 1.0 client (the tuf-conformance client CLI protocol; exit 0 success, 1 failure)",
        "tufkey client --metadata-url https://example.com/metadata --metadata-dir md \\\n"
        "      --target-name app.tar.gz --target-base-url https://example.com/targets --target-dir out download");
    client->fallthrough();
    client->require_subcommand(1);
    client->add_option("--metadata-dir", options->metadata_dir, "Directory of the trusted metadata");
    client->add_option("--metadata-url", options->metadata_url,
                       "Repository metadata URL (http://, https://, file://) or directory");
    client->add_option("--target-name", options->target_names, "Target path to download (repeatable)");
    client->add_option("--target-dir", options->target_dir, "Directory for verified targets");
    client->add_option("--target-base-url", options->target_base_url, "Repository targets URL or directory");

    CLI::App* init = add_command(*client, "init", "Trust TRUSTED_ROOT (a root.json obtained out of band)",
                                 "tufkey client --metadata-dir md init ./root.json");
    init->fallthrough();
    init->add_option("TRUSTED_ROOT", options->trusted_root, "Initial trusted root.json");
    commands.on(init, [options] { return Result<int>(protocol_exit(ceremony::client_init(*options))); });

    CLI::App* refresh =
        add_command(*client, "refresh", "Update the top-level metadata (TUF 1.0 §5.3-§5.6)",
                    "tufkey client --metadata-url http://127.0.0.1:8000/metadata --metadata-dir md refresh");
    refresh->fallthrough();
    GlobalOptions& globals = commands.globals();
    commands.on(refresh, [options, &globals] {
        options->ca_file = globals.tls_ca;
        options->offline = globals.offline;
        return Result<int>(protocol_exit(ceremony::client_refresh(*options)));
    });

    CLI::App* download =
        add_command(*client, "download", "Refresh, then download and verify each --target-name into --target-dir",
                    "tufkey client --metadata-url URL --metadata-dir md --target-name a.txt --target-base-url URL "
                    "--target-dir out download");
    download->fallthrough();
    commands.on(download, [options, &globals] {
        options->ca_file = globals.tls_ca;
        options->offline = globals.offline;
        return Result<int>(run_download(*options));
    });
}

}  // namespace

TUFKEY_COMMAND(register_client);

}  // namespace tufkey::cli
