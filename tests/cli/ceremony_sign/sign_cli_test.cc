// tufkey sign / unsign / refresh / status / inspect as a black box: a repository made by
// `tufkey init` on a SoftHSM2 token in a private home, then the built binary run against it.
// Every claim is checked on the files themselves (parsed and verified with tufkey::tuf, raw
// JSON with nlohmann), never on messages alone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "process.h"
#include "ceremony_cli.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using tuf::Dialect;
using tuf::RoleName;

constexpr const char* kGun = kCeremonyGun;
const std::string kDigestA = std::string(64, 'a');
const std::string kDigestB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

using Files = std::map<std::string, std::string>;

class SignCli : public ::testing::TestWithParam<Dialect> {
protected:
    // Runs tufkey (optionally under `faketime OFFSET`) with the role passphrases set.
    ProcessResult run(std::vector<std::string> args, std::map<std::string, std::optional<std::string>> env = {},
                      const std::string& faketime = "") {
        std::vector<std::string> wrapper;
        if (!faketime.empty()) wrapper = {"faketime", "-f", faketime};
        return m_cli.run(args, std::move(env), wrapper);
    }

    void init(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"init",
                                      kGun,
                                      "--root-key",
                                      "pkcs11:token=ceremony;object=root",
                                      "--pin-file",
                                      m_cli.pin_file().string(),
                                      "-y",
                                      "--dialect",
                                      std::string(tuf::to_string(GetParam()))};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run(args);
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }

    fs::path home() const { return m_cli.home(); }
    fs::path metadata(const std::string& role) const { return m_cli.metadata(role); }
    fs::path state(const std::string& name) const { return m_cli.state(name); }
    Dialect dialect() const { return GetParam(); }

    // Every file in the home (but the lock file, whose content names its last holder).
    Files all_files() const {
        Files files;
        for (const auto& e : fs::recursive_directory_iterator(home())) {
            if (!e.is_regular_file() || e.path().filename() == "tufkey.lock") continue;
            files[fs::relative(e.path(), home()).string()] = read_text(e.path());
        }
        return files;
    }

    tuf::Envelope envelope(const std::string& role) const {
        auto env = tuf::parse_envelope(dialect(), read_text(metadata(role)), role);
        EXPECT_TRUE(env.ok()) << (env.ok() ? "" : env.error().message);
        return *env;
    }
    tuf::Root root() const { return *tuf::decode_root(dialect(), envelope("root").signed_part); }
    tuf::Targets targets() const { return *tuf::decode_targets(dialect(), envelope("targets").signed_part); }
    tuf::Snapshot snapshot() const { return *tuf::decode_snapshot(dialect(), envelope("snapshot").signed_part); }
    tuf::Timestamp timestamp() const { return *tuf::decode_timestamp(dialect(), envelope("timestamp").signed_part); }

    // Signatures of every top-level role verify against root; snapshot and timestamp meta
    // match the exact bytes of the files they describe.
    void expect_consistent_repository() const {
        const auto r = root();
        for (const auto& role : {RoleName::root(), RoleName::targets(), RoleName::snapshot(), RoleName::timestamp()}) {
            auto verified = tuf::verify_top_level(dialect(), r, role, envelope(role.str()));
            EXPECT_TRUE(verified.ok()) << role.str() << ": " << (verified.ok() ? "" : verified.error().message);
        }
        const auto snap = snapshot();
        const std::string targets_name = dialect() == Dialect::notary ? "targets" : "targets.json";
        ASSERT_TRUE(snap.meta.contains(targets_name));
        EXPECT_EQ(snap.meta.at(targets_name).hashes.at("sha256"),
                  core::sha256(core::as_bytes(read_text(metadata("targets")))));
        if (dialect() == Dialect::notary) {
            ASSERT_TRUE(snap.meta.contains("root"));
            EXPECT_EQ(snap.meta.at("root").hashes.at("sha256"),
                      core::sha256(core::as_bytes(read_text(metadata("root")))));
        } else {
            EXPECT_EQ(snap.meta.at(targets_name).version->value(), targets().version.value());
        }
        const auto ts = timestamp();
        const std::string snapshot_name = dialect() == Dialect::notary ? "snapshot" : "snapshot.json";
        ASSERT_TRUE(ts.meta.contains(snapshot_name));
        EXPECT_EQ(ts.meta.at(snapshot_name).hashes.at("sha256"),
                  core::sha256(core::as_bytes(read_text(metadata("snapshot")))));
        EXPECT_EQ(*ts.meta.at(snapshot_name).length, read_text(metadata("snapshot")).size());
    }

    // The raw JSON entry of a tag in targets.json.
    json raw_target(const std::string& tag) const {
        return json::parse(read_text(metadata("targets")))["signed"]["targets"][tag];
    }
    std::string expected_hash_text(const std::string& hex) const {
        return dialect() == Dialect::notary ? core::base64_encode(*core::hex_decode(hex)) : hex;
    }

    CeremonyCli m_cli;
};

