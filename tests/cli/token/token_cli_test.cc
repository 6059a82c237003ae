// tufkey token list | keys | generate, run as a separate process against SoftHSM2 stores:
// output shapes, exit codes, one-line errors, bounded run times, and no PIN in any output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>

#include "process.h"
#include "softhsm_store.h"
#include "temp_dir.h"
#include "tufkey/core/public_key.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::testing {
namespace {

using nlohmann::json;

// A PIN no output may ever contain.
constexpr const char* k_pin = "pin-75319-distinct";
constexpr auto k_bound = std::chrono::seconds(15);

class TokenCli : public ::testing::Test {
protected:
    std::unique_ptr<SoftHsmStore> make_store(std::vector<std::string> labels = {"alpha"},
                                             std::string mechanisms = "ALL") {
        SoftHsmOptions options;
        options.labels = std::move(labels);
        options.mechanisms = std::move(mechanisms);
        options.user_pin = k_pin;
        return std::make_unique<SoftHsmStore>(options);
    }

    ProcessResult tufkey(const SoftHsmStore* store, std::vector<std::string> args,
                         std::map<std::string, std::optional<std::string>> env = {}) {
        args.insert(args.begin(), tufkey_binary());
        ProcessOptions po;
        po.env["TUFKEY_PKCS11_MODULE"] = std::nullopt;
        po.env["TUFKEY_PKCS11_PIN"] = std::nullopt;
        po.env["TUFKEY_HOME"] = (m_home.path() / "home").string();
        if (store != nullptr) po.env["SOFTHSM2_CONF"] = store->conf_path().string();
        for (auto& [k, v] : env) po.env[k] = v;
        po.timeout = std::chrono::seconds(60);
        auto r = run_process(args, po);
        EXPECT_FALSE(r.timed_out);
        EXPECT_LT(r.elapsed, k_bound);
        EXPECT_EQ(r.out.find(k_pin), std::string::npos) << "PIN on stdout";
        EXPECT_EQ(r.err.find(k_pin), std::string::npos) << "PIN on stderr";
        return r;
    }

