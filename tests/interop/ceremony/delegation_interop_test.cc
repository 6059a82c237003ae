// Delegations against real peers. Each test has its own SoftHSM store, homes and
// static-server.py on 127.0.0.1:
//   - docker's signer flow in two homes (admin and alice), in both dialects: alice's tag signed
//     with only her key reaches the admin by bundle; tufkey verify, inspect, the notary client
//     (notary dialect) and tuf-js 5.0.1 (tuf dialect) all see it, and none does after
//     `signer remove alice`;
//   - tuf-js finds targets in a nested delegation and in hashed bins, also in bins made at once
//     with `delegation add --hash-bins` and signed into by `sign --batch` without --role.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "process.h"
#include "static_server.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kHere = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/ceremony";
const std::map<std::string, std::optional<std::string>> kDelegationEnv{
    {"TUFKEY_DELEGATION_PASSPHRASE", "delegation-passphrase"}};

ProcessResult run(const TufkeyWorld& w, const fs::path& home, const std::vector<std::string>& args) {
    return w.tufkey(home, args, kDelegationEnv);
}
ProcessResult ok(const TufkeyWorld& w, const fs::path& home, const std::vector<std::string>& args) {
    ProcessResult r = run(w, home, args);
    std::string line;
    for (const auto& a : args) line += a + " ";
    EXPECT_EQ(r.exit_code, 0) << "tufkey " << line << "\n" << r.out << r.err;
    return r;
}
std::vector<std::string> sign_args(const std::string& target, const std::string& content) {
    return {"sign", target, "--digest", "sha256:" + sha256_hex(content), "--size", std::to_string(content.size())};
}

// tuf-js 5.0.1 from the published site, trusting `root`: the JSON it prints, or exit 1.
ProcessResult tufjs(const StaticServer& server, const fs::path& root, const fs::path& dir,
                    const std::vector<std::string>& targets) {
    std::vector<std::string> argv{"node", (kHere / "tufjs-check.js").string(), server.url(), root.string(),
                                  dir.string()};
    argv.insert(argv.end(), targets.begin(), targets.end());
    ProcessOptions options;
    const char* modules = std::getenv("TUFKEY_NODE_MODULES");
    options.env["NODE_PATH"] = modules != nullptr ? modules : TUFKEY_NODE_MODULES;
    return run_process(argv, options);
}

// `notary list` lines: NAME DIGEST SIZE ROLE.
std::map<std::string, std::pair<std::string, std::string>> notary_list(const std::string& out) {
    std::map<std::string, std::pair<std::string, std::string>> tags;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string name, digest, size, role;
        fields >> name >> digest >> size >> role;
        if (digest.size() == 64) tags[name] = {digest, role};
    }
    return tags;
}

class SignerFlow : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(BothDialects, SignerFlow, ::testing::Values("notary", "tuf"),
                         [](const auto& param_info) { return param_info.param; });