TEST_P(SignCli, SignsTagsByDigestManifestAndBatchIntoVerifiableMetadata) {
    init();
    const std::string root_before = read_text(metadata("root"));
    const std::string chain_before = read_text(state("roots/1.root.json"));

    auto r = run({"sign", std::string(kGun) + ":v1", "--digest", "sha256:" + kDigestA, "--size", "1234"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string("Successfully signed ") + kGun + ":v1"), std::string::npos) << r.out;

    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})";
    write_text(m_cli.scratch() / "manifest.json", manifest);
    r = run({"sign", std::string(kGun) + ":v2", "--manifest", (m_cli.scratch() / "manifest.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    write_text(m_cli.scratch() / "tags.txt",
               "# release batch\n\nv3 sha256:" + kDigestB + " 77\n  v4\tsha256:" + kDigestA + " 5\n");
    r = run({"--json", "sign", kGun, "--batch", (m_cli.scratch() / "tags.txt").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto report = json::parse(r.out);
    EXPECT_EQ(report["role"], "targets");
    EXPECT_EQ(report["signed"].size(), 2u);
    EXPECT_EQ(report["versions"]["targets"], 4);

    const auto t = targets();
    EXPECT_EQ(t.version.value(), 4);  // one version per invocation, not per tag
    ASSERT_EQ(t.targets.size(), 4u);
    EXPECT_EQ(core::hex_encode(t.targets.at("v1").hashes.at("sha256")), kDigestA);
    EXPECT_EQ(t.targets.at("v1").length, 1234u);
    EXPECT_EQ(t.targets.at("v2").hashes.at("sha256"), core::sha256(core::as_bytes(manifest)));
    EXPECT_EQ(t.targets.at("v2").length, manifest.size());
    EXPECT_EQ(core::hex_encode(t.targets.at("v3").hashes.at("sha256")), kDigestB);
    EXPECT_EQ(t.targets.at("v3").length, 77u);
    EXPECT_EQ(t.targets.at("v4").length, 5u);
    // docker's entry shape: only sha256, encoded per dialect.
    EXPECT_EQ(raw_target("v3"), (json{{"hashes", {{"sha256", expected_hash_text(kDigestB)}}}, {"length", 77}}));

    EXPECT_EQ(snapshot().version.value(), 4);
    EXPECT_EQ(timestamp().version.value(), 4);
    expect_consistent_repository();
    EXPECT_EQ(read_text(metadata("root")), root_before);
    EXPECT_EQ(read_text(state("roots/1.root.json")), chain_before);
    EXPECT_FALSE(fs::exists(state("roots/2.root.json")));

    // The transcript records the last step with the tags and the files' hashes.
    const auto transcript = read_text(state("transcript.jsonl"));
    const auto last = json::parse(transcript.substr(transcript.rfind('\n', transcript.size() - 2) + 1));
    EXPECT_EQ(last["step"], "sign");
    EXPECT_EQ(last["tags"], (json{"v3", "v4"}));
    EXPECT_EQ(last["files_written"]["targets.json"],
              core::hex_encode(core::sha256(core::as_bytes(read_text(metadata("targets"))))));
}

TEST_P(SignCli, ManyTagsInOneInvocationAreOneVersionAndUnsignRemovesOne) {
    init();
    auto r = run({"sign", std::string(kGun) + ":a", std::string(kGun) + ":b", std::string(kGun) + ":c", "--digest",
                  "sha256:" + kDigestB, "--size", "9"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(targets().version.value(), 2);
    EXPECT_EQ(targets().targets.size(), 3u);

    r = run({"unsign", std::string(kGun) + ":b"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto t = targets();
    EXPECT_EQ(t.version.value(), 3);
    EXPECT_TRUE(t.targets.contains("a"));
    EXPECT_FALSE(t.targets.contains("b"));
    EXPECT_EQ(snapshot().version.value(), 3);
    expect_consistent_repository();

    const auto before = all_files();
    r = run({"unsign", std::string(kGun) + ":never-signed"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("never-signed"), std::string::npos) << r.err;
    EXPECT_EQ(all_files(), before);
}

TEST_P(SignCli, WrongPassphraseExits3AndChangesNothing) {
    init();
    ASSERT_EQ(run({"sign", std::string(kGun) + ":v1", "--digest", "sha256:" + kDigestA, "--size", "1"}).exit_code, 0);
    const auto before = all_files();
    for (const char* variable :
         {"TUFKEY_TARGETS_PASSPHRASE", "TUFKEY_SNAPSHOT_PASSPHRASE", "TUFKEY_TIMESTAMP_PASSPHRASE"}) {
        auto r = run({"sign", std::string(kGun) + ":v2", "--digest", "sha256:" + kDigestB, "--size", "2"},
                     {{variable, std::string("wrong passphrase")}});
        EXPECT_EQ(r.exit_code, 3) << variable << ": " << r.err;
        EXPECT_EQ(all_files(), before) << variable;
    }
    auto r = run({"refresh", kGun}, {{"TUFKEY_TIMESTAMP_PASSPHRASE", std::string("wrong passphrase")}});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(all_files(), before);
}

TEST_P(SignCli, BadInputIsAUsageErrorAndWritesNothing) {
    init();
    const auto before = all_files();
    const std::string tag = std::string(kGun) + ":v1";
    write_text(m_cli.scratch() / "bad.txt", "v1 sha256:" + kDigestA + " 1\n# ok\nv2 sha256:1234 5\n");
    write_text(m_cli.scratch() / "not-manifest.json", "[1,2]");
    const std::vector<std::vector<std::string>> cases{
        {"sign", tag, "--digest", "sha256:" + std::string(63, 'a'), "--size", "1"},
        {"sign", tag, "--digest", "sha256:" + std::string(64, 'g'), "--size", "1"},
        {"sign", tag, "--digest", "md5:" + std::string(64, 'a'), "--size", "1"},
        {"sign", tag, "--digest", "sha256:" + kDigestA},
        {"sign", tag, "--digest", "sha256:" + kDigestA, "--size", "1", "--file",
         (m_cli.scratch() / "bad.txt").string()},
        {"sign", tag, "--manifest", (m_cli.scratch() / "not-manifest.json").string()},
        {"sign", kGun, "--digest", "sha256:" + kDigestA, "--size", "1"},
        {"sign", tag, "--digest", "sha256:" + kDigestA, "--size", "1", "--role", "targets/nobody"},
        {"sign", tag, "--digest", "sha256:" + kDigestA, "--size", "1", "--role", "snapshot"},
    };
    for (const auto& args : cases) {
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << args[2] << " " << args.back() << ": " << r.err;
    }
    auto r = run({"sign", kGun, "--batch", (m_cli.scratch() / "bad.txt").string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("line 3"), std::string::npos) << r.err;
    EXPECT_EQ(all_files(), before);
}

TEST_P(SignCli, RefreshResignsOnlyTheRolesItIsGiven) {
    init();
    ASSERT_EQ(run({"sign", std::string(kGun) + ":v1", "--digest", "sha256:" + kDigestA, "--size", "1"}).exit_code, 0);
    const std::string root_bytes = read_text(metadata("root"));
    const std::string targets_bytes = read_text(metadata("targets"));
    const std::string snapshot_bytes = read_text(metadata("snapshot"));
    const auto old_timestamp_expiry = timestamp().expires;

    auto r = run({"refresh", kGun, "--role", "timestamp"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_text(metadata("snapshot")), snapshot_bytes);
    EXPECT_EQ(timestamp().version.value(), 3);
    EXPECT_GE(timestamp().expires, old_timestamp_expiry);

    r = run({"--json", "refresh", kGun});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["refreshed"]["snapshot"]["version"], 3);
    EXPECT_EQ(read_text(metadata("root")), root_bytes);
    EXPECT_EQ(read_text(metadata("targets")), targets_bytes);
    EXPECT_EQ(targets().version.value(), 2);
    EXPECT_EQ(snapshot().version.value(), 3);
    EXPECT_EQ(timestamp().version.value(), 4);
    expect_consistent_repository();

    const auto before = all_files();
    r = run({"refresh", kGun, "--role", "root"});  // root is renewed by `rotate GUN root`, on its tokens
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("rotate"), std::string::npos) << r.err;
    EXPECT_EQ(all_files(), before);

    r = run({"refresh", kGun, "--role", "targets", "--json"});  // extends targets with the same content
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(targets().version.value(), 3);
    EXPECT_EQ(snapshot().version.value(), 4);
    EXPECT_EQ(timestamp().version.value(), 5);
    EXPECT_EQ(read_text(metadata("root")), root_bytes);
    expect_consistent_repository();
}

TEST_P(SignCli, InspectShowsDockerTrustInspectShape) {
    init();
    ASSERT_EQ(run({"sign", std::string(kGun) + ":v10", std::string(kGun) + ":v9", "--digest", "sha256:" + kDigestB,
                   "--size", "3"})
                  .exit_code,
              0);
    auto r = run({"inspect", kGun});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto out = json::parse(r.out);
    ASSERT_TRUE(out.is_array());
    ASSERT_EQ(out.size(), 1u);
    const auto& repo = out[0];
    EXPECT_EQ(repo["Name"], kGun);
    ASSERT_EQ(repo["SignedTags"].size(), 2u);
    EXPECT_EQ(repo["SignedTags"][0]["SignedTag"], "v9");  // natural order, as docker sorts
    EXPECT_EQ(repo["SignedTags"][1]["SignedTag"], "v10");
    EXPECT_EQ(repo["SignedTags"][0]["Digest"], kDigestB);
    EXPECT_EQ(repo["SignedTags"][0]["Signers"], (json{"Repo Admin"}));
    EXPECT_EQ(repo["Signers"], json::array());
    ASSERT_EQ(repo["AdministrativeKeys"].size(), 2u);
    const auto rt = root();
    EXPECT_EQ(repo["AdministrativeKeys"][0]["Name"], "Root");
    EXPECT_EQ(repo["AdministrativeKeys"][0]["Keys"], (json{{{"ID", rt.root.keyids.at(0).str()}}}));
    EXPECT_EQ(repo["AdministrativeKeys"][1]["Name"], "Repository");
    EXPECT_EQ(repo["AdministrativeKeys"][1]["Keys"],
              (json{{{"ID", rt.keys.at(rt.targets.keyids.at(0)).canonical_id().str()}}}));

    r = run({"inspect", std::string(kGun) + ":v10"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)[0]["SignedTags"].size(), 1u);

    r = run({"inspect", kGun, "--pretty"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& section :
         {std::string("Signatures for ") + kGun, std::string("Administrative keys for ") + kGun,
          std::string("Repository Key:"),
          // Canonical IDs as `status` shows them, the root.json ID beside the root key's (issue #16).
          std::string("Root Key:\t") + rt.keys.at(rt.root.keyids.at(0)).canonical_id().str() +
              " (root.json: " + rt.root.keyids.at(0).str() + ")",
          std::string("(Repo Admin)")})
        EXPECT_NE(r.out.find(section), std::string::npos) << section << " in\n" << r.out;

    r = run({"inspect", "registry.example.com/other"});  // unknown repository: usage, as in every command
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("has no repository registry.example.com/other"), std::string::npos) << r.err;
}

TEST_P(SignCli, StatusExits6InsideAWarningWindow) {
    init({"--warn", "snapshot=30d"});
    auto r = run({"--json", "status", kGun});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto report = json::parse(r.out);
    ASSERT_EQ(report["roles"].size(), 4u);
    EXPECT_EQ(report["roles"][0]["role"], "root");
    EXPECT_EQ(report["roles"][0]["version"], 1);
    EXPECT_EQ(report["roles"][0]["signers"].size(), 1u);
    EXPECT_EQ(report["expiring"], json::array());
    EXPECT_EQ(report["unpublished"].size(), 4u);  // nothing published yet

    // Timestamp lives 14 days with a 2-day window: 10 days on it is fine, 13 days on it is not.
    r = run({"--json", "status", kGun}, {}, "+10d");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = run({"--json", "status", kGun}, {}, "+13d");
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(json::parse(r.out)["expiring"], (json{"timestamp"}));
    EXPECT_NE(r.err.find("timestamp"), std::string::npos) << r.err;

    // A one-run override widens the window; init's --warn was kept (snapshot 30d of 3y is far).
    r = run({"--json", "status", kGun, "--warn", "timestamp=5d"}, {}, "+10d");
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(json::parse(r.out)["expiring"], (json{"timestamp"}));
    EXPECT_EQ(json::parse(read_text(state("repository.json")))["warn"]["snapshot"], "30d");
    r = run({"--json", "status", kGun}, {}, "+1070d");  // 3y = 1095d: snapshot and targets within 30d
    EXPECT_EQ(r.exit_code, 6) << r.err;
    report = json::parse(r.out);
    EXPECT_EQ(report["expiring"], (json{"targets", "snapshot", "timestamp"}));

    // refresh moves timestamp out of the window again.
    ASSERT_EQ(run({"refresh", kGun}, {}, "+13d").exit_code, 0);
    r = run({"status", kGun}, {}, "+13d");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_P(SignCli, ControlCharacterTagIsRefusedInTheNotaryDialect) {
    if (dialect() != Dialect::notary) GTEST_SKIP() << "the tuf dialect can publish such names";
    init();
    const auto before = all_files();
    auto r = run({"sign", std::string(kGun) + ":bad\x01tag", "--digest", "sha256:" + kDigestA, "--size", "1"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(all_files(), before);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SignCli, ::testing::Values(Dialect::notary, Dialect::tuf),
                         [](const ::testing::TestParamInfo<Dialect>& p) {
                             return std::string(tuf::to_string(p.param));
                         });

}  // namespace
}  // namespace tufkey::testing
