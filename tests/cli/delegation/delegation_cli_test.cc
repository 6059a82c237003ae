// delegation add/remove/list and signer add/remove, black box, in both dialects. Claims are
// checked on the written metadata (parsed with tufkey::tuf), on `verify` and on `inspect`;
// every refusal is checked to leave the home byte for byte as it was.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "process.h"
#include "tufkey/core/encoding.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/sign.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using tuf::Dialect;
using tuf::RoleName;

class DelegationCli : public ::testing::TestWithParam<Dialect> {
protected:
    Dialect dialect() const { return GetParam(); }
    bool notary() const { return dialect() == Dialect::notary; }
    std::string gun() const { return notary() ? "registry.example.com/team/app" : "tuf.example/app"; }

    ProcessResult run(const fs::path& home, const std::vector<std::string>& args) const {
        return w.tufkey(home, args, {{"TUFKEY_DELEGATION_PASSPHRASE", "delegation-passphrase"}});
    }
    ProcessResult ok(const fs::path& home, const std::vector<std::string>& args) const {
        ProcessResult r = run(home, args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        EXPECT_EQ(r.exit_code, 0) << "tufkey " << line << "\n" << r.out << r.err;
        return r;
    }
    void init(const fs::path& home) const { w.init(home, gun(), {"root-a"}, tuf::to_string(dialect())); }
    // `key generate NAME` in `home`: writes keys/NAME.pub; returns the key ID it prints.
    std::string generate(const fs::path& home, const std::string& name, const std::string& type = "") const {
        std::vector<std::string> args{"key", "generate", name, "--dir", (w / "keys").string()};
        if (!type.empty()) args.insert(args.end(), {"--type", type});
        fs::create_directories(w / "keys");
        std::istringstream out(ok(home, args).out);
        std::string id;
        out >> id;
        return id;
    }
    std::string pub(const std::string& name) const { return (w / "keys" / (name + ".pub")).string(); }
    json list(const fs::path& home) const { return json::parse(ok(home, {"--json", "delegation", "list", gun()}).out); }
    // The delegations of targets.json as written.
    tuf::Delegations delegations_of(const fs::path& home, const RoleName& role = RoleName::targets()) const {
        const auto file = home / "tuf" / gun() / "metadata" / tuf::DialectProfile::of(dialect()).file_name(role);
        auto envelope = tuf::parse_envelope(dialect(), read_text(file), role.str());
        EXPECT_TRUE(envelope.ok()) << file;
        auto targets = tuf::decode_targets(dialect(), envelope->signed_part);
        EXPECT_TRUE(targets.ok());
        return targets->delegations.value_or(tuf::Delegations{});
    }
    RoleName role(const std::string& name) const { return *RoleName::delegated(dialect(), name); }
    std::string digest(const std::string& content) const { return "sha256:" + sha256_hex(content); }
    void sign(const fs::path& home, const std::string& tag, const std::string& content,
              const std::vector<std::string>& more = {}) const {
        std::vector<std::string> args{"sign",          gun() + ":" + tag, "--digest",
                                      digest(content), "--size",          std::to_string(content.size())};
        args.insert(args.end(), more.begin(), more.end());
        ok(home, args);
    }

    TufkeyWorld w{{"root-a"}, "tufkey-delegation"};
    fs::path admin = w / "admin";
};

std::string dialect_name(const ::testing::TestParamInfo<Dialect>& info) { return tuf::to_string(info.param); }
INSTANTIATE_TEST_SUITE_P(BothDialects, DelegationCli, ::testing::Values(Dialect::notary, Dialect::tuf), dialect_name);

TEST_P(DelegationCli, SignerAddDelegatesBothRolesAndRemoveTakesThemOut) {
    init(admin);
    const std::string alice = generate(w / "alice", "alice");
    ASSERT_EQ(alice.size(), 64u);
    ok(admin, {"signer", "add", "alice", gun(), "--key", pub("alice")});

    const tuf::Delegations d = delegations_of(admin);
    ASSERT_EQ(d.roles.size(), 2u);
    EXPECT_EQ(d.roles[0].name.str(), "targets/alice");  // docker's order
    EXPECT_EQ(d.roles[1].name.str(), "targets/releases");
    for (const auto& r : d.roles) {
        ASSERT_EQ(r.keyids.size(), 1u);
        EXPECT_EQ(d.keys.at(r.keyids[0]).canonical_id().str(), alice);
        EXPECT_EQ(std::get<tuf::PathPatterns>(r.paths).patterns, std::vector<std::string>{notary() ? "" : "*"});
    }
    const json listed = list(admin);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[1]["role"], "targets/releases");
    EXPECT_EQ(listed[1]["keys"], json::array({alice}));
    EXPECT_TRUE(listed[1]["version"].is_null());  // not signed yet
    const ProcessResult verified = ok(admin, {"verify", gun()});
    EXPECT_NE(verified.out.find("2 delegated role(s) never signed"), std::string::npos) << verified.out;
    const json inspected = json::parse(ok(admin, {"inspect", gun()}).out);
    ASSERT_EQ(inspected[0]["Signers"].size(), 1u);
    EXPECT_EQ(inspected[0]["Signers"][0]["Name"], "alice");
    EXPECT_EQ(inspected[0]["Signers"][0]["Keys"][0]["ID"], alice);

