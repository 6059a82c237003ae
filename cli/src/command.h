// How commands plug into the tufkey binary.
//
// Each file under cli/commands/ defines one registration function that adds its subcommand(s)
// to the CLI11 app and binds a handler with CommandSet::on(), then registers itself with
// TUFKEY_COMMAND(fn). Handlers return core::Result<int>: the exit code on success, or an Error
// that main() prints as one line ("tufkey: ...") and maps to the exit code of SPEC.md.
// Handlers never call exit() and never throw.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "interaction.h"
#include "tufkey/core/result.h"

namespace tufkey::cli {

// Options accepted before or after any command, and the interaction object (terminal and
// environment) that main() owns.
struct GlobalOptions final {
    explicit GlobalOptions(Interaction& interaction_) : interaction(interaction_) {}

    Interaction& interaction;
    std::string home;                    // --home
    std::string server;                  // --server
    std::string tls_ca;                  // --tls-ca
    std::string tls_client_cert;         // --tls-client-cert
    std::string tls_client_key;          // --tls-client-key
    std::string module;                  // --module
    std::vector<std::string> pin_files;  // --pin-file [LABEL=]FILE (repeatable)
    bool json = false;                   // --json
    bool yes = false;                    // -y/--yes
    bool offline = false;                // --offline
    int verbose = 0;                     // -v (repeatable)

    // --home, else $TUFKEY_HOME, else ~/.tufkey.
    [[nodiscard]] std::filesystem::path resolved_home() const;
    // --server, else $TUFKEY_SERVER, else $DOCKER_CONTENT_TRUST_SERVER, else "".
    [[nodiscard]] std::string resolved_server() const;
    // --module and $TUFKEY_PKCS11_MODULE, for ceremony::ModuleSettings (which ranks them with a
    // key URI's module-path: --module, module-path, $TUFKEY_PKCS11_MODULE, discovery).
    [[nodiscard]] std::string module_environment() const;
};

using Handler = std::function<core::Result<int>()>;

class CommandSet final {
public:
    explicit CommandSet(GlobalOptions& globals) : m_globals(globals) {}
    // Binds `handler` to the (leaf) subcommand `command`.
    void on(CLI::App* command, Handler handler) { m_handlers.emplace_back(command, std::move(handler)); }
    [[nodiscard]] GlobalOptions& globals() noexcept { return m_globals; }
    [[nodiscard]] const std::vector<std::pair<CLI::App*, Handler>>& handlers() const noexcept { return m_handlers; }

private:
    GlobalOptions& m_globals;
    std::vector<std::pair<CLI::App*, Handler>> m_handlers;
};

using Registrar = void (*)(CLI::App& app, CommandSet& commands);
bool register_command(Registrar registrar);
const std::vector<Registrar>& registered_commands();

// Adds a subcommand with a description and an "Example:" footer, as every command has.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      const std::string& example);

// Gives every command group (a subcommand with subcommands, e.g. "key") its own examples: the
// first example line of each of its commands. Called once after every command is registered.
void set_group_examples(CLI::App& app);

// Finds or creates the group subcommand `name` (e.g. "token", "key") under `app`.
CLI::App* command_group(CLI::App& app, const std::string& name, const std::string& description);

}  // namespace tufkey::cli

#define TUFKEY_CLI_CONCAT_INNER(a, b) a##b
#define TUFKEY_CLI_CONCAT(a, b) TUFKEY_CLI_CONCAT_INNER(a, b)
#define TUFKEY_COMMAND(fn)                                                               \
    [[maybe_unused]] static const bool TUFKEY_CLI_CONCAT(tufkey_registered_, __LINE__) = \
        ::tufkey::cli::register_command(&fn)
