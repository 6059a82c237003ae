#include "command.h"

namespace tufkey::cli {
namespace {

std::vector<Registrar>& registry() {
    static std::vector<Registrar> r;
    return r;
}

}  // namespace

bool register_command(Registrar registrar) {
    registry().push_back(registrar);
    return true;
}

const std::vector<Registrar>& registered_commands() { return registry(); }

std::filesystem::path GlobalOptions::resolved_home() const {
    if (!home.empty()) return home;
    if (auto h = interaction.variable("TUFKEY_HOME"); !h.empty()) return h;
    auto user_home = interaction.variable("HOME");
    return std::filesystem::path(user_home.empty() ? "." : user_home) / ".tufkey";
}

std::string GlobalOptions::resolved_server() const {
    if (!server.empty()) return server;
    if (auto s = interaction.variable("TUFKEY_SERVER"); !s.empty()) return s;
    return interaction.variable("DOCKER_CONTENT_TRUST_SERVER");
}

std::string GlobalOptions::module_environment() const { return interaction.variable("TUFKEY_PKCS11_MODULE"); }

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      const std::string& example) {
    CLI::App* sub = parent.add_subcommand(name, description);
    sub->footer("\nExample:\n  " + example);
    return sub;
}

void set_group_examples(CLI::App& app) {
    const std::string marker = "\nExample:\n  ";
    for (CLI::App* group : app.get_subcommands({})) {
        std::string examples;
        for (CLI::App* command : group->get_subcommands({})) {
            const std::string footer = command->get_footer();
            if (!footer.starts_with(marker)) continue;
            examples += "  " + footer.substr(marker.size(), footer.find('\n', marker.size()) - marker.size()) + "\n";
        }
        if (examples.empty()) continue;
        group->footer("\nExample:\n" + examples + "Run 'tufkey " + group->get_name() +
                      " COMMAND --help' for a command's options.");
    }
}

CLI::App* command_group(CLI::App& app, const std::string& name, const std::string& description) {
    for (CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_name() == name) return sub;
    }
    CLI::App* group = app.add_subcommand(name, description);
    group->require_subcommand(1);
    return group;
}

}  // namespace tufkey::cli
