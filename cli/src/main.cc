// tufkey entry point: global options, command dispatch, error printing and exit codes.
#include <fmt/core.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdio>
#include <exception>
#include <string_view>

#include "cli_tree.h"
#include "command.h"
#include "tufkey/keystore/trust_home.h"

namespace {

using tufkey::cli::CommandSet;
using tufkey::cli::GlobalOptions;

void add_global_options(CLI::App& app, GlobalOptions& g) {
    app.add_option("--home", g.home, "Trust home (default: $TUFKEY_HOME, else ~/.tufkey)");
    app.add_option("--server", g.server, "Notary server URL (default: $TUFKEY_SERVER)");
    app.add_option("--tls-ca", g.tls_ca, "CA certificate file for a private server CA (remembered per repository)");
    app.add_option("--tls-client-cert", g.tls_client_cert, "PEM client certificate for servers that ask for one");
    app.add_option("--tls-client-key", g.tls_client_key, "PEM private key file of --tls-client-cert");
    app.add_option("--module", g.module, "PKCS#11 module path (default: $TUFKEY_PKCS11_MODULE)");
    app.add_option("--pin-file", g.pin_files, "[LABEL=]FILE holding a token PIN (repeatable)");
    app.add_flag("--json", g.json, "Machine-readable output");
    app.add_flag("-y,--yes", g.yes, "Answer yes to confirmations");
    app.add_flag("--offline", g.offline, "Never open a network connection");
    app.add_flag("-v,--verbose", g.verbose, "More output (repeatable)");
}

// The deepest parsed subcommand that has a handler.
const tufkey::cli::Handler* selected_handler(const CommandSet& commands) {
    const tufkey::cli::Handler* best = nullptr;
    std::size_t best_depth = 0;
    for (const auto& [app, handler] : commands.handlers()) {
        if (!app->parsed()) continue;
        std::size_t depth = 0;
        for (const CLI::App* p = app; p != nullptr; p = p->get_parent()) ++depth;
        if (depth > best_depth) {
            best = &handler;
            best_depth = depth;
        }
    }
    return best;
}

// `tufkey client` follows the TUF conformance-suite protocol, whose only failure code is 1.
bool is_conformance_client(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg(argv[i]);
        if (arg == "--home" || arg == "--server" || arg == "--tls-ca" || arg == "--tls-client-cert" ||
            arg == "--tls-client-key" || arg == "--module" || arg == "--pin-file") {
            ++i;  // skip the option's value
            continue;
        }
        if (!arg.starts_with("-")) return arg == "client";
    }
    return false;
}

// A core dump of tufkey could hold a passphrase, a PIN or a decrypted key: none is ever
// written (RLIMIT_CORE 0, and not dumpable, which also keeps other processes of the same user
// from reading this one's memory through /proc or ptrace).
void forbid_core_dumps() {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
    forbid_core_dumps();
    tufkey::cli::Interaction interaction;
    GlobalOptions globals(interaction);
    CLI::App app{"tufkey: hardware-rooted keys and ceremonies for TUF and Notary v1 (Docker Content Trust)"};
    app.name("tufkey");
    app.set_version_flag("--version", std::string("tufkey ") + TUFKEY_VERSION);
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.footer(
        "\nExample:\n  tufkey init registry.example.com/app --root-key 'pkcs11:token=ceremony;object=root'\n"
        "Run 'tufkey COMMAND --help' for a command's options and an example.");
    add_global_options(app, globals);

    CommandSet commands(globals);
    for (auto registrar : tufkey::cli::registered_commands()) registrar(app, commands);
    tufkey::cli::set_group_examples(app);
    // The build's man pages and shell completion are made from this (cli/src/cli_tree.h).
    if (argc == 2 && std::string_view(argv[1]) == tufkey::cli::kCliTreeArgument) {
        fmt::print("{}\n", tufkey::cli::cli_tree(app, TUFKEY_VERSION).dump_indented(2));
        return 0;
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "tufkey: {} (run 'tufkey --help' or 'tufkey COMMAND --help')\n", e.what());
        return is_conformance_client(argc, argv) ? 1 : 2;
    }

    const auto* handler = selected_handler(commands);
    if (handler == nullptr) {
        fmt::print(stderr, "{}", app.help());
        return 2;
    }
    try {
        // A change that an interrupted tufkey left in the home is completed (or discarded)
        // before any command reads it.
        if (auto recovered = tufkey::keystore::TrustHome(globals.resolved_home()).recover_interrupted(); !recovered) {
            fmt::print(stderr, "tufkey: {}\n", recovered.error().message);
            return tufkey::core::exit_code(recovered.error().code);
        }
        auto result = (*handler)();
        if (!result) {
            const auto& error = result.error();
            fmt::print(stderr, "tufkey: {}\n", error.message);
            return tufkey::core::exit_code(error.code);
        }
        return *result;
    } catch (const std::exception& e) {
        fmt::print(stderr, "tufkey: internal error: {} (please report this)\n", e.what());
        return 4;
    }
}
