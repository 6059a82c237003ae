// Trusted roots only move forward, through every entry point that takes a root from a person:
// `pull --root`, `bundle import --root` and `client init`. The attack of issue #10: the owner
// rotated the root key; an attacker holds the retired v1 key and serves a forked 2.root.json.
#include <gtest/gtest.h>

#include "test_repository.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
const std::string kGun = "example.com/rotated";

// A tuf-dialect repository whose root went from v1 (key A) to v2 (key B), and a fork of it:
// another version 2 signed by A for a key the attacker holds.
class RotatedRepository : public ::testing::Test {
protected:
    RotatedRepository() : w({"ceremony"}, "tufkey-root-forward") {
        repo.add_target("targets", "app", "legitimate image");
        repo.publish_all();
        v1 = repo.initial_root();
        core::Signer* retired = repo.signers("root").front();
        repo.rotate_keys("root");
        repo.bump_root();
        repo.publish_all();
        v2 = *repo.file("metadata/2.root.json");
        repo.write_to(w / "legit");
        // The fork: version 2 again, a root key of the attacker's, signed by the retired key.
        repo.root.version = *tuf::Version::create(2);
        repo.rotate_keys("root");
        repo.root_signers_override = std::vector<core::Signer*>{retired, repo.signers("root").front()};
        forked = repo.publish_root();
        repo.write_to(w / "attacker");
        write_text(w / "v1.root.json", v1);
        write_text(w / "forked.root.json", forked);
    }
    [[nodiscard]] std::string from(const std::string& site) const { return (w / site / "metadata").string(); }

    TufkeyWorld w;
    TestRepository repo;
    std::string v1, v2, forked;
};

TEST_F(RotatedRepository, PullFollowsTheChainThenRefusesAnOlderOrForkedPin) {
    w.ok(w / "home", {"pull", kGun, "--from", from("legit"), "--root", (w / "v1.root.json").string()});
    ASSERT_EQ(read_text(w / "home/tuf" / kGun / "metadata/root.json"), v2) << "the chain was followed to v2";
    const auto before = file_tree(w / "home");

    for (const char* site : {"attacker", "legit"}) {
        const ProcessResult older =
            w.tufkey(w / "home", {"pull", kGun, "--from", from(site), "--root", (w / "v1.root.json").string()});
        EXPECT_EQ(older.exit_code, 5) << older.err;
        EXPECT_NE(older.err.find("version 1"), std::string::npos) << older.err;
        EXPECT_NE(older.err.find("version 2"), std::string::npos) << older.err;
        EXPECT_NE(older.err.find("--home DIR"), std::string::npos) << older.err;
        EXPECT_EQ(file_tree(w / "home"), before);
    }
    const ProcessResult fork =
        w.tufkey(w / "home", {"pull", kGun, "--from", from("attacker"), "--root", (w / "forked.root.json").string()});
    EXPECT_EQ(fork.exit_code, 5) << fork.err;
    EXPECT_NE(fork.err.find("fork"), std::string::npos) << fork.err;
    EXPECT_EQ(file_tree(w / "home"), before);

    // Pinning the root the home already trusts is accepted.
    write_text(w / "v2.root.json", v2);
    w.ok(w / "home", {"pull", kGun, "--from", from("legit"), "--root", (w / "v2.root.json").string()});
    EXPECT_EQ(read_text(w / "home/tuf" / kGun / "metadata/root.json"), v2);
}

TEST_F(RotatedRepository, BundleImportRefusesAnOlderOrForkedPin) {
    w.ok(w / "home", {"pull", kGun, "--from", from("legit"), "--root", (w / "v1.root.json").string()});
    w.ok(w / "home", {"bundle", "export", kGun, "-o", (w / "bundle.json").string()});
    w.ok(w / "other", {"bundle", "import", (w / "bundle.json").string(), "--root", (w / "v1.root.json").string()});
    EXPECT_EQ(read_text(w / "other/tuf" / kGun / "metadata/root.json"), v2);
    const auto before = file_tree(w / "other");
    for (const char* pin : {"v1.root.json", "forked.root.json"}) {
        const ProcessResult refused =
            w.tufkey(w / "other", {"bundle", "import", (w / "bundle.json").string(), "--root", (w / pin).string()});
        EXPECT_EQ(refused.exit_code, 5) << pin << ": " << refused.err;
        EXPECT_EQ(file_tree(w / "other"), before) << pin;
    }
}

TEST_F(RotatedRepository, ClientInitNeverReplacesANewerTrustedRoot) {
    const fs::path md = w / "md";
    auto client = [&](std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"client", "--metadata-dir", md.string(), "--metadata-url", "file://" + from("legit")});
        return w.tufkey(w / "unused-home", args);
    };
    ASSERT_EQ(client({"init", (w / "v1.root.json").string()}).exit_code, 0);
    ASSERT_EQ(client({"refresh"}).exit_code, 0);
    ASSERT_EQ(read_text(md / "root.json"), v2);
    // The CI recipe that runs init in every job must not go back to v1, nor accept the fork.
    for (const char* pin : {"v1.root.json", "forked.root.json"}) {
        const ProcessResult refused = client({"init", (w / pin).string()});
        EXPECT_EQ(refused.exit_code, 1) << pin << ": " << refused.err;
        EXPECT_NE(refused.err.find("version 2"), std::string::npos) << refused.err;
        EXPECT_EQ(read_text(md / "root.json"), v2) << pin;
    }
    write_text(w / "v2.root.json", v2);
    EXPECT_EQ(client({"init", (w / "v2.root.json").string()}).exit_code, 0);
    EXPECT_EQ(read_text(md / "root.json"), v2);
}

// Notary dialect: a home that trusts the root made on token A refuses a pinned version 1 made
// on token B for the same GUN (a fork at the same version), by pull and by bundle import.
TEST(NotaryRootForward, AForkedPinIsRefusedByPullAndBundleImport) {
    TufkeyWorld w({"root-a", "root-b"}, "tufkey-root-forward");
    const std::string gun = "example.com/notary-fork";
    w.init(w / "owner", gun, {"root-a"});
    w.sign(w / "owner", gun + ":v1", "owner image");
    w.ok(w / "owner", {"publish", gun, "--to", (w / "site").string()});
    w.ok(w / "owner", {"bundle", "export", gun, "-o", (w / "bundle.json").string()});
    const fs::path owner_root = w / "owner/tuf" / gun / "metadata/root.json";
    w.ok(w / "home", {"pull", gun, "--from", (w / "site").string(), "--root", owner_root.string()});
    w.init(w / "impostor", gun, {"root-b"});
    const fs::path forked = w / "impostor/tuf" / gun / "metadata/root.json";
    const auto before = file_tree(w / "home");

    const ProcessResult pull =
        w.tufkey(w / "home", {"pull", gun, "--from", (w / "site").string(), "--root", forked.string()});
    EXPECT_EQ(pull.exit_code, 5) << pull.err;
    EXPECT_NE(pull.err.find("fork"), std::string::npos) << pull.err;
    const ProcessResult bundle =
        w.tufkey(w / "home", {"bundle", "import", (w / "bundle.json").string(), "--root", forked.string()});
    EXPECT_EQ(bundle.exit_code, 5) << bundle.err;
    EXPECT_EQ(file_tree(w / "home"), before);
}

}  // namespace
}  // namespace tufkey::testing