    // Leaving targets/releases keyless needs --yes; without a terminal it is a usage error.
    const auto before = file_tree(admin);
    const ProcessResult asked = run(admin, {"signer", "remove", "alice", gun()});
    EXPECT_EQ(asked.exit_code, 2) << asked.err;
    EXPECT_NE(asked.err.find("holds the last key of targets/releases"), std::string::npos) << asked.err;
    EXPECT_EQ(file_tree(admin), before);
    ok(admin, {"signer", "remove", "alice", gun(), "--yes"});
    EXPECT_TRUE(delegations_of(admin).roles.empty());
    EXPECT_TRUE(list(admin).empty());
    EXPECT_TRUE(json::parse(ok(admin, {"inspect", gun()}).out)[0]["Signers"].empty());
    ok(admin, {"verify", gun()});
}

TEST_P(DelegationCli, SignerRemoveKeepsReleasesWhileAnotherSignerHoldsIt) {
    init(admin);
    const std::string alice = generate(w / "alice", "alice");
    const std::string bob = generate(w / "bob", "bob");
    ok(admin, {"signer", "add", "alice", gun(), "--key", pub("alice")});
    ok(admin, {"signer", "add", "bob", gun(), "--key", pub("bob")});
    ok(admin, {"signer", "remove", "alice", gun()});  // bob still holds releases: no question
    const tuf::Delegations d = delegations_of(admin);
    ASSERT_EQ(d.roles.size(), 2u);
    EXPECT_EQ(d.roles[0].name.str(), "targets/releases");
    ASSERT_EQ(d.roles[0].keyids.size(), 1u);
    EXPECT_EQ(d.keys.at(d.roles[0].keyids[0]).canonical_id().str(), bob);
    EXPECT_EQ(d.roles[1].name.str(), "targets/bob");
    for (const auto& [id, key] : d.keys) EXPECT_NE(key.canonical_id().str(), alice);
    EXPECT_EQ(run(admin, {"signer", "remove", "alice", gun()}).exit_code, 2);  // no such signer
}

// A delegation nobody has signed yet, listed before the role that holds a tag: the notary
// client skips it, TUF clients (tuf-js, python-tuf) fail the lookup that reaches it, and
// `verify GUN:TAG` does what the dialect's clients do.
TEST_P(DelegationCli, AnUnsignedDelegationBeforeTheTagIsSkippedOnlyInNotary) {
    init(admin);
    generate(w / "bob", "bob");
    generate(admin, "alice");
    ok(admin, {"signer", "add", "bob", gun(), "--key", pub("bob")});
    ok(admin, {"signer", "add", "alice", gun(), "--key", pub("alice")});  // after bob and releases
    sign(admin, "v4", "only in alice's role", {"--role", "targets/alice"});
    const ProcessResult looked_up = run(admin, {"verify", gun() + ":v4"});
    if (notary()) {
        EXPECT_EQ(looked_up.exit_code, 0) << looked_up.err;
        EXPECT_NE(looked_up.out.find(sha256_hex("only in alice's role")), std::string::npos);
    } else {
        EXPECT_EQ(looked_up.exit_code, 1);
        EXPECT_NE(looked_up.err.find("targets/bob"), std::string::npos) << looked_up.err;
    }
    ok(admin, {"verify", gun()});  // the whole repository verifies either way
}

