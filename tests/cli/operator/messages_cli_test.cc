// The operator's day (issue #16), the friction points other than upkeep, black box on SoftHSM:
//   - tags: a batch line naming the repository again, or a name docker cannot pull, is refused
//     with its line; the tuf dialect takes target paths; unsign removes names with ':' and '/';
//   - a wrong pinned root (other dialect, other repository) compares the pin with what is served,
//     in pull and in bundle import;
//   - a removed SoftHSM2 token store is named, and `token list` exits 3;
//   - results on stdout ("Successfully signed", one summary line for a batch);
//   - verify names every expired role; `list` shows the home's repositories; a mistyped GUN gets
//     "did you mean"; module-path as a URI path attribute is corrected; inspect --pretty shows
//     canonical key IDs as status does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include <fstream>

#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kGun = "registry.example.com/team/app";

std::size_t lines_of(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class Operator : public ::testing::TestWithParam<const char*> {
protected:
    Operator() : w({"ceremony", "other"}, "tufkey-operator") {}

    void init(const fs::path& home, const std::string& gun = kGun, const std::string& token = "ceremony",
              const std::string& dialect = "", std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"init",
                                      gun,
                                      "--pin-file",
                                      w.pin_file().string(),
                                      "-y",
                                      "--root-key",
                                      "pkcs11:token=" + token + ";object=root",
                                      "--dialect",
                                      dialect.empty() ? GetParam() : dialect};
        args.insert(args.end(), extra.begin(), extra.end());
        w.ok(home, args);
    }
    ProcessResult sign_batch(const fs::path& home, const std::string& lines) const {
        const fs::path file = w / "release.txt";
        std::ofstream(file) << lines;
        return w.tufkey(home, {"sign", kGun, "--batch", file.string()});
    }
    [[nodiscard]] fs::path a() const { return w / "a"; }
    [[nodiscard]] fs::path b() const { return w / "b"; }
    [[nodiscard]] fs::path fresh() const { return w / "fresh"; }
    [[nodiscard]] fs::path site() const { return w / "site"; }
    [[nodiscard]] fs::path first_root(const fs::path& home, const std::string& gun = kGun) const {
        return home / "tufkey" / gun / "roots" / "1.root.json";
    }
    [[nodiscard]] bool is_notary() const { return std::string(GetParam()) == "notary"; }

    TufkeyWorld w;
};

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST_P(Operator, BatchLineNamingTheRepositoryIsRefusedWithItsLine) {
    init(a());
    auto r = sign_batch(a(), "# tag digest size\n3.0 " + kDigest + " 10\n" + kGun + ":3.0 " + kDigest + " 10\n");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("release.txt line 3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("names the repository again"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("\"3.0\""), std::string::npos) << r.err;
    // Nothing was signed.
    auto inspect = json::parse(w.ok(a(), {"inspect", kGun}).out);
    EXPECT_EQ(inspect[0]["SignedTags"], json::array());
}

TEST_P(Operator, TagsFollowTheDialectsRules) {
    init(a());
    if (is_notary()) {
        for (const std::string& bad :
             std::vector<std::string>{"team/app", "-v1", ".hidden", "v1:2", std::string(129, 'x')}) {
            auto r = sign_batch(a(), bad + " " + kDigest + " 10\n");
            EXPECT_EQ(r.exit_code, 2) << bad;
            EXPECT_NE(r.err.find("a docker tag is 1 to 128 letters"), std::string::npos) << bad << ": " << r.err;
        }
        auto ok = sign_batch(a(), "v1.0_rc-2 " + kDigest + " 10\n" + std::string(128, 'y') + " " + kDigest + " 10\n");
        EXPECT_EQ(ok.exit_code, 0) << ok.err;
    } else {
        for (const std::string& bad : std::vector<std::string>{"dir/../x", "/abs", "dir//x", "dir/", "a\\b"}) {
            auto r = sign_batch(a(), bad + " " + kDigest + " 10\n");
            EXPECT_EQ(r.exit_code, 2) << bad;
            EXPECT_NE(r.err.find("in the tuf dialect"), std::string::npos) << bad << ": " << r.err;
        }
        auto ok = sign_batch(a(), "v1/app.tar " + kDigest + " 10\n");
        EXPECT_EQ(ok.exit_code, 0) << ok.err;
    }
}

