// `tufkey rotate GUN root` against real clients and as an attacker would try it (issue #11):
//   - root moved from token A to token B: a client holding root v1 accepts v2 (tufkey pull, the
//     real notary client reading the static notary layout, tuf-js 5.0.1 from 1.root.json);
//   - a v2 signed only by B, or only by A, is refused and the client keeps root v1;
//   - with the old root token absent, or a wrong PIN, nothing changes (exit 3);
//   - recovery: an expired root, targets and timestamp are brought back to verifiable with
//     `rotate GUN root` and `refresh --role targets`, and a client that held the expired root
//     follows.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "static_server.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
const fs::path kHere = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/ceremony";
constexpr const char* kFakeTime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

std::string uri(const std::string& token) { return "pkcs11:token=" + token + ";object=root"; }

// Where a static repository keeps its files.
fs::path metadata_dir(const fs::path& site, const std::string& dialect, const std::string& gun) {
    return dialect == "notary" ? site / "v2" / gun / "_trust" / "tuf" : site;
}

std::set<std::string> root_key_ids(const fs::path& root_file) {
    const auto root = json::parse(read_text(root_file)).at("signed");
    std::set<std::string> ids;
    for (const auto& id : root.at("roles").at("root").at("keyids")) ids.insert(id.get<std::string>());
    return ids;
}

// `file` with only the signatures whose key ID `keep` accepts.
std::string only_signatures(const fs::path& file, const std::function<bool(const std::string&)>& keep) {
    auto doc = json::parse(read_text(file));
    json kept = json::array();
    for (const auto& s : doc.at("signatures"))
        if (keep(s.at("keyid").get<std::string>())) kept.push_back(s);
    doc["signatures"] = kept;
    return doc.dump();
}

class RootRotation : public ::testing::TestWithParam<const char*> {
protected:
    RootRotation() : w({"root-a", "root-b"}, "tufkey-root-rotation") {}

    // init on token A, sign v1, publish to site/, a second home pulls it (trusts root v1).
    void start() {
        w.init(w / "home", gun, {"root-a"}, dialect);
        w.sign(w / "home", gun + ":v1", "before");
        w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
        w.ok(w / "client", {"pull", gun, "--from", (w / "site").string(), "-y"});
    }
    ProcessResult rotate_to_b() {
        return w.ok(w / "home", {"rotate", gun, "root", "--key", uri("root-b"), "--pin-file", w.pin_file().string(),
                                 "-y", "--json"});
    }
    fs::path site_file(const std::string& name) { return metadata_dir(w / "site", dialect, gun) / name; }

    TufkeyWorld w;
    const std::string dialect = GetParam();
    const std::string gun = "registry.example.com/team/root-rotated";
};
INSTANTIATE_TEST_SUITE_P(BothDialects, RootRotation, ::testing::Values("notary", "tuf"));

TEST_P(RootRotation, AClientHoldingRootV1FollowsTheRootFromTokenAToTokenB) {
    start();
    const auto report = json::parse(rotate_to_b().out);
    EXPECT_EQ(report.at("version"), 2);
    EXPECT_FALSE(report.at("staged").get<bool>());
    EXPECT_EQ(report.at("signed").at("old"), 1);
    EXPECT_EQ(report.at("signed").at("new"), 1);
    w.sign(w / "home", gun + ":v2", "after");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});

    // The new root lists only B's key, and is signed by A (old) and B (new).
    const auto v1_ids = root_key_ids(site_file("1.root.json"));
    const auto v2_ids = root_key_ids(site_file("2.root.json"));
    for (const auto& id : v2_ids) EXPECT_FALSE(v1_ids.contains(id)) << "A is still a root key";
    std::set<std::string> signers;
    const json v2 = json::parse(read_text(site_file("2.root.json")));
    for (const auto& s : v2.at("signatures")) signers.insert(s.at("keyid").get<std::string>());
    EXPECT_TRUE(signers.contains(*v1_ids.begin()) && signers.contains(*v2_ids.begin()));

    const ProcessResult pulled = w.ok(w / "client", {"pull", gun, "--from", (w / "site").string()});
    EXPECT_EQ(w.ok(w / "client", {"verify", gun + ":v2"}).out, gun + "@sha256:" + sha256_hex("after") + "\n");
    EXPECT_EQ(read_text(w / "client/tuf" / gun / "metadata/root.json"), read_text(site_file("2.root.json")));
    // The root tokens are those of the new root: the next ceremony asks only for B.
    w.ok(w / "home", {"rotate", gun, "timestamp", "--pin-file", w.pin_file().string()});
    w.ok(w / "home", {"transcript", "verify", (w / "home/tufkey" / gun / "transcript.jsonl").string(), "--gun", gun});
}

TEST_P(RootRotation, TheRealClientsHoldingRootV1AcceptV2) {
    start();
    StaticServer server(w / "site", w / ".");
    if (dialect == std::string("notary")) {
        auto notary_list = [&] {
            return run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
        };
        ASSERT_EQ(notary_list().exit_code, 0);  // caches root v1
        rotate_to_b();
        w.sign(w / "home", gun + ":v2", "after");
        w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
        const ProcessResult list = notary_list();
        ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
        EXPECT_EQ(notary_tag_digest(list.out, "v2"), sha256_hex("after")) << list.out;
        return;
    }
    rotate_to_b();
    w.sign(w / "home", gun + ":two.txt", "two");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    ProcessOptions options;
    const char* modules = std::getenv("TUFKEY_NODE_MODULES");
    options.env["NODE_PATH"] = modules != nullptr ? modules : TUFKEY_NODE_MODULES;
    const ProcessResult found = run_process({"node", (kHere / "tufjs-check.js").string(), server.url(),
                                             (w / "site/1.root.json").string(), (w / "tufjs").string(), "two.txt"},
                                            options);
    ASSERT_EQ(found.exit_code, 0) << found.err;
    EXPECT_EQ(json::parse(found.out).at("two.txt").at("hashes").at("sha256"), sha256_hex("two"));
}

