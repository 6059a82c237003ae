// No staged change is dropped silently: a home with a signed but unpublished tag refuses a
// pull or bundle import of a co-signer's newer state (exit 5, naming the role and the tag,
// nothing changed), and takes it only with --discard-staged; in both dialects.
#include <gtest/gtest.h>

#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

class StagedWork : public ::testing::TestWithParam<const char*> {
protected:
    StagedWork() : w({"ceremony"}, "tufkey-staged") {
        w.init(w / "a", gun, {"ceremony"}, GetParam());
        w.sign(w / "a", gun + ":v1", "first image");
        w.ok(w / "a", {"publish", gun, "--to", site()});
        // The co-signer works from a copy of the same keys and publishes a newer state.
        fs::copy(w / "a", w / "b", fs::copy_options::recursive);
        w.sign(w / "b", gun + ":b1", "co-signer image");
        w.ok(w / "b", {"publish", gun, "--to", site()});
        w.ok(w / "b", {"bundle", "export", gun, "-o", (w / "b.bundle").string()});
        // Meanwhile A signs a1 and does not publish it.
        w.sign(w / "a", gun + ":a1", "staged image");
    }
    [[nodiscard]] std::string site() const { return (w / "site").string(); }
    void expect_refused(const ProcessResult& r, const std::map<std::string, std::string>& before) const {
        EXPECT_EQ(r.exit_code, 5) << r.err;
        EXPECT_NE(r.err.find("targets"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("a1"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("tufkey publish"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("--discard-staged"), std::string::npos) << r.err;
        EXPECT_EQ(file_tree(w / "a"), before);
        const ProcessResult still = w.ok(w / "a", {"verify", gun + ":a1"});
        EXPECT_NE(still.out.find(sha256_hex("staged image")), std::string::npos) << still.out;
    }

    TufkeyWorld w;
    const std::string gun = "example.com/staged";
};

INSTANTIATE_TEST_SUITE_P(BothDialects, StagedWork, ::testing::Values("notary", "tuf"));

TEST_P(StagedWork, PullRefusesToDropAnUnpublishedTagUntilToldTo) {
    const auto before = file_tree(w / "a");
    expect_refused(w.tufkey(w / "a", {"pull", gun, "--from", site()}), before);
    w.ok(w / "a", {"pull", gun, "--from", site(), "--discard-staged"});
    EXPECT_EQ(w.tufkey(w / "a", {"verify", gun + ":a1"}).exit_code, 1);
    const ProcessResult b1 = w.ok(w / "a", {"verify", gun + ":b1"});
    EXPECT_NE(b1.out.find(sha256_hex("co-signer image")), std::string::npos) << b1.out;
    // Pulled state is published state: a second pull has nothing of A's own to lose.
    w.ok(w / "a", {"pull", gun, "--from", site()});
}

TEST_P(StagedWork, BundleImportRefusesToDropAnUnpublishedTagUntilToldTo) {
    const auto before = file_tree(w / "a");
    expect_refused(w.tufkey(w / "a", {"bundle", "import", (w / "b.bundle").string()}), before);
    w.ok(w / "a", {"bundle", "import", (w / "b.bundle").string(), "--discard-staged"});
    EXPECT_EQ(w.tufkey(w / "a", {"verify", gun + ":a1"}).exit_code, 1);
    w.ok(w / "a", {"verify", gun + ":b1"});
}

TEST_P(StagedWork, WhatThisHomeHandedOutInABundleComesBackBuiltOnWithoutDiscarding) {
    // A hands its unpublished a1 to C (keys carried too); C signs c1 on top and hands it back.
    w.ok(w / "a", {"bundle", "export", gun, "-o", (w / "a.bundle").string()});
    w.ok(w / "c", {"bundle", "import", (w / "a.bundle").string(), "--yes"});
    w.ok(w / "a", {"key", "export", "--gun", gun, "-o", (w / "keys.pem").string()});
    w.ok(w / "c", {"key", "import", (w / "keys.pem").string()});
    w.sign(w / "c", gun + ":c1", "built on a1");
    w.ok(w / "c", {"bundle", "export", gun, "-o", (w / "c.bundle").string()});
    w.ok(w / "a", {"bundle", "import", (w / "c.bundle").string()});
    w.ok(w / "a", {"verify", gun + ":a1"});
    w.ok(w / "a", {"verify", gun + ":c1"});

    // What A signs after that is its own again: C's next state would drop a2, and it says which
    // tag C has that A lacks.
    w.sign(w / "a", gun + ":a2", "signed after the hand-over");
    w.sign(w / "c", gun + ":c2", "signed meanwhile on c");
    w.ok(w / "c", {"bundle", "export", gun, "-o", (w / "c2.bundle").string()});
    const auto before = file_tree(w / "a");
    const ProcessResult r = w.tufkey(w / "a", {"bundle", "import", (w / "c2.bundle").string()});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("a2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("c2 (not here; the incoming copy has it)"), std::string::npos) << r.err;
    EXPECT_EQ(file_tree(w / "a"), before);
}

TEST_P(StagedWork, AHomeWithoutLocalChangesTakesTheNewStateAsBefore) {
    w.ok(w / "b", {"pull", gun, "--from", site()});
    fs::copy(w / "b", w / "c", fs::copy_options::recursive);
    w.ok(w / "c", {"bundle", "import", (w / "b.bundle").string()});
    w.ok(w / "c", {"verify", gun + ":b1"});
}

}  // namespace
}  // namespace tufkey::testing