TEST_P(DelegationCli, UnsafeRoleNamesAreRefusedAndTheHomeIsUnchanged) {
    init(admin);
    generate(admin, "team");
    const auto before = file_tree(admin);
    for (const std::string& name : std::vector<std::string>{
             "targets/../x", "/targets/x", "targets/%2e%2e/x", "targets/%2Fx", "targets\\x", "targets//x", "targets/x/",
             "targets/./x", "targets/" + std::string(100, 'a'), "targets/a\nb", "root", "targets"}) {
        const ProcessResult r = run(admin, {"delegation", "add", gun(), name, "--key", pub("team"), "--all-paths"});
        EXPECT_EQ(r.exit_code, 2) << name << "\n" << r.err;
        EXPECT_EQ(file_tree(admin), before) << name;
    }
    for (const std::string name : {"../x", "x/..", "%2e%2e"}) {  // tuf names need no "targets/"
        EXPECT_EQ(run(admin, {"delegation", "add", gun(), name, "--key", pub("team"), "--all-paths"}).exit_code, 2)
            << name;
    }
    // A signer name is a docker name.
    for (const std::string name : {"Alice", "../alice", "releases", "-x", "a/b"})
        EXPECT_EQ(run(admin, {"signer", "add", name, gun(), "--key", pub("team")}).exit_code, 2) << name;
    EXPECT_EQ(file_tree(admin), before);
}

