// The whole root ceremony with a root key generated on each token tufkey is proven on, in both
// dialects: `init` 2-of-2 over a root key generated on the token under test (SoftHSM2, or a
// software TPM 2.0 through tpm2-pkcs11) and one generated on a second SoftHSM token, `sign`,
// `publish` to a static directory, then verification by real clients: the notary client lists
// the tags (notary dialect), tuf-js refreshes and finds every target (tuf dialect), and
// `tufkey verify` agrees. The transcript records the template profile each token accepted and
// the attributes read back. Each root key is named by a URI carrying its module-path, so one
// init uses two PKCS#11 modules at once.
//
// Black-box token failures on the same tokens: Ed25519 refused up front with the key types the
// token offers, a wrong PIN (one try, exit 3), and the token's store removed (exit 3, one line
// naming the problem and what to do).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "process.h"
#include "static_server.h"
#include "temp_dir.h"
#include "test_token.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kHere = fs::path(TUFKEY_SOURCE_DIR) / "tests/interop/ceremony";

struct CeremonyCase final {
    TokenModule module;
    std::string dialect;
};

void PrintTo(const CeremonyCase& c, std::ostream* os) { *os << to_string(c.module) << " " << c.dialect; }

// The token under test, a second SoftHSM token "spare-root" (in the token's own store when that
// is SoftHSM: make the token with TUFKEY_REQUIRE_TOKEN(t, module, label, {"spare-root"})), a work
// directory, and tufkey as a process.
class TwoTokenWorld final {
public:
    explicit TwoTokenWorld(std::unique_ptr<TestToken> token) : m_token(std::move(token)), m_work("tufkey-tokens") {
        if (m_token->kind() != TokenModule::softhsm)
            m_softhsm = std::make_unique<SoftHsmStore>(SoftHsmOptions{.labels = {"spare-root"}});
        m_pin = m_token->write_pin_file();  // every test token has the same user PIN
    }
    [[nodiscard]] fs::path operator/(const std::string& name) const { return m_work.path() / name; }
    [[nodiscard]] const TestToken& token() const { return *m_token; }
    [[nodiscard]] const fs::path& pin_file() const { return m_pin; }

    // A root key URI on the token under test / on the spare SoftHSM token, with module-path.
    [[nodiscard]] std::string root_uri() const {
        return "pkcs11:token=" + m_token->label() + ";object=root?module-path=" + m_token->module_path();
    }
    [[nodiscard]] static std::string spare_uri() {
        return std::string("pkcs11:token=spare-root;object=root?module-path=") + k_softhsm_module;
    }

