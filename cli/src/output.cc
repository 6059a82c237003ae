#include "output.h"

#include <fmt/core.h>

#include <cstdio>

namespace tufkey::cli {

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out + "\"";
}

void print_warning(std::string_view warning) { fmt::print(stderr, "tufkey: warning: {}\n", warning); }

void print_warnings(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) print_warning(w);
}

}  // namespace tufkey::cli
