#include "output.h"

#include <fmt/core.h>

#include <cstdio>

namespace tufkey::cli {

void print_warning(std::string_view warning) { fmt::print(stderr, "tufkey: warning: {}\n", warning); }

void print_note(std::string_view line) { fmt::print(stderr, "  {}\n", line); }

void print_warnings(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) print_warning(w);
}

}  // namespace tufkey::cli
