// publish, pull and bundle against real peers. Each test has its own SoftHSM store, trust
// home and static-server.py (a port the kernel picks on 127.0.0.1):
//   - Debian's notary client lists the tags of a notary-dialect repository tufkey published;
//   - tuf-js 5.0.1 refreshes from a published tuf-dialect repository and finds each target,
//     and refuses once one byte of the targets file it fetches is changed;
//   - a 2-of-3 root over three tokens verifies, and with one signature left it does not;
//   - pull with a pinned root and on first use; bundle round trip; tampered bundles refused.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <functional>
#include <sstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "static_server.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey_world.h"
#include "tufkey/core/bytes.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kHere = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/ceremony";

using World = TufkeyWorld;

std::map<std::string, std::string> tree(const fs::path& dir) { return file_tree(dir); }

fs::path notary_dir(const fs::path& site, const std::string& gun) { return site / "v2" / gun / "_trust/tuf"; }

TEST(PublishInterop, NotaryClientListsPublishedTags) {
    World w({"root-a"});
    const std::string gun = "registry.example.com/team/app";
    w.init(w / "home", gun, {"root-a"});
    w.sign(w / "home", gun + ":v1", "first image manifest");
    w.sign(w / "home", gun + ":latest", "second image manifest, a bit longer");
    const ProcessResult pub = w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    EXPECT_NE(pub.out.find("timestamp.json"), std::string::npos) << pub.out;
    for (const char* f : {"root.json", "1.root.json", "targets.json", "snapshot.json", "timestamp.json"})
        EXPECT_TRUE(fs::exists(notary_dir(w / "site", gun) / f)) << f;

    StaticServer server(w / "site", w / ".");
    ASSERT_FALSE(server.url().empty());
    const ProcessResult list =
        run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    for (const auto& [tag, content] : std::map<std::string, std::string>{
             {"v1", "first image manifest"}, {"latest", "second image manifest, a bit longer"}}) {
        bool found = false;
        std::istringstream lines(list.out);
        for (std::string line; std::getline(lines, line);) {
            std::istringstream fields(line);
            std::string name, digest, size;
            fields >> name >> digest >> size;
            if (name != tag) continue;
            found = true;
            EXPECT_EQ(digest, sha256_hex(content)) << line;
            EXPECT_EQ(size, std::to_string(content.size())) << line;
        }
        EXPECT_TRUE(found) << tag << " missing from:\n" << list.out;
    }
    // The client read the content-addressed names tufkey wrote.
    EXPECT_NE(server.log_text().find("/snapshot."), std::string::npos) << server.log_text();

    // Idempotent: publishing again writes nothing.
    const ProcessResult again = w.ok(w / "home", {"publish", gun, "--to", "file://" + (w / "site").string()});
    EXPECT_NE(again.out.find(" 0 file(s) written"), std::string::npos) << again.out;
    // A version-named file holding other bytes is a version conflict: refused, nothing written.
    const fs::path first_root = notary_dir(w / "site", gun) / "1.root.json";
    write_text(first_root, read_text(first_root) + " ");
    const auto before = tree(w / "site");
    EXPECT_EQ(w.tufkey(w / "home", {"publish", gun, "--to", (w / "site").string()}).exit_code, 5);
    EXPECT_EQ(tree(w / "site"), before);
    // A Notary server URL is not a destination yet.
    EXPECT_EQ(w.tufkey(w / "home", {"publish", gun, "--to", server.url()}).exit_code, 2);
}

TEST(PublishInterop, TufJsAcceptsPublishedRepositoryAndRefusesAChangedByte) {
    World w({"root-a"});
    const std::string gun = "tuf.example/app";
    w.init(w / "home", gun, {"root-a"}, "tuf");
    const std::map<std::string, std::string> targets{{"app-1.0.tar.gz", "release one"},
                                                     {"readme.txt", "read me first"}};
    for (const auto& [name, content] : targets) w.sign(w / "home", gun + ":" + name, content);
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    for (const char* f : {"1.root.json", "root.json", "timestamp.json"}) EXPECT_TRUE(fs::exists(w / "site" / f)) << f;

    StaticServer server(w / "site", w / ".");
    ASSERT_FALSE(server.url().empty());
    auto tufjs = [&](const std::string& metadata_dir) {
        std::vector<std::string> argv{"node", (kHere / "tufjs-check.js").string(), server.url(),
                                      (w / "site" / "1.root.json").string(), (w / metadata_dir).string()};
        for (const auto& [name, content] : targets) argv.push_back(name);
        ProcessOptions options;
        const char* modules = std::getenv("TUFKEY_NODE_MODULES");
        options.env["NODE_PATH"] = modules != nullptr ? modules : TUFKEY_NODE_MODULES;
        return run_process(argv, options);
    };
    const ProcessResult good = tufjs("tufjs-1");
    ASSERT_EQ(good.exit_code, 0) << good.err;
    const auto found = nlohmann::json::parse(good.out);
    for (const auto& [name, content] : targets) {
        EXPECT_EQ(found.at(name).at("length"), content.size()) << name;
        EXPECT_EQ(found.at(name).at("hashes").at("sha256"), sha256_hex(content)) << name;
    }

    // tufkey's own pull reads the same repository over HTTP.
    const std::string pinned = (w / "site" / "1.root.json").string();
    w.ok(w / "puller", {"pull", gun, "--from", server.url(), "--root", pinned});
    EXPECT_EQ(tree(w / "puller/tuf"), tree(w / "home/tuf"));

    // Change one byte of the targets file tuf-js fetches (a hex digit of a target hash).
    fs::path targets_file;
    for (const auto& e : fs::directory_iterator(w / "site")) {
        const std::string name = e.path().filename().string();
        if (name.ends_with(".targets.json")) targets_file = e.path();
    }
    ASSERT_FALSE(targets_file.empty());
    std::string bytes = read_text(targets_file);
    const auto at = bytes.find(sha256_hex("release one"));
    ASSERT_NE(at, std::string::npos);
    bytes[at] = bytes[at] == '0' ? '1' : '0';
    write_text(targets_file, bytes);
    const ProcessResult bad = tufjs("tufjs-2");
    EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
    const ProcessResult refused = w.tufkey(w / "puller-2", {"pull", gun, "--from", server.url(), "--root", pinned});
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_TRUE(tree(w / "puller-2/tuf").empty());
}

