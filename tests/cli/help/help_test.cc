// Every command, and every subcommand of a command group, has --help with an example line that
// runs that command, and exits 0. Commands are discovered from the help text itself, so a
// new command without an example fails here.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "process.h"

namespace tufkey::testing {
namespace {

// The names listed under "Subcommands:" in a CLI11 help text.
std::vector<std::string> subcommands_of(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream in(help);
    std::string line;
    bool in_section = false;
    while (std::getline(in, line)) {
        if (line.rfind("Subcommands:", 0) == 0) {
            in_section = true;
            continue;
        }
        if (!in_section) continue;
        if (line.empty() || line[0] != ' ') break;
        std::istringstream words(line);
        std::string name;
        words >> name;
        if (!name.empty()) names.push_back(name);
    }
    return names;
}

ProcessResult help_of(std::vector<std::string> command) {
    std::vector<std::string> argv = {tufkey_binary()};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.push_back("--help");
    return run_process(argv);
}

TEST(CliHelp, EveryCommandHasHelpWithAnExample) {
    auto top = help_of({});
    ASSERT_EQ(top.exit_code, 0) << top.err;
    auto commands = subcommands_of(top.out);
    ASSERT_GE(commands.size(), 10u) << top.out;
    std::size_t leaves = 0;
    for (const auto& command : commands) {
        auto help = help_of({command});
        ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
        auto children = subcommands_of(help.out);
        std::vector<std::vector<std::string>> leaf_paths;
        if (children.empty()) leaf_paths.push_back({command});
        for (const auto& child : children) leaf_paths.push_back({command, child});
        for (const auto& path : leaf_paths) {
            auto leaf = help_of(path);
            std::string name = path.size() == 1 ? path[0] : path[0] + " " + path[1];
            EXPECT_EQ(leaf.exit_code, 0) << name;
            auto at = leaf.out.find("Example:\n  ");
            ASSERT_NE(at, std::string::npos) << name << " has no example:\n" << leaf.out;
            auto example = leaf.out.substr(at + 11, leaf.out.find('\n', at + 11) - (at + 11));
            std::string words = " " + example + " ";
            EXPECT_NE(words.find(" tufkey "), std::string::npos) << name << ": example is \"" << example << "\"";
            for (const auto& word : path)
                EXPECT_NE(words.find(" " + word + " "), std::string::npos)
                    << name << ": example is \"" << example << "\"";
            ++leaves;
        }
    }
    EXPECT_GE(leaves, 20u);
}

// Issue #16: `bundle --help`, `key --help`, `token --help` and `transcript --help` showed the
// top-level init example. A group's help now lists its own commands' examples.
TEST(CliHelp, CommandGroupsShowTheirOwnExamples) {
    for (const std::string group : {"bundle", "key", "token", "transcript", "delegation", "signer", "root"}) {
        auto help = help_of({group});
        ASSERT_EQ(help.exit_code, 0) << group;
        const auto at = help.out.find("Example:\n");
        ASSERT_NE(at, std::string::npos) << group << ":\n" << help.out;
        const std::string examples = help.out.substr(at);
        EXPECT_EQ(examples.find("tufkey init"), std::string::npos) << group << ":\n" << examples;
        EXPECT_NE(examples.find("tufkey " + group + " "), std::string::npos) << group << ":\n" << examples;
    }
}

TEST(CliHelp, UnknownCommandIsAUsageError) {
    auto r = run_process({tufkey_binary(), "frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("tufkey: "), std::string::npos);
}

}  // namespace
}  // namespace tufkey::testing
