// `delegation add GUN NAME --hash-bins N` and `sign` routing targets into hashed bins, black box.
// Which bin covers a target is recomputed here from python-tuf's convention (prefix length =
// hex digits of N-1, 16^len/N consecutive prefixes per bin, NAME-<low>-<high>), independently
// of tufkey's own code; claims are checked on the written metadata and with `verify`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "process.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::map<std::string, std::optional<std::string>> kEnv{{"TUFKEY_DELEGATION_PASSPHRASE", "bins-passphrase"}};

std::string hex(unsigned value, std::size_t digits) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%0*x", static_cast<int>(digits), value);
    return buffer;
}

// python-tuf's hashed_bin_delegation.py, restated.
struct Layout final {
    unsigned bins;
    std::size_t digits = 1;
    unsigned per_bin = 1;
    explicit Layout(unsigned n) : bins(n) {
        while ((1u << (4 * digits)) < n) ++digits;
        per_bin = (1u << (4 * digits)) / n;
    }
    std::string name(unsigned low) const {
        const unsigned high = low + per_bin - 1;
        return "bins-" + hex(low, digits) + (high == low ? "" : "-" + hex(high, digits));
    }
    std::string bin_of(const std::string& path) const {
        const unsigned prefix = static_cast<unsigned>(std::stoul(sha256_hex(path).substr(0, digits), nullptr, 16));
        return name(prefix - prefix % per_bin);
    }
};

class HashBinsCli : public ::testing::Test {
protected:
    ProcessResult run(const std::vector<std::string>& args) const { return w.tufkey(admin, args, kEnv); }
    ProcessResult ok(const std::vector<std::string>& args) const {
        ProcessResult r = run(args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        EXPECT_EQ(r.exit_code, 0) << "tufkey " << line << "\n" << r.out << r.err;
        return r;
    }
    void init(const std::string& dialect) {
        w.init(admin, gun, {"root-a"}, dialect);
        fs::create_directories(w / "keys");
        ok({"key", "generate", "bins", "--dir", (w / "keys").string()});
    }
    fs::path metadata() const { return admin / "tuf" / gun / "metadata"; }
    json signed_part(const std::string& role) const {
        return json::parse(read_text(metadata() / (role + ".json")))["signed"];
    }
    // A --batch file of `n` targets pkg-FIRST ...; returns the tags.
    std::vector<std::string> batch(const fs::path& file, int first, int n) const {
        std::string text;
        std::vector<std::string> tags;
        for (int i = first; i < first + n; ++i) {
            tags.push_back("pkg-" + std::to_string(i) + ".tar.gz");
            text += tags.back() + " sha256:" + sha256_hex("content " + tags.back()) + " 42\n";
        }
        write_text(file, text);
        return tags;
    }
    std::string bins_pub() const { return (w / "keys/bins.pub").string(); }

    TufkeyWorld w{{"root-a"}, "tufkey-bins"};
    fs::path admin = w / "admin";
    std::string gun = "tuf.example/big";
};

class HashBinsCount : public HashBinsCli, public ::testing::WithParamInterface<unsigned> {};

TEST_P(HashBinsCount, EachTargetIsSignedIntoTheBinItsSha256PrefixNames) {
    const Layout layout(GetParam());
    init("tuf");
    ok({"delegation", "add", gun, "bins", "--hash-bins", std::to_string(layout.bins), "--key", bins_pub()});

    // targets.json delegates exactly the layout, in prefix order, one key, threshold 1.
    const json roles = signed_part("targets")["delegations"]["roles"];
    ASSERT_EQ(roles.size(), layout.bins);
    for (unsigned i = 0; i < layout.bins; ++i) {
        const unsigned low = i * layout.per_bin;
        EXPECT_EQ(roles[i]["name"], layout.name(low));
        ASSERT_EQ(roles[i]["path_hash_prefixes"].size(), layout.per_bin);
        for (unsigned p = 0; p < layout.per_bin; ++p)
            EXPECT_EQ(roles[i]["path_hash_prefixes"][p], hex(low + p, layout.digits));
        EXPECT_EQ(roles[i]["threshold"], 1);
    }
    // `delegation list` summarises the bins in one entry; --json lists every role.
    const ProcessResult listed = ok({"delegation", "list", gun});
    EXPECT_NE(listed.out.find(std::to_string(layout.bins) + " hashed bins"), std::string::npos) << listed.out;
    EXPECT_LT(std::count(listed.out.begin(), listed.out.end(), '\n'), 10) << listed.out;
    EXPECT_EQ(json::parse(ok({"--json", "delegation", "list", gun}).out).size(), layout.bins);

    // sign --batch without --role: each target into its bin, nothing into targets.
    const std::vector<std::string> tags = batch(w / "batch.txt", 0, 40);
    const json report = json::parse(ok({"--json", "sign", gun, "--batch", (w / "batch.txt").string()}).out);
    ASSERT_EQ(report["signed"].size(), tags.size());
    std::set<std::string> used;
    for (const auto& entry : report["signed"]) EXPECT_EQ(entry["role"], layout.bin_of(entry["tag"])) << entry;
    for (const auto& tag : tags) {
        const std::string bin = layout.bin_of(tag);
        used.insert(bin);
        const json listed_in = signed_part(bin)["targets"];
        ASSERT_TRUE(listed_in.contains(tag)) << tag << " in " << bin;
        EXPECT_EQ(listed_in[tag]["hashes"]["sha256"], sha256_hex("content " + tag));
    }
    EXPECT_TRUE(signed_part("targets")["targets"].empty());
    std::size_t files = 0, listed_targets = 0;
    for (unsigned i = 0; i < layout.bins; ++i) {
        const std::string bin = layout.name(i * layout.per_bin);
        if (!fs::exists(metadata() / (bin + ".json"))) {
            EXPECT_FALSE(used.contains(bin)) << bin;  // only bins that received a target are signed
            continue;
        }
        ++files;
        listed_targets += signed_part(bin)["targets"].size();
    }
    EXPECT_EQ(files, used.size());
    EXPECT_EQ(listed_targets, tags.size());  // no target is in two bins

    // verify finds them; the whole repository verifies.
    ok({"verify", gun});
    for (const std::string& tag : {tags.front(), tags[17], tags.back()}) {
        const ProcessResult found = ok({"verify", gun + ":" + tag});
        EXPECT_NE(found.out.find(sha256_hex("content " + tag)), std::string::npos) << found.out;
    }

    // A target signed with --role into a bin that does not cover it is refused; nothing changes.
    const std::string tag = "wrong-bin";
    std::string wrong = layout.name(0);
    if (layout.bin_of(tag) == wrong) wrong = layout.name(layout.per_bin);
    const auto before = file_tree(admin);
    const ProcessResult refused =
        run({"sign", gun + ":" + tag, "--digest", "sha256:" + sha256_hex("x"), "--size", "1", "--role", wrong});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("outside the paths " + wrong), std::string::npos) << refused.err;
    EXPECT_EQ(file_tree(admin), before);