    ProcessResult tufkey(const fs::path& home, std::vector<std::string> args,
                         std::map<std::string, std::optional<std::string>> env = {}) const {
        ProcessOptions options;
        options.env = m_token->env();
        if (m_softhsm)
            for (const auto& [k, v] : m_softhsm->env()) options.env[k] = v;
        options.env["TUFKEY_HOME"] = std::nullopt;
        options.env["TUFKEY_PKCS11_MODULE"] = std::nullopt;
        options.env["TUFKEY_PKCS11_PIN"] = std::nullopt;
        options.env["TUFKEY_TARGETS_PASSPHRASE"] = "targets-passphrase";
        options.env["TUFKEY_SNAPSHOT_PASSPHRASE"] = "snapshot-passphrase";
        options.env["TUFKEY_TIMESTAMP_PASSPHRASE"] = "timestamp-passphrase";
        for (auto& [k, v] : env) options.env[k] = v;
        options.timeout = std::chrono::seconds(180);
        args.insert(args.begin(), {tufkey_binary(), "--home", home.string()});
        return run_process(args, options);
    }
    ProcessResult ok(const fs::path& home, std::vector<std::string> args) const {
        ProcessResult r = tufkey(home, args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        EXPECT_EQ(r.exit_code, 0) << "tufkey " << line << "\n" << r.out << r.err;
        return r;
    }

private:
    std::unique_ptr<TestToken> m_token;
    std::unique_ptr<SoftHsmStore> m_softhsm;
    TempDir m_work;
    fs::path m_pin;
};

// Signs two tags, publishes to a static directory and checks them with tufkey verify and the
// real client of the dialect: the notary client lists the tags, tuf-js (trusting 1.root.json and
// following any newer root) finds every target.
void publish_and_verify_with_real_clients(const TwoTokenWorld& w, const fs::path& home, const std::string& gun,
                                          const std::string& dialect) {
    const std::map<std::string, std::string> targets{{"v1", "first image manifest"},
                                                     {"latest", "second image manifest, a bit longer"}};
    for (const auto& [name, content] : targets)
        w.ok(home, {"sign", gun + ":" + name, "--digest", "sha256:" + sha256_hex(content), "--size",
                    std::to_string(content.size())});
    w.ok(home, {"publish", gun, "--to", (w / "site").string()});
    for (const auto& [name, content] : targets) {
        const auto verified = w.ok(home, {"verify", gun + ":" + name});
        EXPECT_NE(verified.out.find(sha256_hex(content)), std::string::npos) << verified.out;
    }

    StaticServer server(w / "site", w / ".");
    ASSERT_FALSE(server.url().empty());
    if (dialect == "notary") {
        const auto list = run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
        ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
        for (const auto& [name, content] : targets)
            EXPECT_EQ(notary_tag_digest(list.out, name), sha256_hex(content)) << list.out;
    } else {
        std::vector<std::string> argv{"node", (kHere / "tufjs-check.js").string(), server.url(),
                                      (w / "site" / "1.root.json").string(), (w / "tufjs").string()};
        for (const auto& [name, content] : targets) argv.push_back(name);
        ProcessOptions options;
        const char* modules = std::getenv("TUFKEY_NODE_MODULES");
        options.env["NODE_PATH"] = modules != nullptr ? modules : TUFKEY_NODE_MODULES;
        const auto tufjs = run_process(argv, options);
        ASSERT_EQ(tufjs.exit_code, 0) << tufjs.err;
        const auto found = nlohmann::json::parse(tufjs.out);
        for (const auto& [name, content] : targets)
            EXPECT_EQ(found.at(name).at("hashes").at("sha256"), sha256_hex(content)) << name;
    }
}

class TokenCeremony : public ::testing::TestWithParam<CeremonyCase> {};

TEST_P(TokenCeremony, RootGeneratedOnTheTokenSignsPublishesAndRealClientsVerify) {
    const auto& c = GetParam();
    TUFKEY_REQUIRE_TOKEN(token, c.module, "ceremony-root", {"spare-root"});
    TwoTokenWorld w(std::move(token));
    const std::string gun = c.dialect == "tuf" ? "tuf.example/app" : "registry.example.com/team/app";
    const fs::path home = w / "home";
    const auto init = w.ok(home, {"init", gun, "--dialect", c.dialect, "--root-key", w.root_uri(), "--root-key",
                                  TwoTokenWorld::spare_uri(), "--root-threshold", "2", "--pin-file",
                                  w.pin_file().string(), "-y", "--json"});
    ASSERT_EQ(init.exit_code, 0);
    const auto report = nlohmann::json::parse(init.out);
    ASSERT_EQ(report.at("root_keys").size(), 2u);
    const std::string expected_profile = c.module == TokenModule::tpm ? "token-usages" : "strict";
    EXPECT_EQ(report["root_keys"][0]["template_profile"], expected_profile) << init.out;
    EXPECT_EQ(report["root_keys"][1]["template_profile"], "strict") << init.out;
    EXPECT_TRUE(report["root_keys"][0]["generated"].get<bool>());

    // The transcript names the profile each token accepted and the attributes read back.
    const fs::path transcript = home / "tufkey" / gun / "transcript.jsonl";
    ASSERT_TRUE(fs::exists(transcript)) << transcript;
    const std::string text = read_text(transcript);
    EXPECT_NE(text.find("\"template_profile\":\"" + expected_profile + "\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"CKA_LOCAL\":\"true\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"CKA_EXTRACTABLE\":\"false\""), std::string::npos) << text;
    if (c.module == TokenModule::tpm) {
        EXPECT_NE(text.find("\"strict\":\"CKR_GENERAL_ERROR\""), std::string::npos) << text;
    }
    EXPECT_EQ(w.tufkey(home, {"transcript", "verify", transcript.string(), "--gun", gun}).exit_code, 0);

    // The root key really is on the token: token keys shows it as generated there.
    const auto keys = w.ok(home, {"token", "keys", "--token", "pkcs11:token=" + w.token().label(), "--module",
                                  w.token().module_path(), "--pin-file", w.pin_file().string(), "--json"});
    const auto listed = nlohmann::json::parse(keys.out);
    ASSERT_EQ(listed.size(), 1u) << keys.out;
    EXPECT_TRUE(listed[0]["generated_on_token"].get<bool>()) << keys.out;

    publish_and_verify_with_real_clients(w, home, gun, c.dialect);
}

TEST_P(TokenCeremony, RootRotatesOntoAKeyGeneratedOnTheToken) {
    const auto& c = GetParam();
    TUFKEY_REQUIRE_TOKEN(token, c.module, "ceremony-root", {"spare-root"});
    TwoTokenWorld w(std::move(token));
    const std::string gun = c.dialect == "tuf" ? "tuf.example/app" : "registry.example.com/team/app";
    const fs::path home = w / "home";
    const auto init = w.ok(home, {"init", gun, "--dialect", c.dialect, "--root-key", TwoTokenWorld::spare_uri(),
                                  "--pin-file", w.pin_file().string(), "-y", "--json"});
    ASSERT_EQ(init.exit_code, 0);
    const std::string spare_id = nlohmann::json::parse(init.out).at("root_keys").at(0).at("id");
    const auto rotated = w.ok(home, {"rotate", gun, "root", "--key", spare_id, "--key", w.root_uri(), "--pin-file",
                                     w.pin_file().string(), "-y"});
    ASSERT_EQ(rotated.exit_code, 0);
    const std::string text = read_text(home / "tufkey" / gun / "transcript.jsonl");
    const std::string expected_profile = c.module == TokenModule::tpm ? "token-usages" : "strict";
    const auto at = text.find("\"generated_root_keys\"");
    ASSERT_NE(at, std::string::npos) << text;
    EXPECT_NE(text.find("\"template_profile\":\"" + expected_profile + "\"", at), std::string::npos) << text;
    EXPECT_NE(text.find("\"CKA_NEVER_EXTRACTABLE\":\"true\"", at), std::string::npos) << text;
    EXPECT_EQ(
        w.tufkey(home, {"transcript", "verify", (home / "tufkey" / gun / "transcript.jsonl").string(), "--gun", gun})
            .exit_code,
        0);
    publish_and_verify_with_real_clients(w, home, gun, c.dialect);
    EXPECT_TRUE(
        fs::exists(w / "site" / (c.dialect == "tuf" ? "2.root.json" : "v2/" + gun + "/_trust/tuf/2.root.json")));
}

std::string case_name(const ::testing::TestParamInfo<CeremonyCase>& info) { return info.param.dialect; }

INSTANTIATE_TEST_SUITE_P(SoftHsm, TokenCeremony,
                         ::testing::Values(CeremonyCase{TokenModule::softhsm, "notary"},
                                           CeremonyCase{TokenModule::softhsm, "tuf"}),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Tpm, TokenCeremony,
                         ::testing::Values(CeremonyCase{TokenModule::tpm, "notary"},
                                           CeremonyCase{TokenModule::tpm, "tuf"}),
                         case_name);

// Token failures through the binary, on each module.
class TokenCliFailures : public ::testing::TestWithParam<TokenModule> {};

// The one stderr line tufkey writes ("tufkey: ..."); modules may log lines of their own.
std::string tufkey_line(const std::string& err) {
    std::istringstream lines(err);
    std::string found;
    int count = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("tufkey: ")) {
            found = line;
            ++count;
        }
    }
    return count == 1 ? found : "(" + std::to_string(count) + " tufkey lines) " + err;
}

