// Trusted roots only move forward, on a root chain the REAL notary made: make-vectors.sh rotated
// the root (and, each time it rotated a key, notary signed a new root version), so the vector
// set holds root versions 1..N. Served as a static notary layout, `pull --root 1.root.json`
// follows the chain to N; after that, pinning any older version is refused by pull and by
// bundle import (exit 5), and the home is unchanged.
#include <gtest/gtest.h>

#include "notary_vectors.h"
#include "tufkey_world.h"

namespace tufkey::tuf::vectors {
namespace {

namespace fs = std::filesystem;
using testing::file_tree;
using testing::ProcessResult;

class NotaryRootForward : public NotaryVectors {
protected:
    void SetUp() override {
        NotaryVectors::SetUp();
        gun = manifest()["gun"].get<std::string>();
        const fs::path tuf = w / "site" / "v2" / gun / "_trust" / "tuf";
        fs::create_directories(tuf / "targets");
        for (const auto* name : {"root", "targets", "snapshot", "timestamp"})
            fs::copy_file(dir() / "metadata" / (std::string(name) + ".json"), tuf / (std::string(name) + ".json"));
        fs::copy_file(dir() / "metadata/targets/releases.json", tuf / "targets/releases.json");
        for (const MetadataFile* root : versions_of("root")) {
            const auto n = std::to_string(*root->version);
            fs::copy_file(dir() / root->path, tuf / (n + ".root.json"));
            pins.push_back(tuf / (n + ".root.json"));
        }
        ASSERT_GE(pins.size(), 2u) << "the vectors rotated the root at least once";
    }

    testing::TufkeyWorld w{{"unused"}, "tufkey-notary-forward"};
    std::string gun;
    std::vector<fs::path> pins;  // N.root.json, oldest first
};

TEST_F(NotaryRootForward, APinOlderThanTheTrustedRootIsRefusedByPullAndBundleImport) {
    const std::string site = (w / "site").string();
    w.ok(w / "home", {"pull", gun, "--from", site, "--root", pins.front().string()});
    const auto newest = testing::read_text(pins.back());
    ASSERT_EQ(testing::read_text(w / "home/tuf" / gun / "metadata/root.json"), newest) << "the chain was followed";
    w.ok(w / "home", {"bundle", "export", gun, "-o", (w / "bundle.json").string()});
    w.ok(w / "other", {"bundle", "import", (w / "bundle.json").string(), "--root", pins.front().string()});

    for (const auto& home : {w / "home", w / "other"}) {
        const auto before = file_tree(home);
        for (std::size_t i = 0; i + 1 < pins.size(); ++i) {
            const ProcessResult pull = w.tufkey(home, {"pull", gun, "--from", site, "--root", pins[i].string()});
            EXPECT_EQ(pull.exit_code, 5) << pins[i] << ": " << pull.err;
            EXPECT_NE(pull.err.find("version " + std::to_string(pins.size())), std::string::npos) << pull.err;
            const ProcessResult import =
                w.tufkey(home, {"bundle", "import", (w / "bundle.json").string(), "--root", pins[i].string()});
            EXPECT_EQ(import.exit_code, 5) << pins[i] << ": " << import.err;
            EXPECT_EQ(file_tree(home), before) << pins[i];
        }
        // The root the home trusts may be pinned again.
        w.ok(home, {"pull", gun, "--from", site, "--root", pins.back().string()});
    }
}

}  // namespace
}  // namespace tufkey::tuf::vectors