// root.json with only the first `keep` signatures left.
std::string keep_signatures(const std::string& root, std::size_t keep) {
    auto envelope = tuf::parse_envelope(tuf::Dialect::notary, root, "root");
    EXPECT_TRUE(envelope.ok());
    envelope->signatures.resize(std::min(keep, envelope->signatures.size()));
    return *tuf::serialize_envelope(tuf::Dialect::notary, *envelope);
}

TEST(PublishInterop, TwoOfThreeRootVerifiesAndOneSignatureDoesNot) {
    World w({"root-a", "root-b", "root-c"});
    const std::string gun = "example.com/threshold";
    w.init(w / "home", gun, {"root-a", "root-b", "root-c"}, "notary", 2);
    const std::string root = read_text(w / "home/tuf" / gun / "metadata/root.json");
    const auto now = std::chrono::system_clock::now();
    auto parsed = tuf::parse_envelope(tuf::Dialect::notary, root, "root");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->signatures.size(), 3u);
    EXPECT_TRUE(tuf::TrustedSet::create(tuf::Dialect::notary, root, now).ok());
    EXPECT_TRUE(tuf::TrustedSet::create(tuf::Dialect::notary, keep_signatures(root, 2), now).ok());
    auto one = tuf::TrustedSet::create(tuf::Dialect::notary, keep_signatures(root, 1), now);
    ASSERT_FALSE(one.ok());
    EXPECT_EQ(one.error().code, core::ErrorCode::trust);

    // The real notary client accepts the 2-of-3 root as published.
    w.sign(w / "home", gun + ":v1", "threshold image");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    StaticServer server(w / "site", w / ".");
    const ProcessResult list =
        run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
    EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_NE(list.out.find(sha256_hex("threshold image")), std::string::npos) << list.out;
    // A pinned root holding one signature is refused by pull as well.
    write_text(w / "one-sig-root.json", keep_signatures(root, 1));
    const ProcessResult pull =
        w.tufkey(w / "puller", {"pull", gun, "--from", server.url(), "--root", (w / "one-sig-root.json").string()});
    EXPECT_EQ(pull.exit_code, 1) << pull.err;
}

TEST(PublishInterop, PullWithPinnedRootAndOnFirstUse) {
    World w({"root-a", "root-b"});
    const std::string gun = "example.com/pull";
    w.init(w / "home", gun, {"root-a"});
    w.sign(w / "home", gun + ":v1", "pulled image");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    StaticServer server(w / "site", w / ".");
    const fs::path root = w / "home/tuf" / gun / "metadata/root.json";

    w.ok(w / "pinned", {"pull", gun, "--from", server.url(), "--root", root.string()});
    EXPECT_EQ(tree(w / "pinned/tuf"), tree(w / "home/tuf"));
    const ProcessResult verify = w.ok(w / "pinned", {"verify", gun + ":v1"});
    EXPECT_NE(verify.out.find(sha256_hex("pulled image")), std::string::npos) << verify.out;
    const ProcessResult inspect = w.ok(w / "pinned", {"inspect", gun});
    EXPECT_NE(inspect.out.find("\"v1\""), std::string::npos) << inspect.out;

    // No terminal, no --yes: refused, naming both ways out; nothing written.
    const ProcessResult refused = w.tufkey(w / "tofu", {"pull", gun, "--from", server.url()});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--root"), std::string::npos) << refused.err;
    EXPECT_TRUE(tree(w / "tofu/tuf").empty());
    const ProcessResult tofu = w.ok(w / "tofu", {"pull", gun, "--from", server.url(), "--yes"});
    EXPECT_EQ(tree(w / "tofu/tuf"), tree(w / "home/tuf"));
    // Later pulls trust the stored root; a new tag arrives.
    w.sign(w / "home", gun + ":v2", "second pulled image");
    w.ok(w / "home", {"publish", gun, "--to", (w / "site").string()});
    w.ok(w / "tofu", {"pull", gun});
    EXPECT_EQ(tree(w / "tofu/tuf"), tree(w / "home/tuf"));

    // A pin of another repository's root (same GUN, other key) is refused.
    w.init(w / "other", gun, {"root-b"});
    const ProcessResult wrong = w.tufkey(w / "wrong", {"pull", gun, "--from", server.url(), "--root",
                                                       (w / "other/tuf" / gun / "metadata/root.json").string()});
    EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
    EXPECT_TRUE(tree(w / "wrong/tuf").empty());
}