TEST_P(TokenCliFailures, WrongPinIsExit3AndTriedOnce) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam(), "ceremony-root", {"spare-root"});
    TwoTokenWorld w(std::move(token));
    const fs::path wrong = w / "wrong.pin";
    write_secret_text(wrong, "13572468\n");
    const auto r = w.tufkey(
        w / "home", {"init", "example.com/app", "--root-key", w.root_uri(), "--pin-file", wrong.string(), "-y"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    const std::string line = tufkey_line(r.err);
    EXPECT_NE(line.find("wrong PIN"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("13572468"), std::string::npos);
    EXPECT_FALSE(fs::exists(w / "home" / "tufkey" / "example.com/app"));
}

TEST_P(TokenCliFailures, StoreRemovedIsExit3NamingTheStoreAndWhatToCheck) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam(), "ceremony-root", {"spare-root"});
    TwoTokenWorld w(std::move(token));
    w.ok(w / "home", {"token", "generate", "--token", "ceremony-root", "--label", "root", "--module",
                      w.token().module_path(), "--pin-file", w.pin_file().string(), "-y"});
    fs::remove_all(w.token().store_dir());
    const auto r = w.tufkey(w / "home", {"token", "keys", "--token", "ceremony-root", "--module",
                                         w.token().module_path(), "--pin-file", w.pin_file().string()});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    const std::string line = tufkey_line(r.err);
    EXPECT_NE(line.find(w.token().module_path()), std::string::npos) << r.err;
    const std::string check = GetParam() == TokenModule::tpm ? "check TPM2_PKCS11_STORE" : "check SOFTHSM2_CONF";
    EXPECT_NE(line.find(check), std::string::npos) << r.err;
    EXPECT_NE(line.find("run the command again"), std::string::npos) << r.err;
}