TEST_P(DelegationCli, KeysAreCheckedAndOptionsTheDialectLacksRefused) {
    init(admin);
    generate(admin, "team");
    const fs::path keys = w / "keys";
    const fs::path priv = keys / "plain.pem";
    ASSERT_EQ(run_process({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                           priv.string()})
                  .exit_code,
              0);
    ASSERT_EQ(run_process({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out",
                           (keys / "weak.pem").string()})
                  .exit_code,
              0);
    ASSERT_EQ(run_process({"openssl", "pkey", "-in", (keys / "weak.pem").string(), "-pubout", "-out",
                           (keys / "weak.pub").string()})
                  .exit_code,
              0);
    write_text(keys / "garbage.pub", "not a key\n");
    const auto before = file_tree(admin);
    auto add = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"delegation", "add", gun(), "targets/team"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(admin, args);
    };
    EXPECT_EQ(add({"--key", priv.string(), "--all-paths"}).exit_code, 2);                 // a private key
    EXPECT_EQ(add({"--key", (keys / "weak.pub").string(), "--all-paths"}).exit_code, 2);  // RSA-1024
    EXPECT_EQ(add({"--key", (keys / "garbage.pub").string(), "--all-paths"}).exit_code, 2);
    EXPECT_EQ(add({"--key", (keys / "missing.pub").string(), "--all-paths"}).exit_code, 2);
    EXPECT_EQ(add({"--key", pub("team")}).exit_code, 2);  // a new role needs paths
    EXPECT_EQ(add({"--key", pub("team"), "--all-paths", "--paths", "a"}).exit_code, 2);
    EXPECT_EQ(add({"--key", pub("team"), "--all-paths", "--threshold", "2"}).exit_code, 2);  // 1 key, threshold 2
    if (notary()) {
        EXPECT_EQ(add({"--key", pub("team"), "--hash-prefixes", "0"}).exit_code, 2);
        EXPECT_EQ(add({"--key", pub("team"), "--all-paths", "--terminating"}).exit_code, 2);
    }
    EXPECT_EQ(add({"--key", pub("team"), "--hash-prefixes", "0G"}).exit_code, 2);
    EXPECT_EQ(file_tree(admin), before);

    // An X.509 certificate is accepted (notary: listed as a certificate, as Notary lists it);
    // one that expired is accepted with a warning.
    const fs::path cert = keys / "old.crt";
    ASSERT_EQ(run_process({"faketime", "2020-01-01 00:00:00", "openssl", "req", "-x509", "-key", priv.string(), "-subj",
                           "/CN=team", "-days", "30", "-out", cert.string()})
                  .exit_code,
              0);
    const ProcessResult added = add({"--key", cert.string(), "--all-paths"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    EXPECT_NE(added.err.find("expired"), std::string::npos) << added.err;
    const tuf::Delegations d = delegations_of(admin);
    ASSERT_EQ(d.keys.size(), 1u);
    EXPECT_EQ(d.keys.begin()->second.keytype(), notary() ? "ecdsa-x509" : "ecdsa");
}

TEST_P(DelegationCli, NestedRoleIsSignedByItsParentsKey) {
    init(admin);
    generate(w / "elsewhere", "team");  // the team key is not in the admin's home
    generate(admin, "sub");
    ok(admin,
       {"delegation", "add", gun(), "targets/team", "--key", pub("team"), "--paths", notary() ? "team-" : "team-*"});
    const auto before = file_tree(admin);
    const ProcessResult no_key =
        run(admin, {"delegation", "add", gun(), "targets/team/sub", "--key", pub("sub"), "--all-paths"});
    EXPECT_EQ(no_key.exit_code, 3) << no_key.err;
    EXPECT_NE(no_key.err.find("targets/team"), std::string::npos) << no_key.err;
    EXPECT_EQ(file_tree(admin), before);
    const ProcessResult orphan =
        run(admin, {"delegation", "add", gun(), "targets/nobody/sub", "--key", pub("sub"), "--all-paths"});
    EXPECT_EQ(orphan.exit_code, 2) << orphan.err;

    // Where the team key is held, the nested role is added, targets/team signed by it.
    const fs::path team_home = w / "elsewhere";
    ok(admin, {"publish", gun(), "--to", (w / "site").string()});
    ok(team_home, {"pull", gun(), "--from", (w / "site").string(), "--yes"});
    ok(team_home, {"delegation", "list", gun()});
    // The team's home holds the team key but no snapshot key: it signs targets/team only, and
    // the change reaches the owner by bundle, whose import re-signs snapshot and timestamp.
    const ProcessResult nested = run(team_home, {"delegation", "add", gun(), "targets/team/sub", "--key", pub("sub"),
                                                 "--paths", notary() ? "team-sub-" : "team-sub-*"});
    ASSERT_EQ(nested.exit_code, 0) << nested.err;
    EXPECT_NE(nested.err.find("bundle export"), std::string::npos) << nested.err;
    ok(team_home, {"bundle", "export", gun(), "-o", (w / "team.bundle").string()});
    ok(admin, {"bundle", "import", (w / "team.bundle").string()});
    const json listed = list(admin);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[1]["role"], "targets/team/sub");
    EXPECT_EQ(listed[1]["parent"], "targets/team");
    EXPECT_EQ(listed[0]["version"], 1);  // targets/team, signed by the team key
    EXPECT_FALSE(listed[0]["key_held"].get<bool>());
    EXPECT_TRUE(listed[1]["key_held"].get<bool>());
    // The admin holds the sub key: it signs into the nested role, inside its paths only.
    sign(admin, "team-sub-1", "nested build", {"--role", "targets/team/sub"});
    EXPECT_EQ(
        run(admin, {"sign", gun() + ":team-x", "--digest", digest("x"), "--size", "1", "--role", "targets/team/sub"})
            .exit_code,
        2);
    const ProcessResult found = ok(admin, {"verify", gun() + ":team-sub-1"});
    EXPECT_NE(found.out.find(sha256_hex("nested build")), std::string::npos) << found.out;
}