TEST(OperatorTuf, UnsignRemovesANameWithColonsAndSlashes) {
    TufkeyWorld w({"ceremony"}, "tufkey-operator");
    const fs::path home = w / "a";
    w.init(home, kGun, {"ceremony"}, "tuf");
    const std::string odd = "mirror.example.com/team/app:3.0";  // a target path with ':' and '/'
    auto r = w.tufkey(home, {"sign", std::string(kGun) + ":" + odd, "--digest", kDigest, "--size", "10"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Successfully signed " + std::string(kGun) + ":" + odd), std::string::npos) << r.out;
    auto listed = json::parse(w.ok(home, {"inspect", kGun}).out);
    ASSERT_EQ(listed[0]["SignedTags"].size(), 1u);
    EXPECT_EQ(listed[0]["SignedTags"][0]["SignedTag"], odd);
    r = w.tufkey(home, {"unsign", std::string(kGun) + ":" + odd});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Successfully deleted signature for " + std::string(kGun) + ":" + odd), std::string::npos)
        << r.out;
    EXPECT_EQ(json::parse(w.ok(home, {"inspect", kGun}).out)[0]["SignedTags"], json::array());
}

TEST_P(Operator, ResultsGoToStdoutAndABatchPrintsOneLine) {
    init(a());
    auto r = w.tufkey(a(), {"sign", std::string(kGun) + ":v1", "--digest", kDigest, "--size", "10"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Successfully signed " + std::string(kGun) + ":v1\n");
    EXPECT_EQ(r.err, "");
    std::string batch;
    for (int i = 0; i < 50; ++i) batch += "t" + std::to_string(i) + " " + kDigest + " 10\n";
    r = sign_batch(a(), batch);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines_of(r.out), 1u) << r.out;
    EXPECT_NE(r.out.find("Successfully signed 50 tag(s) of " + std::string(kGun)), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
    r = w.tufkey(a(), {"--json", "sign", kGun, "--batch", (w / "release.txt").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["signed"].size(), 50u);  // stdout is the JSON alone
}

TEST_P(Operator, WrongPinnedRootIsComparedWithTheServedRoot) {
    init(a());
    w.ok(a(), {"publish", kGun, "--to", site().string()});
    // The same GUN made in the other dialect, and in the same dialect on another token.
    const std::string other_dialect = is_notary() ? "tuf" : "notary";
    init(b(), kGun, "other", other_dialect);
    const fs::path foreign_dir = w / "foreign";
    init(foreign_dir, kGun, "other");

    auto r = w.tufkey(fresh(), {"pull", kGun, "--from", site().string(), "--root", first_root(b()).string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("is a " + other_dialect + "-dialect root"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("in the " + std::string(GetParam()) + " dialect"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not found"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("_type"), std::string::npos) << r.err;

    r = w.tufkey(fresh(), {"pull", kGun, "--from", site().string(), "--root", first_root(foreign_dir).string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("no root key in common"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("roots/1.root.json"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(fresh() / "tuf" / kGun));

    // The same through a bundle.
    const fs::path bundle = w / "app.tufkey-bundle";
    w.ok(a(), {"bundle", "export", kGun, "-o", bundle.string()});
    r = w.tufkey(fresh(), {"-y", "bundle", "import", bundle.string(), "--root", first_root(b()).string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("is a " + other_dialect + "-dialect root"), std::string::npos) << r.err;
    r = w.tufkey(fresh(), {"-y", "bundle", "import", bundle.string(), "--root", first_root(foreign_dir).string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("no root key in common"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("threshold (0 of"), std::string::npos) << r.err;
    // The right pin still works.
    w.ok(fresh(), {"pull", kGun, "--from", site().string(), "--root", first_root(a()).string()});
}

TEST_P(Operator, VerifyNamesEveryExpiredRole) {
    init(a(), kGun, "ceremony", "", {"--expires", "timestamp=1d", "--expires", "snapshot=2d"});
    ProcessOptions options;
    options.env = w.store().env();
    options.env["TUFKEY_HOME"] = std::nullopt;
    auto r = run_process({"faketime", "-f", "+5d", tufkey_binary(), "--home", a().string(), "verify", kGun}, options);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("timestamp"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("snapshot expired"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2 problems"), std::string::npos) << r.err;
}

TEST_P(Operator, ListShowsTheHomesRepositoriesAndTyposGetSuggestions) {
    init(a());
    init(a(), "registry.example.com/team/web", "ceremony", "tuf");
    w.ok(a(), {"sign", std::string(kGun) + ":v1", "--digest", kDigest, "--size", "10"});
    auto listed = json::parse(w.ok(a(), {"--json", "list"}).out);
    ASSERT_EQ(listed.size(), 2u) << listed;
    EXPECT_EQ(listed[0]["gun"], kGun);
    EXPECT_EQ(listed[0]["dialect"], GetParam());
    EXPECT_EQ(listed[0]["root_version"], 1);
    EXPECT_NE(listed[0]["unpublished"].size(), 0u) << listed;
    EXPECT_EQ(listed[0]["next_expiry"]["role"], "timestamp") << listed;
    EXPECT_EQ(listed[1]["gun"], "registry.example.com/team/web");
    EXPECT_EQ(listed[1]["dialect"], "tuf");
    auto text = w.ok(a(), {"list"}).out;
    EXPECT_NE(text.find("registry.example.com/team/web"), std::string::npos) << text;
    // 14 days from init, shown rounded down: 13d 23h or 14d 0h depending on the seconds passed.
    EXPECT_TRUE(text.find("timestamp in 13d 23h") != std::string::npos ||
                text.find("timestamp in 14d 0h") != std::string::npos)
        << text;
    EXPECT_EQ(w.ok(fresh(), {"list"}).out.find("No repositories"), 0u);

    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"status", "registry.example.com/team/ap"},
             {"sign", "registry.example.com/teams/app:v2", "--digest", kDigest, "--size", "1"},
             {"verify", "Registry.example.com/team/app"}}) {
        auto r = w.tufkey(a(), args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
        EXPECT_EQ(lines_of(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find("did you mean " + std::string(kGun) + "?"), std::string::npos) << args[0] << ": " << r.err;
    }
}

TEST(OperatorTokens, RemovedSoftHsmStoreIsNamedAndTokenListFails) {
    TufkeyWorld w({"ceremony"}, "tufkey-operator");
    fs::remove_all(w.store().dir() / "tokens");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"token", "list"},
          std::vector<std::string>{"--module", k_softhsm_module, "token", "list"}}) {
        auto r = w.tufkey(w / "home", args);
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        EXPECT_NE(r.err.find("the SoftHSM2 token store " + (w.store().dir() / "tokens").string() + " "),
                  std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("CKR_GENERAL_ERROR"), std::string::npos) << r.err;
    }
}

TEST(OperatorTokens, ModulePathAsAPathAttributeIsCorrected) {
    TufkeyWorld w({"ceremony"}, "tufkey-operator");
    auto r = w.tufkey(
        w / "home", {"token", "keys", "--token", "pkcs11:token=ceremony;module-path=" + std::string(k_softhsm_module)});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("module-path is a query attribute"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("?module-path="), std::string::npos) << r.err;
}

TEST_P(Operator, InspectPrettyAndStatusShowTheSameKeyIds) {
    init(a());
    const json status = json::parse(w.ok(a(), {"--json", "status", kGun}).out);
    const auto pretty = w.ok(a(), {"inspect", kGun, "--pretty"}).out;
    for (const auto& role : status["roles"]) {
        if (role["role"] != "root" && role["role"] != "targets") continue;
        for (const auto& id : role["signers"]) EXPECT_NE(pretty.find(id.get<std::string>()), std::string::npos) << id;
    }
}

// Progress shows on a terminal (script(1) gives tufkey a pseudo-terminal), never without one
// (ResultsGoToStdoutAndABatchPrintsOneLine: stderr stays empty) and never with --json.
TEST(OperatorProgress, ShownOnlyOnATerminalAndNeverInJson) {
    TufkeyWorld w({"ceremony"}, "tufkey-operator");
    const fs::path home = w / "a";
    w.init(home, kGun, {"ceremony"});
    const fs::path batch = w / "release.txt";
    {
        std::ofstream out(batch);
        for (int i = 0; i < 10000; ++i) out << "t" << i << " " << kDigest << " 10\n";
    }
    const fs::path site = w / "site";
    ProcessOptions options;
    options.env = w.store().env();
    options.env["TUFKEY_HOME"] = std::nullopt;
    options.env["TUFKEY_TARGETS_PASSPHRASE"] = "targets-passphrase";
    options.env["TUFKEY_SNAPSHOT_PASSPHRASE"] = "snapshot-passphrase";
    options.env["TUFKEY_TIMESTAMP_PASSPHRASE"] = "timestamp-passphrase";
    options.timeout = std::chrono::seconds(120);
    auto on_terminal = [&](const std::string& args) {
        return run_process({"script", "-qec", tufkey_binary() + " --home " + home.string() + " " + args, "/dev/null"},
                           options);
    };
    auto r = on_terminal("sign " + std::string(kGun) + " --batch " + batch.string());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("\r\033[Kreading " + batch.string()), std::string::npos) << r.out.substr(0, 400);
    EXPECT_NE(r.out.find("sign 10000 tag(s): signing"), std::string::npos) << r.out.substr(0, 400);
    EXPECT_NE(r.out.find("Successfully signed 10000 tag(s)"), std::string::npos);
    r = on_terminal("publish " + std::string(kGun) + " --to " + site.string());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("publishing " + std::string(kGun) + ": "), std::string::npos) << r.out;
    r = on_terminal("pull " + std::string(kGun) + " --from " + site.string());
    EXPECT_NE(r.out.find("pulling " + std::string(kGun) + ": files fetched"), std::string::npos) << r.out;

    r = on_terminal("--json sign " + std::string(kGun) + " --batch " + batch.string());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out.find("tag(s): "), std::string::npos) << r.out.substr(0, 400);
    EXPECT_EQ(r.out.find('\r' + std::string("reading")), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, Operator, ::testing::Values("notary", "tuf"));

}  // namespace
}  // namespace tufkey::testing