TEST_P(SignerFlow, AliceSignsWithHerKeyOnlyAndLosesTheTagWhenRemoved) {
    const bool notary = GetParam() == "notary";
    TufkeyWorld w({"root-a"}, "tufkey-signer-flow");
    const std::string gun = notary ? "registry.example.com/team/app" : "tuf.example/app";
    const fs::path admin = w / "admin", alice = w / "alice", site = w / "site";
    w.init(admin, gun, {"root-a"}, GetParam());
    ok(w, admin, sign_args(gun + ":v1", "the admin's image"));

    // 1. alice makes her key; 2. the admin adds her as a signer and publishes.
    fs::create_directories(w / "keys");
    std::istringstream generated(ok(w, alice, {"key", "generate", "alice", "--dir", (w / "keys").string()}).out);
    std::string alice_id;
    generated >> alice_id;
    ASSERT_EQ(alice_id.size(), 64u);
    ok(w, admin, {"signer", "add", "alice", gun, "--key", (w / "keys/alice.pub").string()});
    ok(w, admin, {"publish", gun, "--to", site.string()});

    // 3. alice pulls, signs v2 with her key only (no targets, snapshot or timestamp key there;
    //    their variables unset), and hands it over by bundle; 4. the admin publishes it.
    ok(w, alice, {"pull", gun, "--from", site.string(), "--yes"});
    const ProcessResult alice_signs = w.tufkey(alice, sign_args(gun + ":v2", "alice's image"),
                                               {{"TUFKEY_DELEGATION_PASSPHRASE", "delegation-passphrase"},
                                                {"TUFKEY_TARGETS_PASSPHRASE", std::nullopt},
                                                {"TUFKEY_SNAPSHOT_PASSPHRASE", std::nullopt},
                                                {"TUFKEY_TIMESTAMP_PASSPHRASE", std::nullopt}});
    ASSERT_EQ(alice_signs.exit_code, 0) << alice_signs.err;
    if (notary)
        ok(w, alice,
           {"sign", gun + ":v3", "--digest", "sha256:" + sha256_hex("v3"), "--size", "2", "--role",
            "targets/releases"});
    ok(w, alice, {"bundle", "export", gun, "-o", (w / "alice.bundle").string()});
    ok(w, admin, {"bundle", "import", (w / "alice.bundle").string()});
    ok(w, admin, {"publish", gun, "--to", site.string()});

    const ProcessResult verified = ok(w, admin, {"verify", gun + ":v2"});
    EXPECT_EQ(verified.out, gun + "@sha256:" + sha256_hex("alice's image") + "\n");
    const json inspected = json::parse(ok(w, admin, {"inspect", gun}).out);
    ASSERT_EQ(inspected[0]["Signers"].size(), 1u);
    EXPECT_EQ(inspected[0]["Signers"][0]["Name"], "alice");
    EXPECT_EQ(inspected[0]["Signers"][0]["Keys"][0]["ID"], alice_id);
    bool v2_by_alice = false;
    for (const auto& t : inspected[0]["SignedTags"])
        v2_by_alice = v2_by_alice || (t["SignedTag"] == "v2" && t["Signers"] == json::array({"alice"}));
    EXPECT_TRUE(v2_by_alice) << inspected.dump();

    StaticServer server(site, w / ".");
    ASSERT_FALSE(server.url().empty());
    const fs::path root = notary ? site / "v2" / gun / "_trust/tuf/1.root.json" : site / "1.root.json";
    if (notary) {
        const ProcessResult list =
            run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
        ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
        const auto tags = notary_list(list.out);
        ASSERT_TRUE(tags.contains("v2")) << list.out;
        EXPECT_EQ(tags.at("v2").first, sha256_hex("alice's image"));
        ASSERT_TRUE(tags.contains("v3")) << list.out;
        EXPECT_EQ(tags.at("v3").second, "targets/releases");
        EXPECT_EQ(tags.at("v1").second, "targets");
    } else {
        const ProcessResult found = tufjs(server, root, w / "tufjs", {"v1", "v2"});
        ASSERT_EQ(found.exit_code, 0) << found.err;
        EXPECT_EQ(json::parse(found.out)["v2"]["hashes"]["sha256"], sha256_hex("alice's image"));
    }

    // After `signer remove alice` and publish her tag no longer verifies, anywhere; v1 does.
    ok(w, admin, {"signer", "remove", "alice", gun, "--yes"});
    ok(w, admin, {"publish", gun, "--to", site.string()});
    EXPECT_EQ(run(w, admin, {"verify", gun + ":v2"}).exit_code, 1);
    ok(w, admin, {"verify", gun + ":v1"});
    ok(w, w / "puller", {"pull", gun, "--from", server.url(), "--root", root.string()});
    EXPECT_EQ(run(w, w / "puller", {"verify", gun + ":v2"}).exit_code, 1);
    if (notary) {
        const ProcessResult list =
            run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
        ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
        const auto tags = notary_list(list.out);
        EXPECT_FALSE(tags.contains("v2")) << list.out;
        EXPECT_TRUE(tags.contains("v1")) << list.out;
    } else {
        // The same tuf-js metadata directory, which saw alice's roles, follows the removal.
        EXPECT_EQ(tufjs(server, root, w / "tufjs", {"v2"}).exit_code, 1);
        EXPECT_EQ(tufjs(server, root, w / "tufjs", {"v1"}).exit_code, 0);
    }
}