    // Two more targets: only their bins (and snapshot, timestamp, transcript) change.
    const std::vector<std::string> more = batch(w / "more.txt", 1000, 2);
    ok({"sign", gun, "--batch", (w / "more.txt").string()});
    const auto after = file_tree(admin);
    std::set<std::string> changed;
    for (const auto& [path, bytes] : after) {
        auto it = before.find(path);
        if (it == before.end() || it->second != bytes) changed.insert(fs::path(path).filename().string());
    }
    std::set<std::string> expected{"snapshot.json", "timestamp.json"};
    for (const auto& t : more) expected.insert(layout.bin_of(t) + ".json");
    for (const auto& name : changed) {
        if (name.ends_with(".json") && name.starts_with("bins-")) {
            EXPECT_TRUE(expected.contains(name)) << name;
        }
    }
    for (const auto& name : expected) EXPECT_TRUE(changed.contains(name)) << name;
    EXPECT_FALSE(changed.contains("targets.json"));

    // unsign without --role takes a tag out of its bin.
    ok({"unsign", gun + ":" + tags[3]});
    EXPECT_FALSE(signed_part(layout.bin_of(tags[3]))["targets"].contains(tags[3]));
    EXPECT_EQ(run({"verify", gun + ":" + tags[3]}).exit_code, 1);
}

std::string count_name(const ::testing::TestParamInfo<unsigned>& info) { return "bins" + std::to_string(info.param); }
INSTANTIATE_TEST_SUITE_P(Counts, HashBinsCount, ::testing::Values(16u, 256u), count_name);

TEST_F(HashBinsCli, RefusedInTheNotaryDialectForBadCountsAndForExistingBins) {
    gun = "registry.example.com/team/big";
    init("notary");
    auto before = file_tree(admin);
    const ProcessResult notary =
        run({"delegation", "add", gun, "targets/bins", "--hash-bins", "16", "--key", bins_pub()});
    EXPECT_EQ(notary.exit_code, 2) << notary.err;
    EXPECT_NE(notary.err.find("only in the tuf dialect"), std::string::npos) << notary.err;
    EXPECT_EQ(std::count(notary.err.begin(), notary.err.end(), '\n'), 1) << notary.err;
    EXPECT_EQ(file_tree(admin), before);
}

TEST_F(HashBinsCli, RefusesCountsThatAreNoPowerOfTwoExistingBinsAndPathOptions) {
    init("tuf");
    const auto before = file_tree(admin);
    for (const std::string count : {"12", "1", "0", "131072"}) {
        const ProcessResult r = run({"delegation", "add", gun, "bins", "--hash-bins", count, "--key", bins_pub()});
        EXPECT_EQ(r.exit_code, 2) << count << "\n" << r.err;
        EXPECT_EQ(file_tree(admin), before) << count;
    }
    EXPECT_EQ(run({"delegation", "add", gun, "bins", "--hash-bins", "16"}).exit_code, 2);  // no key
    EXPECT_EQ(
        run({"delegation", "add", gun, "bins", "--hash-bins", "16", "--key", bins_pub(), "--paths", "*"}).exit_code, 2);
    EXPECT_EQ(file_tree(admin), before);

    ok({"delegation", "add", gun, "bins", "--hash-bins", "16", "--key", bins_pub()});
    const auto made = file_tree(admin);
    const ProcessResult again = run({"delegation", "add", gun, "bins", "--hash-bins", "16", "--key", bins_pub()});
    EXPECT_EQ(again.exit_code, 2) << again.err;
    EXPECT_NE(again.err.find("bins-0 is already delegated"), std::string::npos) << again.err;
    EXPECT_EQ(file_tree(admin), made);
    // Another name, another layout: both coexist (the first bins listed win for a path).
    ok({"delegation", "add", gun, "more", "--hash-bins", "4", "--key", bins_pub()});
    EXPECT_EQ(signed_part("targets")["delegations"]["roles"].size(), 20u);
}

}  // namespace
}  // namespace tufkey::testing
