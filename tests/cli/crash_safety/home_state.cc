#include "home_state.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "temp_dir.h"

namespace tufkey::testing::crash {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool is_key_file(const std::string& path) { return path.starts_with("private/") && path.ends_with(".key"); }
bool is_transcript(const std::string& path) { return path.ends_with("/transcript.jsonl"); }

// The value of a PEM header ("role: targets") in a key file, or "".
std::string pem_header(const std::string& text, const std::string& name) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(name + ": ")) return line.substr(name.size() + 2);
        if (line.empty()) break;
    }
    return "";
}

// A key file that names itself by role: "private/<role> <gun> #k" for the kth such key, so
// freshly generated keys (new IDs every run) compare by what they are for.
Tree with_new_keys_by_role(const Tree& tree, const Tree& before) {
    Tree out;
    std::map<std::string, int> seen;
    for (const auto& [path, bytes] : tree) {
        if (!is_key_file(path) || before.contains(path)) {
            out.emplace(path, bytes);
            continue;
        }
        const std::string name =
            "private/<new key: role " + pem_header(bytes, "role") + ", gun " + pem_header(bytes, "gun") + ">";
        out.emplace(name + " #" + std::to_string(++seen[name]) + ".key", bytes);
    }
    return out;
}

// The parts of a "signed" object that two honest runs of one command agree on.
void normalize_signed(json& value, bool fresh_keys) {
    if (value.is_object()) {
        if (value.contains("hashes")) {
            value.erase("hashes");
            value.erase("length");
        }
        if (fresh_keys && value.contains("keys") && value["keys"].is_object())
            value["keys"] = static_cast<int>(value["keys"].size());
        if (fresh_keys && value.contains("keyids") && value["keyids"].is_array())
            value["keyids"] = static_cast<int>(value["keyids"].size());
        for (auto& [name, member] : value.items()) normalize_signed(member, fresh_keys);
    } else if (value.is_array()) {
        for (auto& member : value) normalize_signed(member, fresh_keys);
    }
}

std::string describe(const std::string& path, const std::string& why) { return path + ": " + why; }

// Empty when `now` and `then` are equivalent files at `path`, else why not.
std::string file_difference(const std::string& path, const std::string& now, const std::string& then, bool fresh_keys) {
    if (now == then) return "";
    if (is_key_file(path)) {
        if (pem_header(now, "role") != pem_header(then, "role")) return describe(path, "a key of another role");
        if (now.find("-----END ENCRYPTED PRIVATE KEY-----") == std::string::npos)
            return describe(path, "a key file that is not a whole encrypted key");
        return path.starts_with("private/<new key") ? "" : describe(path, "a key file that was there before changed");
    }
    if (is_transcript(path)) {
        return transcript_steps(now) == transcript_steps(then) ? "" : describe(path, "another step sequence");
    }
    if (!path.ends_with(".json")) return describe(path, "different bytes");
    const json a = json::parse(now, nullptr, false);
    const json b = json::parse(then, nullptr, false);
    if (a.is_discarded()) return describe(path, "does not parse as JSON");
    if (!a.is_object() || !a.contains("signed")) return describe(path, "different bytes");
    if (b.is_discarded() || !b.contains("signed")) return describe(path, "a signed file where there was none");
    json signed_now = a["signed"];
    json signed_then = b["signed"];
    normalize_signed(signed_now, fresh_keys);
    normalize_signed(signed_then, fresh_keys);
    if (signed_now != signed_then) return describe(path, "another signed part");
    return "";
}

std::string first_difference(const Tree& now, const Tree& reference, bool equivalence, bool fresh_keys) {
    for (const auto& [path, bytes] : reference) {
        if (!now.contains(path)) return describe(path, "missing");
    }
    for (const auto& [path, bytes] : now) {
        auto it = reference.find(path);
        if (it == reference.end()) return describe(path, "extra file");
        if (!equivalence) {
            if (bytes != it->second) return describe(path, "different bytes");
            continue;
        }
        auto why = file_difference(path, bytes, it->second, fresh_keys);
        if (!why.empty()) return why;
    }
    return "";
}

}  // namespace

Tree read_tree(const fs::path& dir) {
    Tree tree;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return tree;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file() || e.path().filename() == "tufkey.lock") continue;
        tree[fs::relative(e.path(), dir).generic_string()] = read_text(e.path());
    }
    return tree;
}

const char* to_string(Match match) {
    switch (match) {
        case Match::before:
            return "before";
        case Match::after:
            return "after";
        case Match::pending:
            return "pending";
        case Match::neither:
            break;
    }
    return "neither";
}

Comparison compare_state(const Tree& now, const Tree& before, const Tree& after, bool fresh_keys, const Tree* pending) {
    Comparison c;
    c.difference_from_before = first_difference(now, before, false, fresh_keys);
    c.difference_from_after =
        first_difference(with_new_keys_by_role(now, before), with_new_keys_by_role(after, before), true, fresh_keys);
    if (c.difference_from_before.empty())
        c.match = Match::before;
    else if (c.difference_from_after.empty())
        c.match = Match::after;
    if (c.match != Match::neither || pending == nullptr) return c;
    c.difference_from_pending =
        first_difference(with_new_keys_by_role(now, before), with_new_keys_by_role(*pending, before), true, fresh_keys);
    if (c.difference_from_pending.empty()) c.match = Match::pending;
    return c;
}

std::vector<std::string> transcript_steps(const std::string& contents) {
    std::vector<std::string> steps;
    std::istringstream in(contents);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        const json j = json::parse(line, nullptr, false);
        steps.push_back(j.is_object() && j.contains("step") && j["step"].is_string() ? j["step"].get<std::string>()
                                                                                     : "<unparsable line>");
    }
    return steps;
}

}  // namespace tufkey::testing::crash