    static void expect_one_line_error(const ProcessResult& r, int code, const std::string& part) {
        EXPECT_EQ(r.exit_code, code) << r.out << r.err;
        EXPECT_EQ(r.err.rfind("tufkey: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
    }

    std::string pin_file(const SoftHsmStore& store) { return "alpha=" + store.write_pin_file(k_pin).string(); }

    TempDir m_home{"tufkey-cli-token"};
};

TEST_F(TokenCli, ListJsonShowsEachTokenWithLabelSerialModelAndFlags) {
    auto store = make_store({"alpha", "beta"});
    const auto r = tufkey(store.get(), {"--module", k_softhsm_module, "token", "list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto tokens = json::parse(r.out);
    ASSERT_TRUE(tokens.is_array());
    std::set<std::string> labels;
    for (const auto& t : tokens) {
        ASSERT_TRUE(t.contains("label") && t.contains("serial") && t.contains("model") && t.contains("flags"));
        if (t["initialized"].get<bool>()) {
            labels.insert(t["label"].get<std::string>());
            EXPECT_EQ(t["model"], "SoftHSM v2");
            EXPECT_FALSE(t["serial"].get<std::string>().empty());
            const auto flags = t["flags"].get<std::vector<std::string>>();
            EXPECT_NE(std::find(flags.begin(), flags.end(), "login-required"), flags.end());
        }
    }
    EXPECT_EQ(labels, (std::set<std::string>{"alpha", "beta"}));
}

TEST_F(TokenCli, ListFindsSoftHsmWithoutAModuleOption) {
    auto store = make_store({"alpha"});
    const auto r = tufkey(store.get(), {"token", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("token 'alpha'"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("pkcs11:model=SoftHSM%20v2;"), std::string::npos) << r.out;
}

TEST_F(TokenCli, GenerateThenKeysShowsTheNotaryKeyIdAndAttributes) {
    auto store = make_store();
    const auto gen = tufkey(store.get(), {"token", "generate", "--token", "pkcs11:token=alpha", "--label", "root",
                                          "--id", "01", "--type", "ecdsa-p256", "-y", "--pin-file", pin_file(*store)});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(gen.out, m, std::regex("key id: ([0-9a-f]{64})"))) << gen.out;
    const std::string key_id = m[1];

    const auto keys = tufkey(
        store.get(), {"token", "keys", "--token", "pkcs11:token=alpha", "--json", "--pin-file", pin_file(*store)});
    ASSERT_EQ(keys.exit_code, 0) << keys.err;
    const auto list = json::parse(keys.out);
    ASSERT_EQ(list.size(), 1u);
    const auto& k = list[0];
    EXPECT_EQ(k["id"], key_id);
    EXPECT_EQ(k["type"], "ecdsa-p256");
    EXPECT_EQ(k["label"], "root");
    EXPECT_EQ(k["ck_id"], "01");
    EXPECT_TRUE(k.contains("role") && k.contains("gun"));
    EXPECT_EQ(k["location"].get<std::string>().rfind("pkcs11:", 0), 0u);
    EXPECT_TRUE(k["generated_on_token"].get<bool>());
    const auto attrs = k["attributes"].get<std::vector<std::string>>();
    for (const char* want : {"local", "never-extractable", "always-sensitive", "sign"}) {
        EXPECT_NE(std::find(attrs.begin(), attrs.end(), want), attrs.end()) << want;
    }
    EXPECT_EQ(std::find(attrs.begin(), attrs.end(), "decrypt"), attrs.end());

    // The key ID matches one computed from the public key as pkcs11-tool exports it.
    TempDir dir("tufkey-pub");
    ProcessOptions po;
    po.env = store->env();
    const auto read = run_process({"pkcs11-tool", "--module", k_softhsm_module, "--token-label", "alpha",
                                   "--read-object", "--type", "pubkey", "--id", "01", "-o", (dir / "pub.der").string()},
                                  po);
    ASSERT_EQ(read.exit_code, 0) << read.err;
    auto pub = core::PublicKey::from_spki_der(core::to_bytes(read_text(dir / "pub.der")));
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(tuf::notary_canonical_key_id(*pub), key_id);
}

TEST_F(TokenCli, GenerateRefusesAnExistingLabel) {
    auto store = make_store();
    const std::vector<std::string> args{"token", "generate", "--token",    "alpha",         "--label",
                                        "root",  "-y",       "--pin-file", pin_file(*store)};
    ASSERT_EQ(tufkey(store.get(), args).exit_code, 0);
    expect_one_line_error(tufkey(store.get(), args), 5, "already holds an object labelled 'root'");
}

// "No terminal and no --yes" is a usage error (2) in every command, as in init: --yes fixes it.
TEST_F(TokenCli, GenerateWithoutConfirmationAndWithoutATerminalIsAUsageErrorAndDoesNothing) {
    auto store = make_store();
    const auto r = tufkey(store.get(),
                          {"token", "generate", "--token", "alpha", "--label", "root", "--pin-file", pin_file(*store)});
    expect_one_line_error(r, 2, "pass --yes");
    const auto keys = tufkey(store.get(), {"token", "keys", "--json", "--pin-file", pin_file(*store)});
    ASSERT_EQ(keys.exit_code, 0) << keys.err;
    EXPECT_TRUE(json::parse(keys.out).empty());
}

TEST_F(TokenCli, PinFromTheEnvironmentWorks) {
    auto store = make_store();
    const auto r = tufkey(store.get(), {"token", "generate", "--token", "alpha", "--label", "k", "-y"},
                          {{"TUFKEY_PKCS11_PIN", std::string(k_pin)}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(TokenCli, WrongPinIsOneLineExit3AndNotRetried) {
    auto store = make_store();
    const auto wrong = store->write_pin_file("not-the-pin", "wrong.pin");
    const auto r = tufkey(store.get(), {"token", "keys", "--pin-file", wrong.string()});
    expect_one_line_error(r, 3, "wrong PIN for token 'alpha'");
    EXPECT_EQ(r.err.find("not-the-pin"), std::string::npos);
}

TEST_F(TokenCli, NoPinAndNoTerminalNamesTheWaysToGiveOne) {
    auto store = make_store();
    const auto r = tufkey(store.get(), {"token", "keys"});
    expect_one_line_error(r, 3, "--pin-file");
    EXPECT_NE(r.err.find("TUFKEY_PKCS11_PIN"), std::string::npos);
}

TEST_F(TokenCli, PinInAUriIsRefusedWithoutEchoingIt) {
    auto store = make_store();
    const auto r =
        tufkey(store.get(), {"token", "keys", "--token", std::string("pkcs11:token=alpha?pin-value=") + k_pin});
    expect_one_line_error(r, 2, "--pin-file");
}

TEST_F(TokenCli, MissingModulePath) {
    const auto r = tufkey(nullptr, {"--module", "/nonexistent/libpkcs11.so", "token", "list"});
    expect_one_line_error(r, 3, "no PKCS#11 module at /nonexistent/libpkcs11.so");
}

// One precedence for the module in every command (docs/tokens.md): --module, then the URI's
// module-path, then $TUFKEY_PKCS11_MODULE, then discovery. Each candidate here is a different
// missing file, so the error names the one that was chosen.
TEST_F(TokenCli, ModuleOptionWinsOverTheUriAndTheEnvironment) {
    const std::map<std::string, std::optional<std::string>> env{{"TUFKEY_PKCS11_MODULE", "/nonexistent/env.so"}};
    const std::string uri = "pkcs11:token=alpha?module-path=/nonexistent/uri.so";
    expect_one_line_error(tufkey(nullptr, {"--module", "/nonexistent/option.so", "token", "keys", "--token", uri}, env),
                          3, "no PKCS#11 module at /nonexistent/option.so");
    expect_one_line_error(tufkey(nullptr, {"token", "keys", "--token", uri}, env), 3,
                          "no PKCS#11 module at /nonexistent/uri.so");
    expect_one_line_error(tufkey(nullptr, {"token", "keys", "--token", "pkcs11:token=alpha"}, env), 3,
                          "no PKCS#11 module at /nonexistent/env.so");
    expect_one_line_error(tufkey(nullptr, {"--module", "/nonexistent/option.so", "token", "list"}, env), 3,
                          "no PKCS#11 module at /nonexistent/option.so");
    expect_one_line_error(tufkey(nullptr, {"token", "list"}, env), 3, "no PKCS#11 module at /nonexistent/env.so");
}

TEST_F(TokenCli, CeremoniesRankTheModuleTheSameWay) {
    const std::map<std::string, std::optional<std::string>> env{{"TUFKEY_PKCS11_MODULE", "/nonexistent/env.so"}};
    const std::string uri = "pkcs11:token=alpha;object=root?module-path=/nonexistent/uri.so";
    expect_one_line_error(
        tufkey(nullptr, {"--module", "/nonexistent/option.so", "init", "example.com/app", "--root-key", uri, "-y"},
               env),
        3, "no PKCS#11 module at /nonexistent/option.so");
    expect_one_line_error(tufkey(nullptr, {"init", "example.com/app", "--root-key", uri, "-y"}, env), 3,
                          "no PKCS#11 module at /nonexistent/uri.so");
    expect_one_line_error(
        tufkey(nullptr, {"init", "example.com/app", "--root-key", "pkcs11:token=alpha;object=root", "-y"}, env), 3,
        "no PKCS#11 module at /nonexistent/env.so");
}

TEST_F(TokenCli, LibraryThatIsNotAModule) {
    const auto r = tufkey(nullptr, {"--module", "/usr/lib/x86_64-linux-gnu/libz.so.1", "token", "keys"});
    expect_one_line_error(r, 3, "is not a PKCS#11 module");
}

TEST_F(TokenCli, Ykcs11WithoutAYubiKey) {
    const auto r =
        tufkey(nullptr, {"token", "keys"}, {{"TUFKEY_PKCS11_MODULE", "/usr/lib/x86_64-linux-gnu/libykcs11.so"}});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(r.err.find("cannot reach PC/SC (is pcscd running?)") != std::string::npos ||
                r.err.find("no token found") != std::string::npos)
        << r.err;
}

TEST_F(TokenCli, UninitialisedToken) {
    auto store = make_store({});
    const auto r = tufkey(store.get(), {"--module", k_softhsm_module, "token", "keys"});
    expect_one_line_error(r, 3, "is not initialised");
}

TEST_F(TokenCli, UnsupportedMechanismNamesItAndTheTypesOffered) {
    auto store = make_store({"alpha"}, "-CKM_EDDSA,-CKM_EC_EDWARDS_KEY_PAIR_GEN");
    const auto r = tufkey(store.get(), {"token", "generate", "--token", "alpha", "--label", "ed", "--type", "ed25519",
                                        "-y", "--pin-file", pin_file(*store)});
    expect_one_line_error(r, 3, "does not support CKM_EC_EDWARDS_KEY_PAIR_GEN");
    EXPECT_NE(r.err.find("ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096"), std::string::npos) << r.err;
}

TEST_F(TokenCli, UnknownTokenListsTheTokensPresent) {
    auto store = make_store({"alpha", "beta"});
    const auto r = tufkey(store.get(), {"token", "keys", "--token", "pkcs11:token=gamma"});
    expect_one_line_error(r, 3, "no token matches");
    EXPECT_NE(r.err.find("'beta'"), std::string::npos);
}

TEST_F(TokenCli, KeyNotFoundByUriListsTheKeysThere) {
    auto store = make_store();
    ASSERT_EQ(tufkey(store.get(), {"token", "generate", "--token", "alpha", "--label", "root", "--id", "01", "-y",
                                   "--pin-file", pin_file(*store)})
                  .exit_code,
              0);
    const auto r = tufkey(
        store.get(), {"token", "keys", "--token", "pkcs11:token=alpha;object=missing", "--pin-file", pin_file(*store)});
    expect_one_line_error(r, 3, "no key matches");
    EXPECT_NE(r.err.find("'root' (id 01, ecdsa-p256)"), std::string::npos) << r.err;
    const auto one = tufkey(store.get(), {"token", "keys", "--token", "pkcs11:token=alpha;object=root", "--json",
                                          "--pin-file", pin_file(*store)});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(json::parse(one.out).size(), 1u);
}

TEST_F(TokenCli, EveryTokenCommandHasHelpWithAnExample) {
    for (const char* cmd : {"list", "keys", "generate"}) {
        const auto r = tufkey(nullptr, {"token", cmd, "--help"});
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_NE(r.out.find("Example:"), std::string::npos) << cmd;
    }
}

}  // namespace
}  // namespace tufkey::testing