TEST_P(RootRotation, AV2SignedByOnlyOneOfTheTwoRootsIsRefused) {
    start();
    rotate_to_b();
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    const auto old_ids = root_key_ids(site_file("1.root.json"));
    const auto new_ids = root_key_ids(site_file("2.root.json"));
    const std::string complete = read_text(site_file("2.root.json"));
    const auto client_before = file_tree(w / "client");
    for (bool only_new : {true, false}) {
        const std::string partial = only_signatures(site_file("2.root.json"), [&](const std::string& id) {
            return only_new ? new_ids.contains(id) : old_ids.contains(id);
        });
        write_text(site_file("2.root.json"), partial);
        write_text(site_file("root.json"), partial);
        const ProcessResult refused = w.tufkey(w / "client", {"pull", gun, "--from", (w / "site").string()});
        EXPECT_EQ(refused.exit_code, 1) << (only_new ? "signed only by B: " : "signed only by A: ") << refused.err;
        EXPECT_NE(refused.err.find("threshold"), std::string::npos) << refused.err;
        EXPECT_EQ(file_tree(w / "client"), client_before);
        write_text(site_file("2.root.json"), complete);
        write_text(site_file("root.json"), complete);
    }
    w.ok(w / "client", {"pull", gun, "--from", (w / "site").string()});  // the complete one is accepted
}

TEST_P(RootRotation, WithoutTheOldRootTokenOrWithAWrongPinNothingChanges) {
    start();
    const auto before = file_tree(w / "home");
    // Only token B is in this room: A must sign too.
    const TufkeyWorld only_b({"root-b"}, "tufkey-root-rotation");
    const ProcessResult absent = only_b.tufkey(
        w / "home", {"rotate", gun, "root", "--key", uri("root-b"), "--pin-file", only_b.pin_file().string(), "-y"});
    EXPECT_EQ(absent.exit_code, 3) << absent.err;
    EXPECT_NE(absent.err.find("root-a"), std::string::npos) << absent.err;
    EXPECT_NE(absent.err.find("--stage"), std::string::npos) << absent.err;
    EXPECT_EQ(file_tree(w / "home"), before);

    write_secret_text(w / "wrong.pin", "99999999\n");
    const ProcessResult wrong = w.tufkey(
        w / "home", {"rotate", gun, "root", "--key", uri("root-b"), "--pin-file", (w / "wrong.pin").string(), "-y"});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_EQ(file_tree(w / "home"), before);

    // Bad input: a threshold above the key count, an unknown key ID.
    const ProcessResult threshold = w.tufkey(
        w / "home", {"rotate", gun, "root", "--root-threshold", "2", "--pin-file", w.pin_file().string(), "-y"});
    EXPECT_EQ(threshold.exit_code, 2) << threshold.err;
    const ProcessResult unknown = w.tufkey(
        w / "home", {"rotate", gun, "root", "--key", "0123456789abcdef", "--pin-file", w.pin_file().string(), "-y"});
    EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
    EXPECT_EQ(file_tree(w / "home"), before);
}

// Recovery: a year on, root (1y), targets (200d) and timestamp have expired. `rotate GUN root`
// renews the root on its token and `refresh --role targets` extends targets; a client that held
// the expired root follows and verifies.
TEST_P(RootRotation, AnExpiredRepositoryIsBroughtBackAndItsClientsFollow) {
    w.ok(w / "home", {"init", gun, "--root-key", uri("root-a"), "--pin-file", w.pin_file().string(), "-y", "--dialect",
                      dialect, "--expires", "root=1y", "--expires", "targets=200d"});
    w.sign(w / "home", gun + ":v1", "before");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    w.ok(w / "client", {"pull", gun, "--from", (w / "site").string(), "-y"});

    const std::map<std::string, std::optional<std::string>> later{{"LD_PRELOAD", kFakeTime}, {"FAKETIME", "+400d"}};
    auto run_later = [&](const fs::path& home, std::vector<std::string> args) {
        return w.tufkey(home, std::move(args), later);
    };
    const ProcessResult expired = run_later(w / "client", {"verify", gun + ":v1"});
    ASSERT_EQ(expired.exit_code, 1) << expired.err;

    ProcessResult r = run_later(w / "home", {"rotate", gun, "root", "--pin-file", w.pin_file().string(), "-y"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_later(w / "home", {"refresh", gun, "--role", "targets"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_later(w / "home", {"verify", gun + ":v1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_later(w / "home", {"publish", gun, "--to", (w / "site").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    r = run_later(w / "client", {"pull", gun, "--from", (w / "site").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_later(w / "client", {"verify", gun + ":v1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, gun + "@sha256:" + sha256_hex("before") + "\n");
    if (dialect == std::string("notary")) {
        // Renewing made new certificates: the same key under new key IDs, valid past the new expiry.
        EXPECT_NE(root_key_ids(site_file("2.root.json")), root_key_ids(site_file("1.root.json")));
    } else {
        EXPECT_EQ(root_key_ids(site_file("2.root.json")), root_key_ids(site_file("1.root.json")));
    }
}

}  // namespace
}  // namespace tufkey::testing