// Rewrites the targets entry of a bundle with `edit` applied to its bytes, keeping the
// bundle's own sha256/length consistent, so that only the signatures can catch it.
void tamper_bundle(const fs::path& file, const std::function<void(std::string&)>& edit) {
    auto doc = nlohmann::json::parse(read_text(file));
    auto& entry = doc["roles"]["targets"];
    std::string bytes = core::to_string(*core::base64_decode(entry["bytes"].get<std::string>()));
    edit(bytes);
    entry["bytes"] = core::base64_encode(core::as_bytes(bytes));
    entry["sha256"] = sha256_hex(bytes);
    entry["length"] = bytes.size();
    write_text(file, doc.dump());
}

TEST(PublishInterop, BundleRoundTripAndTamperedBundlesRefused) {
    World w({"root-a", "root-b"});
    const std::string gun = "example.com/airgap";
    w.init(w / "laptop", gun, {"root-a"});
    w.sign(w / "laptop", gun + ":v1", "air-gapped image");
    w.ok(w / "laptop", {"bundle", "export", gun, "-o", (w / "b1.json").string()});
    const std::string text = read_text(w / "b1.json");
    EXPECT_NE(text.find("\"format\":\"tufkey-bundle/1\""), std::string::npos);
    EXPECT_EQ(text.find("PRIVATE"), std::string::npos);

    const fs::path root = w / "laptop/tuf" / gun / "metadata/root.json";
    w.ok(w / "online", {"bundle", "import", (w / "b1.json").string(), "--root", root.string()});
    EXPECT_EQ(tree(w / "online/tuf"), tree(w / "laptop/tuf"));
    const ProcessResult verify = w.ok(w / "online", {"verify", gun + ":v1"});
    EXPECT_NE(verify.out.find(sha256_hex("air-gapped image")), std::string::npos) << verify.out;

    // The next change crosses the gap against the root the online home already trusts.
    w.sign(w / "laptop", gun + ":v2", "second air-gapped image");
    w.ok(w / "laptop", {"bundle", "export", gun, "-o", (w / "b2.json").string()});
    fs::copy_file(w / "b2.json", w / "tampered.json");
    tamper_bundle(w / "tampered.json", [](std::string& bytes) {  // v2's length 23 -> 24
        const auto at = bytes.find("\"length\":23");
        ASSERT_NE(at, std::string::npos);
        bytes[at + 10] = '4';
    });
    const auto before = tree(w / "online");
    const ProcessResult tampered = w.tufkey(w / "online", {"bundle", "import", (w / "tampered.json").string()});
    EXPECT_EQ(tampered.exit_code, 1) << tampered.err;
    EXPECT_EQ(tree(w / "online"), before);
    // Damage in transit (sha256 no longer matches) is refused too.
    std::string raw = read_text(w / "b2.json");
    raw[raw.find("\"bytes\":\"") + 20] ^= 1;
    write_text(w / "damaged.json", raw);
    EXPECT_EQ(w.tufkey(w / "online", {"bundle", "import", (w / "damaged.json").string()}).exit_code, 1);
    EXPECT_EQ(tree(w / "online"), before);
    // A bundle of another root for the same GUN does not extend the trusted root.
    w.init(w / "impostor", gun, {"root-b"});
    w.ok(w / "impostor", {"bundle", "export", gun, "-o", (w / "impostor.json").string()});
    EXPECT_EQ(w.tufkey(w / "online", {"bundle", "import", (w / "impostor.json").string()}).exit_code, 1);
    EXPECT_EQ(tree(w / "online"), before);

    w.ok(w / "online", {"bundle", "import", (w / "b2.json").string()});
    EXPECT_EQ(tree(w / "online/tuf"), tree(w / "laptop/tuf"));
    // The bundle of v1 is now a rollback.
    const ProcessResult rollback = w.tufkey(w / "online", {"bundle", "import", (w / "b1.json").string()});
    EXPECT_EQ(rollback.exit_code, 1) << rollback.err;
    EXPECT_EQ(tree(w / "online/tuf"), tree(w / "laptop/tuf"));
}

}  // namespace
}  // namespace tufkey::testing