TEST_P(TokenCliFailures, KeyTypesTheTokenLacksAreRefusedUpFront) {
    TUFKEY_REQUIRE_TOKEN(token, GetParam(), "ceremony-root", {"spare-root"});
    TwoTokenWorld w(std::move(token));
    for (auto type : {core::KeyType::ed25519, core::KeyType::rsa_4096}) {
        if (w.token().offers(type)) continue;
        const auto r = w.tufkey(w / "home", {"token", "generate", "--token", "ceremony-root", "--label", "root",
                                             "--type", core::to_string(type), "--module", w.token().module_path(),
                                             "--pin-file", w.pin_file().string(), "-y"});
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        const std::string line = tufkey_line(r.err);
        EXPECT_NE(line.find("it offers key types: ecdsa-p256, ecdsa-p384"), std::string::npos) << r.err;
    }
    // What the token offers works, and says which template it took.
    const auto made =
        w.ok(w / "home", {"token", "generate", "--token", "ceremony-root", "--label", "root", "--type", "rsa-3072",
                          "--module", w.token().module_path(), "--pin-file", w.pin_file().string(), "-y"});
    EXPECT_NE(made.out.find("template: "), std::string::npos) << made.out;
}

std::string module_name(const ::testing::TestParamInfo<TokenModule>& info) { return to_string(info.param); }

INSTANTIATE_TEST_SUITE_P(SoftHsm, TokenCliFailures, ::testing::Values(TokenModule::softhsm), module_name);
INSTANTIATE_TEST_SUITE_P(Tpm, TokenCliFailures, ::testing::Values(TokenModule::tpm), module_name);

}  // namespace
}  // namespace tufkey::testing
