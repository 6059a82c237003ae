// `tufkey rotate` against real clients and as an attacker would try it (issue #11, the part for
// targets, snapshot and timestamp):
//   - the real notary client that cached root v1 follows the rotation and lists every tag;
//   - tuf-js 5.0.1 starting from root v1 finds targets signed after the rotation;
//   - signatures by the retired key are refused (a co-signer's bundle made with it);
//   - --remove-key revokes one key and keeps the threshold; a wrong PIN changes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "static_server.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kHere = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/ceremony";

TEST(RotateInterop, TheNotaryClientHoldingRootV1FollowsATargetsKeyRotation) {
    TufkeyWorld w({"root-a"}, "tufkey-rotate");
    const std::string gun = "registry.example.com/team/rotated";
    w.init(w / "home", gun, {"root-a"});
    w.sign(w / "home", gun + ":v1", "before the rotation");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    StaticServer server(w / "site", w / ".");
    auto notary_list = [&] {
        return run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
    };
    ASSERT_EQ(notary_list().exit_code, 0);

    const ProcessResult rotated =
        w.ok(w / "home", {"rotate", gun, "targets", "--pin-file", w.pin_file().string(), "--json"});
    const auto report = nlohmann::json::parse(rotated.out);
    ASSERT_EQ(report.at("added").size(), 1u);
    ASSERT_EQ(report.at("removed").size(), 1u);
    const std::string retired = report.at("removed")[0];
    EXPECT_FALSE(fs::exists(w / "home/private" / (retired + ".key"))) << "the retired key left private/";
    EXPECT_TRUE(fs::exists(w / "home/tufkey" / gun / "archive" / (retired + ".key"))) << "and was archived";
    w.sign(w / "home", gun + ":v2", "after the rotation");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});

    const ProcessResult list = notary_list();
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_EQ(notary_tag_digest(list.out, "v1"), sha256_hex("before the rotation")) << list.out;
    EXPECT_EQ(notary_tag_digest(list.out, "v2"), sha256_hex("after the rotation")) << list.out;
    w.ok(w / "home", {"transcript", "verify", (w / "home/tufkey" / gun / "transcript.jsonl").string(), "--gun", gun});
}

TEST(RotateInterop, TufJsStartingFromRootV1FindsTargetsSignedByTheNewKey) {
    TufkeyWorld w({"root-a"}, "tufkey-rotate");
    const std::string gun = "tuf.example/rotated";
    w.init(w / "home", gun, {"root-a"}, "tuf");
    w.sign(w / "home", gun + ":one.txt", "one");
    for (const char* role : {"targets", "snapshot", "timestamp"})
        w.ok(w / "home", {"rotate", gun, role, "--pin-file", w.pin_file().string()});
    w.sign(w / "home", gun + ":two.txt", "two");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    StaticServer server(w / "site", w / ".");
    ProcessOptions options;
    const char* modules = std::getenv("TUFKEY_NODE_MODULES");
    options.env["NODE_PATH"] = modules != nullptr ? modules : TUFKEY_NODE_MODULES;
    const ProcessResult found =
        run_process({"node", (kHere / "tufjs-check.js").string(), server.url(), (w / "site/1.root.json").string(),
                     (w / "tufjs").string(), "one.txt", "two.txt"},
                    options);
    ASSERT_EQ(found.exit_code, 0) << found.err;
    EXPECT_EQ(nlohmann::json::parse(found.out).at("two.txt").at("hashes").at("sha256"), sha256_hex("two"));
}

class RotateRefusals : public ::testing::TestWithParam<const char*> {
protected:
    RotateRefusals() : w({"root-a"}, "tufkey-rotate") {
        w.init(w / "home", gun, {"root-a"}, GetParam());
        w.sign(w / "home", gun + ":v1", "first");
    }
    TufkeyWorld w;
    const std::string gun = "example.com/revoke";
};
INSTANTIATE_TEST_SUITE_P(BothDialects, RotateRefusals, ::testing::Values("notary", "tuf"));

TEST_P(RotateRefusals, SignaturesByTheRetiredKeyAreRefused) {
    fs::copy(w / "home", w / "stale", fs::copy_options::recursive);  // still holds the old key
    w.ok(w / "home", {"rotate", gun, "targets", "--pin-file", w.pin_file().string()});
    w.sign(w / "stale", gun + ":evil", "signed with the retired key");
    w.ok(w / "stale", {"bundle", "export", gun, "-o", (w / "stale.bundle").string()});
    const auto before = file_tree(w / "home");
    const ProcessResult refused = w.tufkey(w / "home", {"bundle", "import", (w / "stale.bundle").string()});
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_EQ(file_tree(w / "home"), before);
    EXPECT_EQ(w.tufkey(w / "home", {"verify", gun + ":evil"}).exit_code, 1);
}

TEST_P(RotateRefusals, RemoveKeyRevokesOneKeyAndNeverGoesBelowTheThreshold) {
    const auto keys = nlohmann::json::parse(w.ok(w / "home", {"key", "list", "--json"}).out);
    std::string targets_key;
    for (const auto& k : keys)
        if (k.at("role") == "targets") targets_key = k.at("id");
    ASSERT_FALSE(targets_key.empty());
    const auto before = file_tree(w / "home");
    const ProcessResult alone = w.tufkey(w / "home", {"rotate", gun, "targets", "--remove-key",
                                                      targets_key.substr(0, 12), "--pin-file", w.pin_file().string()});
    EXPECT_EQ(alone.exit_code, 2) << alone.err;
    EXPECT_NE(alone.err.find("threshold"), std::string::npos) << alone.err;
    EXPECT_EQ(file_tree(w / "home"), before);

    // A wrong PIN is never retried and changes nothing.
    write_secret_text(w / "wrong.pin", "99999999\n");
    const ProcessResult wrong =
        w.tufkey(w / "home", {"rotate", gun, "targets", "--pin-file", (w / "wrong.pin").string()});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_EQ(file_tree(w / "home"), before);
    EXPECT_EQ(w.tufkey(w / "home", {"rotate", gun, "root", "--pin-file", w.pin_file().string()}).exit_code, 2);
}

TEST_P(RotateRefusals, AnAbsentRootTokenChangesNothing) {
    const TufkeyWorld elsewhere({"some-other-token"}, "tufkey-rotate");  // root-a is not plugged in
    const auto before = file_tree(w / "home");
    const ProcessResult absent =
        elsewhere.tufkey(w / "home", {"rotate", gun, "targets", "--pin-file", w.pin_file().string()});
    EXPECT_EQ(absent.exit_code, 3) << absent.err;
    EXPECT_NE(absent.err.find("root-a"), std::string::npos) << absent.err;
    EXPECT_EQ(file_tree(w / "home"), before);
}

}  // namespace
}  // namespace tufkey::testing
