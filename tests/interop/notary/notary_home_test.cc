// Trust homes and root chains the REAL notary made (the vector set of make-vectors.sh), changed
// by tufkey:
//   - trusted roots only move forward: notary rotated the root (and signed a new root version at
//     each key rotation), so the set holds root versions 1..N. Served as a static notary layout,
//     `pull --root 1.root.json` follows the chain to N; after that, pinning any older version is
//     refused by pull and by bundle import (exit 5), and the home is unchanged;
//   - a home notary wrote stays notary's: after tufkey imports a key into it and pulls into it,
//     the real notary client still lists every key and, from its cache, every tag.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "notary_vectors.h"
#include "tufkey_world.h"

namespace tufkey::tuf::vectors {
namespace {

namespace fs = std::filesystem;
using testing::file_tree;
using testing::ProcessResult;

class NotaryHome : public NotaryVectors {
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

TEST_F(NotaryHome, APinOlderThanTheTrustedRootIsRefusedByPullAndBundleImport) {
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

TEST_F(NotaryHome, AHomeNotaryWroteStaysReadableByNotaryAfterTufkeyChangesIt) {
    const fs::path home = w / "notary-home";
    fs::create_directories(home / "private");
    for (const auto& e : fs::directory_iterator(dir() / "keys/private"))
        fs::copy_file(e.path(), home / "private" / e.path().filename());
    fs::create_directories(home / "tuf" / gun);
    fs::copy(dir() / "metadata", home / "tuf" / gun / "metadata", fs::copy_options::recursive);
    ::chmod((home / "private").c_str(), 0700);

    const ProcessResult key = testing::run_process({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                                    "ec_paramgen_curve:P-256", "-out", (w / "k.pem").string()});
    ASSERT_EQ(key.exit_code, 0) << key.err;
    ::chmod((w / "k.pem").c_str(), 0600);
    const ProcessResult imported = w.tufkey(home, {"key", "import", (w / "k.pem").string(), "--role", "alice"},
                                            {{"TUFKEY_DELEGATION_PASSPHRASE", "alice passphrase"}});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    const std::string alice = imported.out.substr(0, 64);
    // The home already trusts notary's newest root: an older pin is refused, the same one is taken.
    EXPECT_EQ(w.tufkey(home, {"pull", gun, "--from", (w / "site").string(), "--root", pins.front().string()}).exit_code,
              5);
    w.ok(home, {"pull", gun, "--from", (w / "site").string(), "--root", pins.back().string()});
    EXPECT_TRUE(fs::exists(home / "tufkey" / gun / "repository.json"));
    EXPECT_FALSE(fs::exists(home / "tufkey.journal"));

    const ProcessResult keys = testing::run_process({"notary", "-d", home.string(), "key", "list"});
    ASSERT_EQ(keys.exit_code, 0) << keys.err;
    for (const auto& e : fs::directory_iterator(dir() / "keys/private"))
        EXPECT_NE(keys.out.find(e.path().stem().string()), std::string::npos) << e.path() << "\n" << keys.out;
    EXPECT_NE(keys.out.find(alice), std::string::npos) << keys.out;
    // No server: notary falls back to the cache tufkey rewrote.
    const ProcessResult tags =
        testing::run_process({"notary", "-d", home.string(), "-s", "https://127.0.0.1:1", "list", gun});
    ASSERT_EQ(tags.exit_code, 0) << tags.err;
    EXPECT_NE(tags.out.find("after-root-rotation"), std::string::npos) << tags.out;
}

}  // namespace
}  // namespace tufkey::tuf::vectors
