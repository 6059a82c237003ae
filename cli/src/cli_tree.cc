#include "cli_tree.h"

#include <string>
#include <vector>

namespace tufkey::cli {
namespace {

// The lines of the "Example:" footer that add_command() sets, without their indentation.
std::string example_of(const CLI::App& app) {
    std::string footer = app.get_footer();
    const std::string marker = "Example:\n";
    auto at = footer.find(marker);
    if (at == std::string::npos) return {};
    std::string out;
    std::size_t pos = at + marker.size();
    while (pos < footer.size()) {
        auto end = footer.find('\n', pos);
        if (end == std::string::npos) end = footer.size();
        std::string line = footer.substr(pos, end - pos);
        if (line.rfind("  ", 0) != 0) break;  // the example block ends at the first unindented line
        if (!out.empty()) out += '\n';
        out += line.substr(2);
        pos = end + 1;
    }
    return out;
}

JsonValue option_of(const CLI::Option& option) {
    JsonValue names = JsonValue::array();
    for (const auto& s : option.get_snames()) names.push(JsonValue("-" + s));
    for (const auto& l : option.get_lnames()) names.push(JsonValue("--" + l));
    JsonValue out = JsonValue::object();
    out.set("names", std::move(names));
    const bool positional = option.get_lnames().empty() && option.get_snames().empty();
    out.set("positional", positional ? JsonValue(option.get_name(true, false)) : JsonValue());
    // A flag takes no value; an option's value is named by its type (TEXT, INT, ...).
    const bool takes_value = option.get_type_size_max() > 0 && !option.get_type_name().empty();
    out.set("value", takes_value ? JsonValue(option.get_type_name()) : JsonValue());
    out.set("description", option.get_description());
    out.set("required", option.get_required());
    const auto policy = option.get_multi_option_policy();
    out.set("repeatable", option.get_expected_max() > 1 || policy == CLI::MultiOptionPolicy::TakeAll ||
                              policy == CLI::MultiOptionPolicy::Join);
    return out;
}

JsonValue options_of(const CLI::App& app) {
    JsonValue out = JsonValue::array();
    for (const CLI::Option* option : app.get_options()) {
        if (option == app.get_help_ptr() || option == app.get_help_all_ptr()) continue;
        if (option->get_group().empty()) continue;  // hidden
        out.push(option_of(*option));
    }
    return out;
}

JsonValue command_of(const CLI::App& app, std::vector<std::string> path) {
    path.push_back(app.get_name());
    JsonValue out = JsonValue::object();
    out.set("name", app.get_name());
    out.set("path", JsonValue::strings(path));
    out.set("description", app.get_description());
    out.set("example", example_of(app));
    out.set("options", options_of(app));
    JsonValue commands = JsonValue::array();
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_group().empty()) continue;  // hidden
        commands.push(command_of(*sub, path));
    }
    out.set("commands", std::move(commands));
    return out;
}

}  // namespace

JsonValue cli_tree(const CLI::App& app, std::string_view version) {
    JsonValue out = JsonValue::object();
    out.set("name", app.get_name());
    out.set("version", version);
    out.set("description", app.get_description());
    out.set("example", example_of(app));
    out.set("options", options_of(app));
    JsonValue commands = JsonValue::array();
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_group().empty()) continue;
        commands.push(command_of(*sub, {}));
    }
    out.set("commands", std::move(commands));
    return out;
}

}  // namespace tufkey::cli
