// `tufkey migrate` between static repositories, the root on SoftHSM tokens:
//   - notary -> notary static: root version 2 signed by the old and the new root keys, so a home
//     pinned to the old root 1 pulls the new place; --root-key moves the root to another token in
//     the same step; the tags keep their digests and sizes;
//   - notary -> tuf: a new chain at version 1, signed by the old root key too: a pull pinned to
//     the new root or to the old notary root reads it (one pinned to a foreign root is refused);
//   - tuf -> notary: the token root key gets its certificate; pulls pinned to the new root and to
//     the old tuf root read the same tags;
//   - tuf -> notary with a hashed bin or an Ed25519 root: refused (exit 2) naming it; a wrong PIN: exit 3; --dry-run:
//     the home byte for byte and no destination.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

const std::string kGun = "example.com/team/app";
const std::string kOne = "release one";
const std::string kTwo = "release two, longer";

fs::path notary_dir(const fs::path& site) { return site / "v2" / kGun / "_trust" / "tuf"; }

class MigrateCli : public ::testing::Test {
protected:
    MigrateCli() : w({"root-a", "root-b"}) {}

    void make_source(const std::string& dialect) {
        w.init(w / "home", kGun, {"root-a"}, dialect);
        w.sign(w / "home", kGun + ":one", kOne);
        w.sign(w / "home", kGun + ":two", kTwo);
        w.ok(w / "home", {"publish", kGun, "--to", (w / "old-site").string()});
    }
    ProcessResult migrate(std::vector<std::string> args) const {
        args.insert(args.begin(), {"migrate", kGun, "--pin-file", w.pin_file().string(), "-y"});
        return w.tufkey(w / "home", args);
    }
    // A fresh home pulls `site` pinned to `root`, and finds both tags with their digests.
    void expect_tags(const fs::path& site, const fs::path& root, const std::string& reader) const {
        auto pull = w.tufkey(w / reader, {"pull", kGun, "--from", site.string(), "--root", root.string()});
        ASSERT_EQ(pull.exit_code, 0) << pull.err;
        for (const auto& [tag, content] : {std::pair{"one", kOne}, std::pair{"two", kTwo}}) {
            auto verify = w.tufkey(w / reader, {"verify", kGun + ":" + tag});
            ASSERT_EQ(verify.exit_code, 0) << verify.err;
            EXPECT_NE(verify.out.find(kGun + "@sha256:" + sha256_hex(content)), std::string::npos) << verify.out;
        }
    }

    TufkeyWorld w;
};

TEST_F(MigrateCli, SameDialectContinuesTheChainAndAClientOfTheOldRootFollows) {
    make_source("notary");
    const fs::path old_root = notary_dir(w / "old-site") / "1.root.json";
    auto moved = migrate({"--to", (w / "new-site").string()});
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
    EXPECT_NE(moved.out.find("root version 2"), std::string::npos) << moved.out;
    EXPECT_TRUE(fs::exists(notary_dir(w / "new-site") / "2.root.json"));
    expect_tags(w / "new-site", old_root, "reader-old-root");

    // And on to a token that was never a root key, in the same step, still followed from root 1.
    auto to_b = migrate({"--to", (w / "third-site").string(), "--root-key", "pkcs11:token=root-b;object=root"});
    ASSERT_EQ(to_b.exit_code, 0) << to_b.err;
    EXPECT_NE(to_b.out.find("root version 3"), std::string::npos) << to_b.out;
    expect_tags(w / "third-site", old_root, "reader-third");
}

TEST_F(MigrateCli, ToTheTufDialectStartsANewChainThatTheOldRootVouchesFor) {
    make_source("notary");
    auto moved = migrate({"--to", (w / "tuf-site").string(), "--dialect", "tuf"});
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
    EXPECT_NE(moved.err.find("new root chain"), std::string::npos) << moved.err;
    ASSERT_TRUE(fs::exists(w / "tuf-site" / "1.root.json"));
    EXPECT_NE(read_text(w / "tuf-site" / "1.root.json").find("\"_type\":\"root\""), std::string::npos);
    expect_tags(w / "tuf-site", w / "tuf-site" / "1.root.json", "reader");
    // The new chain is signed by the old root key too: a client holding the old notary root
    // checks the move and follows it into the tuf dialect.
    expect_tags(w / "tuf-site", notary_dir(w / "old-site") / "1.root.json", "reader-old-root");
    // A root whose keys did not sign the new chain is refused.
    TufkeyWorld other({"root-x"});
    other.init(other / "home", kGun, {"root-x"}, "notary");
    auto foreign =
        w.tufkey(w / "reader-foreign", {"pull", kGun, "--from", (w / "tuf-site").string(), "--root",
                                        (other / "home" / "tuf" / kGun / "metadata" / "root.json").string()});
    EXPECT_EQ(foreign.exit_code, 1) << foreign.err;
    EXPECT_FALSE(fs::exists(w / "reader-foreign" / "tuf" / kGun / "metadata" / "targets.json"));
    // The old notary chain is kept in the home.
    EXPECT_TRUE(fs::exists(w / "home" / "tufkey" / kGun / "archive" / "migrated-roots" / "1.root.json"));
}

