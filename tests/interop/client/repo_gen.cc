// tufkey_client_repo_gen OUT SCENARIO: repositories written by tufkey's own tuf/ code (through
// tests/unit/client/test_repository.h), in the layout of gen_repo.py: OUT/root.json, then
// OUT/step-N/ per published state. Prints the number of steps.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "test_repository.h"

namespace {

using tufkey::testing::TestRepository;
using Step = std::function<void()>;

void basic(TestRepository& repo, const Step& step) {
    repo.add_target("targets", "a.txt", "written by tufkey's tuf/ code\n");
    repo.add_target("targets", "dir/b.txt", "nested");
    repo.publish_all();
    step();
}

void unusual_role_names(TestRepository& repo, const Step& step) {
    for (const char* role : {"../x", "a/b", "?", "#"}) repo.add_delegation("targets", role, {"*"});
    repo.add_target("#", "q.txt", "found in the role named #");
    repo.publish_all();
    step();
}

void rotation(TestRepository& repo, const Step& step) {
    repo.add_target("targets", "a.txt", "A");
    repo.snapshot.version = tufkey::tuf::Version::create(50).value();
    repo.publish_all();
    step();
    repo.rotate_keys("root");
    repo.rotate_keys("snapshot");
    repo.rotate_keys("timestamp");
    repo.bump_root();
    repo.extra_root_signers.clear();
    repo.bump_root();
    repo.snapshot.version = tufkey::tuf::Version::create(1).value();
    repo.publish_snapshot();
    repo.update_timestamp();
    step();
}

void non_consistent(TestRepository& repo, const Step& step) {
    repo.add_target("targets", "a.txt", "plain names");
    repo.publish_all();
    step();
}

}  // namespace

int main(int argc, char** argv) {
    const std::map<std::string, std::function<void(TestRepository&, const Step&)>> scenarios{
        {"tufkey-basic", basic},
        {"tufkey-unusual-role-names", unusual_role_names},
        {"tufkey-rotation", rotation},
        {"tufkey-non-consistent", non_consistent},
    };
    if (argc != 3 || !scenarios.contains(argv[2])) {
        std::fprintf(stderr, "usage: tufkey_client_repo_gen OUT SCENARIO\n");
        return 2;
    }
    try {
        const std::filesystem::path out(argv[1]);
        std::filesystem::create_directories(out);
        TestRepository repo(std::string(argv[2]) != "tufkey-non-consistent");
        std::ofstream(out / "root.json", std::ios::binary) << repo.initial_root();
        int steps = 0;
        const Step step = [&] {
            const auto dir = out / ("step-" + std::to_string(steps++));
            std::filesystem::remove_all(dir);
            repo.write_to(dir);
        };
        scenarios.at(argv[2])(repo, step);
        std::printf("%d\n", steps);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tufkey_client_repo_gen: %s\n", e.what());
        return 1;
    }
}