TEST_P(DelegationCli, SignStaysInsideTheRolesPaths) {
    init(admin);
    generate(admin, "team");
    ok(admin,
       {"delegation", "add", gun(), "targets/team", "--key", pub("team"), "--paths", notary() ? "team-" : "team-*"});
    sign(admin, "team-1", "a team build", {"--role", "targets/team"});
    ok(admin, {"verify", gun() + ":team-1"});
    const auto before = file_tree(admin);
    const ProcessResult outside =
        run(admin, {"sign", gun() + ":v1", "--digest", digest("x"), "--size", "1", "--role", "targets/team"});
    EXPECT_EQ(outside.exit_code, 2) << outside.err;
    EXPECT_NE(outside.err.find("outside the paths"), std::string::npos) << outside.err;
    EXPECT_EQ(file_tree(admin), before);
    // Adding a key to a signed role keeps it verifying; removing the key that signed it is refused
    // until a remaining key re-signs it.
    generate(w / "other", "other");
    ok(admin, {"delegation", "add", gun(), "targets/team", "--key", pub("other")});
    ok(admin, {"verify", gun() + ":team-1"});
    const json listed = list(admin);
    const std::string team_id = listed[0]["keys"][0];
    const auto signed_before = file_tree(admin);
    EXPECT_EQ(run(admin, {"delegation", "remove", gun(), "targets/team", "--key", team_id.substr(0, 10)}).exit_code, 5);
    EXPECT_EQ(file_tree(admin), signed_before);
    ok(admin, {"delegation", "remove", gun(), "targets/team"});
    EXPECT_EQ(run(admin, {"verify", gun() + ":team-1"}).exit_code, 1);
    ok(admin, {"verify", gun()});  // the retired role's file stays listed, nothing trusts it
    // Delegated again with other paths, its signed file lists team-1 outside them: clients do
    // not take it from there. Once the paths cover it again, it verifies.
    ok(admin,
       {"delegation", "add", gun(), "targets/team", "--key", pub("team"), "--paths", notary() ? "other-" : "other-*"});
    ok(admin, {"verify", gun()});
    EXPECT_EQ(run(admin, {"verify", gun() + ":team-1"}).exit_code, 1);
    ok(admin, {"delegation", "add", gun(), "targets/team", "--paths", notary() ? "team-" : "team-*"});
    ok(admin, {"verify", gun() + ":team-1"});
}

TEST_P(DelegationCli, ExportedDelegationImportsIntoAnotherRepositoryAndATamperedOneIsRefused) {
    init(admin);
    const std::string other = gun() + "-other";
    w.init(admin, other, {"root-a"}, tuf::to_string(dialect()));
    const std::string qa = generate(w / "qa", "qa");
    ok(admin, {"delegation", "add", gun(), "targets/qa", "--key", pub("qa"), "--paths", "qa-"});
    const fs::path package = w / "qa.delegation";
    ok(admin, {"delegation", "export", gun(), "targets/qa", "-o", package.string()});
    const json doc = json::parse(read_text(package));
    EXPECT_EQ(doc["role"], "targets/qa");
    EXPECT_EQ(doc["keys"], json::array({qa}));
    EXPECT_EQ(doc["paths"], json::array({"qa-"}));
    EXPECT_EQ(doc["threshold"], 1);

    // Tampered: a path added to the plain members, or the signed file changed.
    auto tampered = [&](const std::function<void(json&)>& change) {
        json copy = doc;
        change(copy);
        const fs::path file = w / "tampered.delegation";
        write_text(file, copy.dump());
        return file;
    };
    const auto before = file_tree(admin);
    const fs::path wider = tampered([](json& j) { j["paths"] = json::array({""}); });
    EXPECT_EQ(run(admin, {"delegation", "import", wider.string(), "--gun", other, "-y"}).exit_code, 1);
    std::string bytes = std::string(doc["parent_file"]["bytes"]);
    auto decoded = core::base64_decode(bytes);
    ASSERT_TRUE(decoded.ok());
    std::string parent = core::to_string(*decoded);
    const auto at = parent.find("qa-");
    ASSERT_NE(at, std::string::npos);
    parent.replace(at, 3, "qa_");  // the signed paths, changed
    const fs::path resigned = tampered([&](json& j) {
        j["parent_file"]["bytes"] = core::base64_encode(core::as_bytes(parent));
        j["parent_file"]["sha256"] = sha256_hex(parent);
        j["parent_file"]["length"] = parent.size();
        j["paths"] = json::array({"qa_"});
    });
    const ProcessResult forged_import = run(admin, {"delegation", "import", resigned.string(), "--gun", other, "-y"});
    EXPECT_EQ(forged_import.exit_code, 1) << forged_import.err;
    EXPECT_NE(forged_import.err.find("threshold"), std::string::npos) << forged_import.err;
    EXPECT_EQ(file_tree(admin), before);

    // Without a terminal, the import needs -y; with it, the role lands in the other repository.
    EXPECT_EQ(run(admin, {"delegation", "import", package.string(), "--gun", other}).exit_code, 2);
    EXPECT_EQ(file_tree(admin), before);
    const ProcessResult imported = ok(admin, {"delegation", "import", package.string(), "--gun", other, "-y"});
    EXPECT_NE(imported.err.find("key " + qa), std::string::npos) << imported.err;
    const json listed = json::parse(ok(admin, {"--json", "delegation", "list", other}).out);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["role"], "targets/qa");
    EXPECT_EQ(listed[0]["keys"], json::array({qa}));
    EXPECT_EQ(listed[0]["paths"], json::array({"qa-"}));
    ok(admin, {"verify", other});
    // Once there, a second import is a usage error.
    EXPECT_EQ(run(admin, {"delegation", "import", package.string(), "--gun", other, "-y"}).exit_code, 2);
}

