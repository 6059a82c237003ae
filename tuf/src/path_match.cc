#include "tufkey/tuf/path_match.h"

#include <vector>

#include "tufkey/tuf/hashed_bins.h"

namespace tufkey::tuf {
namespace {

std::vector<std::string_view> split_slash(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = text.find('/', start);
        parts.push_back(text.substr(start, slash - start));
        if (slash == std::string_view::npos) return parts;
        start = slash + 1;
    }
}

// Matches one character against the pattern item at `p` ("?", "[...]", "[!...]" or a literal);
// sets `next` to the index after the item.
bool match_one(std::string_view pattern, std::size_t p, char c, std::size_t& next) {
    if (pattern[p] == '?') {
        next = p + 1;
        return true;
    }
    if (pattern[p] == '[') {
        std::size_t i = p + 1;
        const bool negate = i < pattern.size() && pattern[i] == '!';
        if (negate) ++i;
        std::size_t end = i;
        if (end < pattern.size() && pattern[end] == ']') ++end;  // a leading "]" is literal
        while (end < pattern.size() && pattern[end] != ']') ++end;
        if (end < pattern.size()) {
            bool hit = false;
            for (std::size_t k = i; k < end; ++k) {
                if (k + 2 < end && pattern[k + 1] == '-') {
                    hit = hit || (pattern[k] <= c && c <= pattern[k + 2]);
                    k += 2;
                } else {
                    hit = hit || pattern[k] == c;
                }
            }
            next = end + 1;
            return hit != negate;
        }
        // No closing "]": the "[" is a literal.
    }
    next = p + 1;
    return pattern[p] == c;
}

// fnmatch over one path segment (no "/" in either): "*" any run, "?" one character.
bool match_segment(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0;
    std::size_t star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        std::size_t next = 0;
        if (p < pattern.size() && pattern[p] == '*') {
            star_p = ++p;
            star_t = t;
        } else if (p < pattern.size() && match_one(pattern, p, text[t], next)) {
            p = next;
            ++t;
        } else if (star_p != std::string_view::npos) {
            p = star_p;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace

bool notary_prefix_matches(std::string_view prefix, std::string_view target_path) {
    return target_path.substr(0, prefix.size()) == prefix;
}

bool glob_matches(std::string_view pattern, std::string_view target_path) {
    const auto pattern_parts = split_slash(pattern);
    const auto path_parts = split_slash(target_path);
    if (pattern_parts.size() != path_parts.size()) return false;
    for (std::size_t i = 0; i < pattern_parts.size(); ++i) {
        if (!match_segment(pattern_parts[i], path_parts[i])) return false;
    }
    return true;
}

bool hash_prefix_matches(std::string_view hex_prefix, std::string_view target_path) {
    return std::string_view(path_hash_hex(target_path)).starts_with(hex_prefix);
}

bool role_covers_path(Dialect dialect, const DelegatedRole& role, std::string_view target_path) {
    return role_covers_path(dialect, role, target_path, {});
}

bool role_covers_path(Dialect dialect, const DelegatedRole& role, std::string_view target_path,
                      std::string_view path_hash) {
    if (const auto* prefixes = std::get_if<PathHashPrefixes>(&role.paths)) {
        std::string computed;
        if (path_hash.empty()) path_hash = computed = path_hash_hex(target_path);
        for (const std::string& prefix : prefixes->prefixes) {
            if (path_hash.starts_with(prefix)) return true;
        }
        return false;
    }
    for (const std::string& pattern : std::get<PathPatterns>(role.paths).patterns) {
        const bool hit = dialect == Dialect::notary ? notary_prefix_matches(pattern, target_path)
                                                    : glob_matches(pattern, target_path);
        if (hit) return true;
    }
    return false;
}

}  // namespace tufkey::tuf
