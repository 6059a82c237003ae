// --json on every command that has output: the built binary, run as a separate process on one
// repository taken through its whole life (init, sign, status, inspect, verify, refresh, policy,
// publish, pull, bundle, transcript, keys, tokens). Each stdout must be exactly one JSON
// document (parsed with nlohmann, an independent reader) with the fields the docs promise.
// Not covered: `key passwd` (its new passphrase is read only at a terminal) and `client`
// (the conformance-suite protocol defines its output).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "ceremony_cli.h"

namespace tufkey::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kDigest(64, 'a');

// Runs `args` with --json, expects exit 0 and returns the one JSON document on stdout.
json run_json(const CeremonyCli& cli, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    const auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 0) << "tufkey " << args[1] << ": " << r.err;
    try {
        return json::parse(r.out);
    } catch (const json::exception& e) {
        ADD_FAILURE() << "tufkey " << args[1] << " --json printed something that is not JSON (" << e.what() << "):\n"
                      << r.out;
        return json();
    }
}

class JsonOutput : public ::testing::TestWithParam<tuf::Dialect> {};

TEST_P(JsonOutput, EveryCommandWithOutputPrintsOneJsonDocument) {
    CeremonyCli cli;
    const std::string gun = kCeremonyGun;

    auto init_args = cli.init_args(GetParam());
    json j = run_json(cli, init_args);
    EXPECT_EQ(j["gun"], gun);
    EXPECT_EQ(j["root_keys"].size(), 1u);

    j = run_json(cli, {"sign", gun + ":v1", "--digest", "sha256:" + kDigest, "--size", "12"});
    EXPECT_EQ(j["signed"][0]["tag"], "v1");
    j = run_json(cli, {"sign", gun + ":v2", "--digest", "sha256:" + kDigest, "--size", "12"});
    j = run_json(cli, {"unsign", gun + ":v2"});
    EXPECT_EQ(j["removed"][0], "v2");

    j = run_json(cli, {"status", gun});
    EXPECT_EQ(j["gun"], gun);
    EXPECT_TRUE(j["roles"].is_array());

    j = run_json(cli, {"inspect", gun});
    ASSERT_TRUE(j.is_array());
    EXPECT_EQ(j[0]["Name"], gun);
    EXPECT_EQ(j[0]["SignedTags"][0]["SignedTag"], "v1");

    j = run_json(cli, {"verify", gun});
    EXPECT_EQ(j["verified"], true);
    j = run_json(cli, {"verify", gun + ":v1"});
    EXPECT_EQ(j["digest"], "sha256:" + kDigest);

    j = run_json(cli, {"refresh", gun});
    EXPECT_TRUE(j["refreshed"].is_object());

    j = run_json(cli, {"policy", gun});
    EXPECT_EQ(j["version"], 1);
    EXPECT_EQ(j["signed"], true);
    EXPECT_EQ(j["expires"]["timestamp"], "14d");
    j = run_json(cli, {"policy", gun, "--expires", "timestamp=7d", "--pin-file", cli.pin_file().string()});
    EXPECT_EQ(j["version"], 2);
    EXPECT_EQ(j["changed"], true);
    EXPECT_EQ(j["expires"]["timestamp"], "7d");

    const fs::path site = cli.scratch().path() / "site";
    fs::create_directories(site);
    j = run_json(cli, {"publish", gun, "--to", site.string()});
    EXPECT_TRUE(j["files"].is_array());
    j = run_json(cli, {"pull", gun, "--from", site.string()});
    EXPECT_TRUE(j["versions"].is_object());

    const fs::path bundle = cli.scratch().path() / "app.tufkey-bundle";
    j = run_json(cli, {"bundle", "export", gun, "-o", bundle.string()});
    EXPECT_TRUE(j["root_chain"].is_array());
    CeremonyCli elsewhere;
    fs::create_directories(elsewhere.home());
    j = run_json(elsewhere, {"bundle", "import", bundle.string(), "--root", cli.metadata("root").string()});
    EXPECT_EQ(j["gun"], gun);

    j = run_json(cli, {"transcript", "verify", cli.state("transcript.jsonl").string()});
    EXPECT_EQ(j["gun"], gun);

    j = run_json(cli, {"key", "list"});
    ASSERT_TRUE(j.is_array());
    ASSERT_FALSE(j.empty());
    for (const auto& k : j) EXPECT_TRUE(k.contains("id") && k.contains("role") && k.contains("location"));
    const fs::path keys_dir = cli.scratch().path() / "keys";
    fs::create_directories(keys_dir);
    j = run_json(cli, {"key", "generate", "alice", "--dir", keys_dir.string()});
    const std::string alice = j["id"];
    const fs::path exported = cli.scratch().path() / "alice.key";
    j = run_json(cli, {"key", "export", "--key", alice, "-o", exported.string()});
    EXPECT_EQ(j["keys"][0]["id"], alice);
    j = run_json(cli, {"key", "remove", alice, "-y"});
    EXPECT_EQ(j["removed"]["id"], alice);
    j = run_json(cli, {"key", "import", exported.string()});
    EXPECT_EQ(j[0]["id"], alice);

    j = run_json(cli, {"token", "list"});
    ASSERT_TRUE(j.is_array());
    j = run_json(cli, {"token", "keys", "--pin-file", cli.pin_file().string()});
    ASSERT_TRUE(j.is_array());
    ASSERT_FALSE(j.empty());
    EXPECT_TRUE(j[0].contains("id") && j[0].contains("role") && j[0].contains("gun") && j[0].contains("location"));
    j = run_json(cli, {"token", "generate", "--token", "ceremony", "--label", "spare", "-y", "--pin-file",
                       cli.pin_file().string()});
    EXPECT_EQ(j["label"], "spare");
}

INSTANTIATE_TEST_SUITE_P(Dialects, JsonOutput, ::testing::Values(tuf::Dialect::notary, tuf::Dialect::tuf),
                         [](const auto& p) { return std::string(tuf::to_string(p.param)); });

}  // namespace
}  // namespace tufkey::testing
