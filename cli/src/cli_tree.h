// The command tree as data: every command, subcommand and option that main() registered, with
// descriptions and examples. The build turns it into man pages and shell completion
// (cli/docgen/tufkey-docgen), so both follow the CLI definitions without a hand-written copy.
// Reached through the hidden first argument `--internal-cli-tree` (not in --help: a build tool's
// interface, not the product's).
#pragma once

#include <CLI/CLI.hpp>

#include "json.h"

namespace tufkey::cli {

inline constexpr std::string_view kCliTreeArgument = "--internal-cli-tree";

// {"name", "version", "description", "example", "options": [...], "commands": [...]}, each
// command the same shape with its "path" (["token", "list"]); each option {"names", "value",
// "description", "required", "repeatable", "positional"}. Hidden commands (an empty group) are
// left out; the order is the registration order.
[[nodiscard]] JsonValue cli_tree(const CLI::App& app, std::string_view version);

}  // namespace tufkey::cli