TEST_F(MigrateCli, FromTheTufDialectIntoNotaryTheRootKeyGetsACertificate) {
    make_source("tuf");
    const fs::path old_root = w / "old-site" / "1.root.json";
    auto moved = migrate({"--to", (w / "notary-site").string(), "--dialect", "notary"});
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
    const fs::path new_root = notary_dir(w / "notary-site") / "1.root.json";
    ASSERT_TRUE(fs::exists(new_root));
    EXPECT_NE(read_text(new_root).find("ecdsa-x509"), std::string::npos) << "Notary root keys are certificates";
    expect_tags(w / "notary-site", new_root, "reader");
    expect_tags(w / "notary-site", old_root, "reader-old-root");
}

TEST_F(MigrateCli, DryRunAndRefusalsChangeNothing) {
    make_source("notary");
    const auto before = file_tree(w / "home");

    auto dry = migrate({"--to", (w / "new-site").string(), "--dry-run"});
    ASSERT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_NE(dry.out.find("copied (signatures kept)"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("Nothing was written"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("old root key"), std::string::npos) << "who signs the root: " << dry.out;
    EXPECT_NE(dry.out.find("would publish v2/" + kGun + "/_trust/tuf/timestamp.json"), std::string::npos) << dry.out;
    EXPECT_EQ(file_tree(w / "home"), before);
    EXPECT_FALSE(fs::exists(w / "new-site"));

    write_secret_text(w / "wrong.pin", "99999999\n");
    auto wrong = w.tufkey(w / "home", {"migrate", kGun, "--to", (w / "new-site").string(), "--pin-file",
                                       (w / "wrong.pin").string(), "-y"});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_EQ(file_tree(w / "home"), before);
    EXPECT_FALSE(fs::exists(w / "new-site"));

    auto taken = migrate({"--to", (w / "old-site").string()});
    EXPECT_EQ(taken.exit_code, 5) << taken.err;
    EXPECT_EQ(file_tree(w / "home"), before);

    auto server_tuf = migrate({"--to", "https://notary.example.org", "--dialect", "tuf"});
    EXPECT_EQ(server_tuf.exit_code, 2) << server_tuf.err;
}

TEST_F(MigrateCli, TheNotaryDialectCannotSayAHashedBin) {
    w.init(w / "home", kGun, {"root-a"}, "tuf");
    fs::create_directories(w / "keys");
    const std::map<std::string, std::optional<std::string>> env{{"TUFKEY_DELEGATION_PASSPHRASE", "delegation-pass"}};
    ASSERT_EQ(w.tufkey(w / "home", {"key", "generate", "bins", "--dir", (w / "keys").string()}, env).exit_code, 0);
    auto add = w.tufkey(w / "home",
                        {"delegation", "add", kGun, "targets/bin-0", "--key", (w / "keys" / "bins.pub").string(),
                         "--hash-prefixes", "0"},
                        env);
    ASSERT_EQ(add.exit_code, 0) << add.err;
    const auto before = file_tree(w / "home");
    auto refused = migrate({"--to", (w / "site").string(), "--dialect", "notary"});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("hashed bin"), std::string::npos) << refused.err;
    EXPECT_EQ(file_tree(w / "home"), before);
    EXPECT_FALSE(fs::exists(w / "site"));
}

TEST_F(MigrateCli, TheNotaryDialectCannotSayAnEd25519Root) {
    w.ok(w / "home", {"init", kGun, "--pin-file", w.pin_file().string(), "-y", "--dialect", "tuf", "--root-key",
                      "pkcs11:token=root-a;object=root", "--root-key-type", "ed25519"});
    const auto before = file_tree(w / "home");
    auto refused = migrate({"--to", (w / "site").string(), "--dialect", "notary"});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("Ed25519"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--root-key"), std::string::npos) << "names the way out: " << refused.err;
    EXPECT_EQ(file_tree(w / "home"), before);
    EXPECT_FALSE(fs::exists(w / "site"));
}

}  // namespace
}  // namespace tufkey::testing
