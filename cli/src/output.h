// Output helpers shared by the commands: JSON string quoting for --json output, and the one
// format of warnings ("tufkey: warning: ...", on stderr).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tufkey::cli {

// A JSON string literal: `"` and `\` escaped, control characters as \u00XX, UTF-8 kept.
std::string json_string(std::string_view text);

void print_warning(std::string_view warning);
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace tufkey::cli
