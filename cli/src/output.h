// Output helpers shared by the commands: the one format of warnings ("tufkey: warning: ...",
// on stderr). --json output is built with JsonValue (json.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tufkey::cli {

void print_warning(std::string_view warning);
// A line for the person at the terminal (stderr, no prefix): what they are about to confirm.
void print_note(std::string_view line);
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace tufkey::cli
