// What a home holds after a run, and whether that is the state before the command or one
// equivalent to the state after it (the only two a crash-safe command may leave), or, for a
// command that does its work in two committed halves (migrate: the home, then the destination),
// one equivalent to the state between them, which the scenario's next command moves forward.
//
// Equivalent to "after" means: the same files (tufkey.lock aside, whose content names its last
// holder); key files present before are byte-identical, new key files parse and carry the same
// role (compared by role, not name, when keys are freshly generated); metadata JSON has the same
// "signed" part once the hashes and lengths that cover randomized ECDSA signatures are set
// aside (and, with fresh keys, key IDs and key material); the transcript has the same step
// sequence; every other file is byte-identical.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tufkey::testing::crash {

// Relative path -> bytes of every regular file under a directory (tufkey.lock excluded).
using Tree = std::map<std::string, std::string>;
Tree read_tree(const std::filesystem::path& dir);

enum class Match { before, after, pending, neither };
const char* to_string(Match match);

struct Comparison final {
    Match match = Match::neither;
    std::string difference_from_before;   // empty when it is the before state
    std::string difference_from_after;    // empty when it is equivalent to the after state
    std::string difference_from_pending;  // empty when it is equivalent to the pending state
};

// `fresh_keys`: the command generates keys (init), so key IDs differ between runs.
// `pending`: the state between the command's two halves, when it has them (nullptr: none).
Comparison compare_state(const Tree& now, const Tree& before, const Tree& after, bool fresh_keys,
                         const Tree* pending = nullptr);

// The step names of a transcript, in order.
std::vector<std::string> transcript_steps(const std::string& contents);

}  // namespace tufkey::testing::crash
