// Both ways with the real notary client: keys made by notary import into tufkey and sign;
// keys exported or stored by tufkey are imported, listed and re-encrypted by notary.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <regex>

#include "fake_terminal.h"
#include "process.h"
#include "temp_dir.h"
#include "tufkey/keystore/key_operations.h"
#include "tufkey/tuf/key_id.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tt = tufkey::testing;
namespace fs = std::filesystem;

const std::map<std::string, std::optional<std::string>> kNoPassphrases = {
    {"TUFKEY_ROOT_PASSPHRASE", std::nullopt},
    {"TUFKEY_TARGETS_PASSPHRASE", std::nullopt},
    {"TUFKEY_SNAPSHOT_PASSPHRASE", std::nullopt},
    {"TUFKEY_TIMESTAMP_PASSPHRASE", std::nullopt},
    {"TUFKEY_DELEGATION_PASSPHRASE", std::nullopt},
    {"NOTARY_ROOT_PASSPHRASE", std::nullopt},
    {"NOTARY_TARGETS_PASSPHRASE", std::nullopt},
    {"NOTARY_SNAPSHOT_PASSPHRASE", std::nullopt},
    {"NOTARY_DELEGATION_PASSPHRASE", std::nullopt},
    {"DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE", std::nullopt},
    {"DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE", std::nullopt}};

tt::ProcessResult run(const std::vector<std::string>& argv, std::map<std::string, std::optional<std::string>> env) {
    tt::ProcessOptions options;
    options.env = kNoPassphrases;
    for (auto& [k, v] : env) options.env[k] = v;
    options.env["HOME"] = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
    return tt::run_process(argv, options);
}

tt::ProcessResult tufkey(const fs::path& home, std::vector<std::string> args,
                         std::map<std::string, std::optional<std::string>> env = {}) {
    args.insert(args.begin(), {tt::tufkey_binary(), "--home", home.string()});
    return run(args, std::move(env));
}

tt::ProcessResult notary(const fs::path& dir, std::vector<std::string> args,
                         std::map<std::string, std::optional<std::string>> env = {}) {
    args.insert(args.begin(), {"notary", "-d", dir.string()});
    return run(args, std::move(env));
}

// Key IDs (64 hex digits) in `notary key list` output, with their role column.
std::map<std::string, std::string> notary_key_list(const fs::path& dir) {
    auto r = notary(dir, {"key", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::string> roles;
    std::regex row(R"(^\s*(\S+)\s+(?:(\S+)\s+)?([0-9a-f]{64})\s)");
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_search(line, m, row)) roles[m[3]] = m[1];
    }
    return roles;
}

void expect_signs(core::SoftwareSigner& signer, const core::PublicKey& independent) {
    core::SignatureScheme scheme{core::HashAlgorithm::sha256, core::SignatureEncoding::ecdsa_raw};
    if (independent.algorithm() == core::KeyAlgorithm::ed25519) scheme.encoding = core::SignatureEncoding::ed25519;
    if (independent.algorithm() == core::KeyAlgorithm::rsa) scheme.encoding = core::SignatureEncoding::rsa_pss;
    const auto message = core::to_bytes("bytes signed with a key notary made");
    auto sig = signer.sign(scheme, message);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(independent.verify(scheme, message, *sig).ok());
    auto other = core::to_bytes("other bytes");
    EXPECT_FALSE(independent.verify(scheme, other, *sig).ok());
}

std::unique_ptr<core::SoftwareSigner> open_in_home(const fs::path& home, const std::string& id, const std::string& var,
                                                   const std::string& pass) {
    keystore::TrustHome h(home);
    auto key = h.find_key(id);
    EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message);
    if (!key) return nullptr;
    tt::FakeTerminal term(false);  // environment only, never a prompt
    keystore::PassphraseSource source(term, [&](const std::string& name) -> std::optional<core::SecretBytes> {
        if (name == var) return core::SecretBytes::copy_of(pass);
        return std::nullopt;
    });
    auto signer = keystore::load_signer(h, source, *key);
    EXPECT_TRUE(signer.ok()) << (signer.ok() ? "" : signer.error().message);
    return signer.ok() ? std::move(signer).value() : nullptr;
}

TEST(NotaryInterop, KeyExportedByNotaryImportsIntoTufkeyAndSigns) {
    tt::TempDir dir;
    const auto nh = dir / "notary";
    const std::map<std::string, std::optional<std::string>> env{{"NOTARY_DELEGATION_PASSPHRASE", "notary deleg pass"}};
    auto gen = notary(nh, {"key", "generate", "ecdsa", "--role", "targets/releases"}, env);
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto ids = notary_key_list(nh);
    ASSERT_EQ(ids.size(), 1u);
    const std::string id = ids.begin()->first;
    auto exp = notary(nh, {"key", "export", "--key", id, "-o", (dir / "export.pem").string()}, env);
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    ::chmod((dir / "export.pem").c_str(), 0600);

    auto imp = tufkey(dir / "home", {"key", "import", (dir / "export.pem").string()}, env);
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    EXPECT_NE(imp.out.find(id), std::string::npos);
    auto signer = open_in_home(dir / "home", id, "NOTARY_DELEGATION_PASSPHRASE", "notary deleg pass");
    ASSERT_TRUE(signer);
    EXPECT_EQ(tufkey::tuf::notary_canonical_key_id(signer->public_key()), id);  // notary's own ID for it
    expect_signs(*signer, signer->public_key());
}