// Removing the key that signed a role's current file is refused until a remaining delegate
// re-signs it in their own home (`refresh --role`, no snapshot key there) and the owner imports it.
TEST_P(DelegationCli, ARemainingDelegateReSignsBeforeTheSigningKeyGoes) {
    init(admin);
    const fs::path alice = w / "alice", bob = w / "bob", site = w / "site";
    const std::string alice_id = generate(alice, "alice");
    generate(bob, "bob");
    ok(admin, {"delegation", "add", gun(), "targets/team", "--key", pub("alice"), "--key", pub("bob"), "--all-paths"});
    ok(admin, {"publish", gun(), "--to", site.string()});
    ok(alice, {"pull", gun(), "--from", site.string(), "--yes"});
    sign(alice, "v1", "alice's build", {"--role", "targets/team"});
    ok(alice, {"bundle", "export", gun(), "-o", (w / "alice.bundle").string()});
    ok(admin, {"bundle", "import", (w / "alice.bundle").string()});
    const auto before = file_tree(admin);
    const ProcessResult refused = run(admin, {"delegation", "remove", gun(), "targets/team", "--key", alice_id});
    EXPECT_EQ(refused.exit_code, 5) << refused.err;
    EXPECT_EQ(file_tree(admin), before);

    ok(admin, {"publish", gun(), "--to", site.string()});
    ok(bob, {"pull", gun(), "--from", site.string(), "--yes"});
    ok(bob, {"refresh", gun(), "--role", "targets/team"});
    ok(bob, {"bundle", "export", gun(), "-o", (w / "bob.bundle").string()});
    ok(admin, {"bundle", "import", (w / "bob.bundle").string()});
    ok(admin, {"delegation", "remove", gun(), "targets/team", "--key", alice_id});
    const ProcessResult still = ok(admin, {"verify", gun() + ":v1"});  // bob's signature carries it now
    EXPECT_NE(still.out.find(sha256_hex("alice's build")), std::string::npos) << still.out;
}