TEST(DelegationInterop, TufJsFindsTargetsInANestedDelegationAndInHashedBins) {
    TufkeyWorld w({"root-a"}, "tufkey-delegation-interop");
    const std::string gun = "tuf.example/app";
    const fs::path admin = w / "admin", site = w / "site";
    w.init(admin, gun, {"root-a"}, "tuf");
    fs::create_directories(w / "keys");
    for (const char* name : {"team", "sub", "bins"})
        ok(w, admin, {"key", "generate", name, "--dir", (w / "keys").string()});
    const std::string keys = (w / "keys").string();

    // A nested delegation: targets -> team (team-*) -> targets/team/sub (team-sub-*).
    ok(w, admin, {"delegation", "add", gun, "team", "--key", keys + "/team.pub", "--paths", "team-*"});
    ok(w, admin, {"delegation", "add", gun, "team/sub", "--key", keys + "/sub.pub", "--paths", "team-sub-*"});
    ok(w, admin,
       {"sign", gun + ":team-sub-1", "--digest", "sha256:" + sha256_hex("nested"), "--size", "6", "--role",
        "team/sub"});

    // Hashed bins: 16 roles, bin-0 ... bin-f, each trusted for one leading hex digit of sha256(path).
    const std::string hex = "0123456789abcdef";
    for (char c : hex)
        ok(w, admin,
           {"delegation", "add", gun, std::string("bin-") + c, "--key", keys + "/bins.pub", "--hash-prefixes",
            std::string(1, c)});
    std::vector<std::string> binned;
    for (int i = 0; i < 6; ++i) {
        const std::string name = "pkg-" + std::to_string(i) + ".tar.gz";
        const char bin = sha256_hex(name)[0];
        ok(w, admin,
           {"sign", gun + ":" + name, "--digest", "sha256:" + sha256_hex("content " + name), "--size", "42", "--role",
            std::string("bin-") + bin});
        binned.push_back(name);
        // Any other bin refuses it: its hash prefix does not cover the path.
        const char other = bin == '0' ? '1' : '0';
        EXPECT_EQ(run(w, admin,
                      {"sign", gun + ":" + name, "--digest", "sha256:" + sha256_hex("x"), "--size", "1", "--role",
                       std::string("bin-") + other})
                      .exit_code,
                  2);
    }
    ok(w, admin, {"verify", gun});
    ok(w, admin, {"publish", gun, "--to", site.string()});

    StaticServer server(site, w / ".");
    ASSERT_FALSE(server.url().empty());
    std::vector<std::string> wanted = binned;
    wanted.push_back("team-sub-1");
    const ProcessResult found = tufjs(server, site / "1.root.json", w / "tufjs", wanted);
    ASSERT_EQ(found.exit_code, 0) << found.err;
    const json got = json::parse(found.out);
    EXPECT_EQ(got["team-sub-1"]["hashes"]["sha256"], sha256_hex("nested"));
    for (const auto& name : binned) EXPECT_EQ(got[name]["hashes"]["sha256"], sha256_hex("content " + name)) << name;
    // A path no bin lists is not found.
    EXPECT_EQ(tufjs(server, site / "1.root.json", w / "tufjs", {"pkg-missing"}).exit_code, 1);
}

// `delegation add --hash-bins` then `sign --batch` without --role: tuf-js 5.0.1 finds each target
// in the bin python-tuf's convention names for it (256 bins, "bins-00" ... "bins-ff").
TEST(DelegationInterop, TufJsFindsTargetsInBulkMadeHashedBins) {
    TufkeyWorld w({"root-a"}, "tufkey-delegation-interop");
    const std::string gun = "tuf.example/big";
    const fs::path admin = w / "admin", site = w / "site";
    w.init(admin, gun, {"root-a"}, "tuf");
    fs::create_directories(w / "keys");
    ok(w, admin, {"key", "generate", "bins", "--dir", (w / "keys").string()});
    ok(w, admin, {"delegation", "add", gun, "bins", "--hash-bins", "256", "--key", (w / "keys/bins.pub").string()});
    std::string batch;
    std::vector<std::string> names;
    for (int i = 0; i < 12; ++i) {
        names.push_back("dist/pkg-" + std::to_string(i) + ".whl");
        batch += names.back() + " sha256:" + sha256_hex("wheel " + names.back()) + " 99\n";
    }
    write_text(w / "batch.txt", batch);
    ok(w, admin, {"sign", gun, "--batch", (w / "batch.txt").string()});
    ok(w, admin, {"publish", gun, "--to", site.string()});

    StaticServer server(site, w / ".");
    ASSERT_FALSE(server.url().empty());
    const ProcessResult found = tufjs(server, site / "1.root.json", w / "tufjs", names);
    ASSERT_EQ(found.exit_code, 0) << found.err;
    const json got = json::parse(found.out);
    for (const auto& name : names) {
        EXPECT_EQ(got[name]["hashes"]["sha256"], sha256_hex("wheel " + name)) << name;
        // The bin tuf-js read it from is the one the convention names, and only it lists it.
        const std::string bin = "bins-" + sha256_hex(name).substr(0, 2);
        const json signed_bin =
            json::parse(read_text(admin / "tuf" / gun / "metadata" / (bin + ".json")))["signed"]["targets"];
        EXPECT_TRUE(signed_bin.contains(name)) << name << " " << bin;
    }
    EXPECT_TRUE(json::parse(read_text(admin / "tuf" / gun / "metadata/targets.json"))["signed"]["targets"].empty());
}

}  // namespace
}  // namespace tufkey::testing