TEST(NotaryInterop, NotaryGenerateOutputWithoutPathHeaderImportsAndMatchesItsPublicKey) {
    tt::TempDir dir;
    const std::map<std::string, std::optional<std::string>> env{{"NOTARY_DELEGATION_PASSPHRASE", "bob passphrase"}};
    auto gen = notary(dir / "notary", {"key", "generate", "ecdsa", "--role", "bob", "-o", (dir / "bob").string()}, env);
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto pub = core::PublicKey::from_pem(tt::read_text(dir / "bob.pem"));
    ASSERT_TRUE(pub.ok()) << pub.error().message;
    auto imp = tufkey(dir / "home", {"key", "import", (dir / "bob-key.pem").string()}, env);
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    const std::string id = tufkey::tuf::notary_canonical_key_id(*pub);
    EXPECT_NE(imp.out.find(id), std::string::npos);
    auto signer = open_in_home(dir / "home", id, "NOTARY_DELEGATION_PASSPHRASE", "bob passphrase");
    ASSERT_TRUE(signer);
    expect_signs(*signer, *pub);
    // A wrong passphrase from the environment is refused with exit 3, nothing imported.
    auto wrong = tufkey(dir / "home2", {"key", "import", (dir / "bob-key.pem").string()},
                        {{"NOTARY_DELEGATION_PASSPHRASE", "not bob's"}});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_FALSE(fs::exists(dir / "home2" / "private" / (id + ".key")));
}

TEST(NotaryInterop, KeysExportedByTufkeyAreImportedAndListedByNotaryWithTheSameIds) {
    tt::TempDir dir;
    const std::map<std::string, std::optional<std::string>> env{{"TUFKEY_DELEGATION_PASSPHRASE", "signer pass 1"}};
    std::set<std::string> ids;
    for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
             {"alice", "ecdsa-p256"}, {"edith", "ed25519"}, {"rsa-signer", "rsa-3072"}}) {
        auto gen = tufkey(dir / "home", {"key", "generate", name, "--dir", dir.path().string(), "--type", type}, env);
        ASSERT_EQ(gen.exit_code, 0) << gen.err;
        ids.insert(gen.out.substr(0, 64));
    }
    auto exp = tufkey(dir / "home", {"key", "export", "-o", (dir / "all.pem").string()});
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    auto imp = notary(dir / "notary", {"key", "import", (dir / "all.pem").string()});
    ASSERT_EQ(imp.exit_code, 0) << imp.err << imp.out;
    auto listed = notary_key_list(dir / "notary");
    std::set<std::string> listed_ids;
    for (const auto& [id, role] : listed) listed_ids.insert(id);
    EXPECT_EQ(listed_ids, ids);
    EXPECT_EQ(listed.at(*ids.begin()).empty(), false);
}

TEST(NotaryInterop, NotaryUsesKeysInATufkeyHomeAndTufkeyReadsWhatNotaryRewrites) {
    tt::TempDir dir;
    const auto home = dir / "home";
    const std::map<std::string, std::optional<std::string>> tenv{{"TUFKEY_DELEGATION_PASSPHRASE", "shared pass 1"}};
    const std::map<std::string, std::optional<std::string>> nenv{{"NOTARY_DELEGATION_PASSPHRASE", "shared pass 1"}};
    std::map<std::string, std::string> made;  // id -> role
    for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
             {"alice", "ecdsa-p256"}, {"edith", "ed25519"}, {"ricky", "rsa-3072"}, {"pat", "ecdsa-p384"}}) {
        auto gen = tufkey(home, {"key", "generate", name, "--dir", dir.path().string(), "--type", type}, tenv);
        ASSERT_EQ(gen.exit_code, 0) << gen.err;
        made[gen.out.substr(0, 64)] = name;
    }
    EXPECT_EQ(notary_key_list(home), made);
    for (const auto& [id, role] : made) {
        // A wrong passphrase is refused by notary: it really decrypts our files.
        auto bad = notary(home, {"key", "passwd", id}, {{"NOTARY_DELEGATION_PASSPHRASE", "not the pass"}});
        EXPECT_NE(bad.exit_code, 0) << role;
        auto ok = notary(home, {"key", "passwd", id}, nenv);
        EXPECT_EQ(ok.exit_code, 0) << role << ": " << ok.err << ok.out;
        // notary rewrote the file in its own encoding (2048 iterations); tufkey reads it back.
        auto signer = open_in_home(home, id, "NOTARY_DELEGATION_PASSPHRASE", "shared pass 1");
        ASSERT_TRUE(signer) << role;
        EXPECT_EQ(tufkey::tuf::notary_canonical_key_id(signer->public_key()), id);
        auto pub = core::PublicKey::from_pem(tt::read_text(dir / (role + ".pub")));
        ASSERT_TRUE(pub.ok());
        expect_signs(*signer, *pub);
    }
}

}  // namespace