TEST(DelegationCliTuf, ThresholdOfTwoIsSignedByTwoKeysAndNeedsTwoDistinctOnes) {
    TufkeyWorld w({"root-a"}, "tufkey-delegation");
    const std::string gun = "tuf.example/app";
    const fs::path admin = w / "admin";
    w.init(admin, gun, {"root-a"}, "tuf");
    const std::map<std::string, std::optional<std::string>> env{{"TUFKEY_DELEGATION_PASSPHRASE", "deleg-passphrase"}};
    auto run = [&](const std::vector<std::string>& args) { return w.tufkey(admin, args, env); };
    fs::create_directories(w / "keys");
    for (const char* name : {"k1", "k2"})
        ASSERT_EQ(run({"key", "generate", name, "--dir", (w / "keys").string()}).exit_code, 0);
    const std::string k1 = (w / "keys/k1.pub").string(), k2 = (w / "keys/k2.pub").string();
    ASSERT_EQ(
        run({"delegation", "add", gun, "pair", "--key", k1, "--key", k2, "--paths", "*", "--threshold", "2"}).exit_code,
        0);
    const std::string content = "signed by two";
    ASSERT_EQ(run({"sign", gun + ":two", "--digest", "sha256:" + sha256_hex(content), "--size",
                   std::to_string(content.size()), "--role", "pair"})
                  .exit_code,
              0);
    auto envelope =
        tuf::parse_envelope(tuf::Dialect::tuf, read_text(admin / "tuf" / gun / "metadata/pair.json"), "pair");
    ASSERT_TRUE(envelope.ok());
    EXPECT_EQ(envelope->signatures.size(), 2u);
    const ProcessResult verified = run({"verify", gun + ":two"});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
    EXPECT_NE(verified.out.find(sha256_hex(content)), std::string::npos);
    // Removing one key would leave one key under a threshold of two.
    const auto before = file_tree(admin);
    auto listed = json::parse(run({"--json", "delegation", "list", gun}).out);
    const std::string first = listed[0]["keys"][0];
    EXPECT_EQ(run({"delegation", "remove", gun, "pair", "--key", first}).exit_code, 2);
    // One key given twice (as its .pub and as a certificate) is one key.
    const fs::path priv = w / "keys/one.pem", cert = w / "keys/one.crt", one = w / "keys/one.pub";
    ASSERT_EQ(run_process({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                           priv.string()})
                  .exit_code,
              0);
    ASSERT_EQ(run_process({"openssl", "pkey", "-in", priv.string(), "-pubout", "-out", one.string()}).exit_code, 0);
    ASSERT_EQ(run_process({"openssl", "req", "-x509", "-key", priv.string(), "-subj", "/CN=one", "-days", "30", "-out",
                           cert.string()})
                  .exit_code,
              0);
    EXPECT_EQ(run({"delegation", "add", gun, "same", "--key", one.string(), "--key", cert.string(), "--paths", "*",
                   "--threshold", "2"})
                  .exit_code,
              2);
    EXPECT_EQ(file_tree(admin), before);
}

// A delegate's role re-signed by a key its delegation does not list (here: a fresh key under
// its own ID replacing the delegate's signature) is refused by the owner's bundle import, and
// the owner's home is unchanged.
TEST_P(DelegationCli, DelegatedRoleSignedByAnUnlistedKeyIsRefusedOnImport) {
    init(admin);
    const fs::path alice = w / "alice";
    generate(alice, "alice");
    ok(admin, {"signer", "add", "alice", gun(), "--key", pub("alice")});
    ok(admin, {"publish", gun(), "--to", (w / "site").string()});
    ok(alice, {"pull", gun(), "--from", (w / "site").string(), "--yes"});
    sign(alice, "v2", "alice's image", {"--role", "targets/releases"});

    const fs::path file =
        alice / "tuf" / gun() / "metadata" / tuf::DialectProfile::of(dialect()).file_name(role("targets/releases"));
    auto envelope = tuf::parse_envelope(dialect(), read_text(file), "targets/releases");
    ASSERT_TRUE(envelope.ok());
    auto stranger = core::SoftwareSigner::generate(core::KeyType::ecdsa_p256);
    ASSERT_TRUE(stranger.ok());
    const tuf::Key key = tuf::DialectProfile::of(dialect()).metadata_key((*stranger)->public_key());
    envelope->signatures.clear();
    const tuf::SigningKey signing[] = {tuf::SigningKey{key, **stranger}};
    ASSERT_TRUE(tuf::sign_envelope(dialect(), *envelope, signing, tuf::KeyMap{{key.id(), key}}).ok());
    write_text(file, *tuf::serialize_envelope(dialect(), *envelope));
    ok(alice, {"bundle", "export", gun(), "-o", (w / "alice.bundle").string()});

    const auto before = file_tree(admin);
    const ProcessResult refused = run(admin, {"bundle", "import", (w / "alice.bundle").string()});
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("threshold"), std::string::npos) << refused.err;
    EXPECT_EQ(file_tree(admin), before);
}

}  // namespace
}  // namespace tufkey::testing
