// `tufkey key ...` through the built binary: outputs, exit codes and one-line errors.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cli_env.h"
#include "temp_dir.h"
#include "tufkey/core/public_key.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/key_id.h"

namespace {

namespace tt = tufkey::testing;
namespace fs = std::filesystem;
using tt::tufkey_in;

const std::map<std::string, std::string> kDeleg{{"TUFKEY_DELEGATION_PASSPHRASE", "delegation pass"}};

std::string generate(const fs::path& home, const fs::path& dir, const std::string& name,
                     const std::string& type = "ecdsa-p256") {
    auto r = tufkey_in(home, {"key", "generate", name, "--dir", dir.string(), "--type", type}, kDeleg);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, 64);
}

TEST(KeyCli, GeneratePrintsTheIdOfThePublicKeyItWrites) {
    tt::TempDir dir;
    const std::string id = generate(dir / "home", dir.path(), "alice");
    auto pub = tufkey::core::PublicKey::from_pem(tt::read_text(dir / "alice.pub"));
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(tufkey::tuf::notary_canonical_key_id(*pub), id);
    EXPECT_TRUE(fs::exists(dir / "home" / "private" / (id + ".key")));
    auto list = tufkey_in(dir / "home", {"key", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("\"id\":\"" + id + "\""), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("\"role\":\"alice\""), std::string::npos);
    EXPECT_NE(list.out.find("\"gun\":\"\""), std::string::npos);
    EXPECT_NE(list.out.find("\"location\":\""), std::string::npos);
    auto table = tufkey_in(dir / "home", {"key", "list"});
    EXPECT_NE(table.out.find(id), std::string::npos);
}

TEST(KeyCli, WithoutTerminalOrVariableTheErrorNamesTheVariables) {
    tt::TempDir dir;
    auto r = tufkey_in(dir / "home", {"key", "generate", "alice", "--dir", dir.path().string()});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(tt::line_count(r.err), 1) << r.err;
    for (const char* v : {"TUFKEY_DELEGATION_PASSPHRASE", "NOTARY_DELEGATION_PASSPHRASE",
                          "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"}) {
        EXPECT_NE(r.err.find(v), std::string::npos) << v;
    }
    EXPECT_FALSE(fs::exists(dir / "alice.pub"));
}

TEST(KeyCli, WrongPassphraseExits3WithOneLineAndChangesNothing) {
    tt::TempDir dir;
    const std::string id = generate(dir / "home", dir.path(), "alice");
    const auto file = dir / "home" / "private" / (id + ".key");
    const std::string before = tt::read_text(file);
    auto r = tufkey_in(dir / "home", {"key", "passwd", id.substr(0, 7)}, {{"TUFKEY_DELEGATION_PASSPHRASE", "wrong!"}});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(tt::line_count(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("TUFKEY_DELEGATION_PASSPHRASE"), std::string::npos);
    EXPECT_EQ(tt::read_text(file), before);
    // The right one without a terminal for the new passphrase: refused, nothing changed.
    auto r2 = tufkey_in(dir / "home", {"key", "passwd", id.substr(0, 7)}, kDeleg);
    EXPECT_NE(r2.exit_code, 0);
    EXPECT_NE(r2.err.find("terminal"), std::string::npos);
    EXPECT_EQ(tt::read_text(file), before);
}

TEST(KeyCli, CorruptKeyFileExits3NamingTheFile) {
    tt::TempDir dir;
    const std::string id = generate(dir / "home", dir.path(), "alice");
    const auto file = dir / "home" / "private" / (id + ".key");
    std::string text = tt::read_text(file);
    text.erase(text.find("\n\n") + 2, 30);
    tt::write_text(file, text);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"key", "passwd", id.substr(0, 7)}, {"key", "export", "-o", (dir / "out.pem").string()}}) {
        auto r = tufkey_in(dir / "home", args, kDeleg);
        EXPECT_EQ(r.exit_code, 3) << args[1] << ": " << r.err;
        EXPECT_NE(r.err.find(file.string()), std::string::npos) << r.err;
        EXPECT_EQ(tt::line_count(r.err), 1);
    }
    EXPECT_FALSE(fs::exists(dir / "out.pem"));
}

TEST(KeyCli, SecondWriterExits5NamingTheHolder) {
    tt::TempDir dir;
    tufkey::keystore::TrustHome home(dir / "home");
    auto held = home.lock("tufkey key import held-by-test.pem");
    ASSERT_TRUE(held.ok());
    auto r = tufkey_in(dir / "home", {"key", "generate", "bob", "--dir", dir.path().string()}, kDeleg);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("PID " + std::to_string(::getpid())), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("held-by-test.pem"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "bob.pub"));
}

TEST(KeyCli, ImportRefusesFilesOthersCanRead) {
    tt::TempDir dir;
    auto key = tt::run_process({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                                (dir / "plain.pem").string()});
    ASSERT_EQ(key.exit_code, 0);
    ::chmod((dir / "plain.pem").c_str(), 0644);
    auto r = tufkey_in(dir / "home", {"key", "import", (dir / "plain.pem").string(), "--role", "targets/ci"}, kDeleg);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("chmod 600"), std::string::npos);
    ::chmod((dir / "plain.pem").c_str(), 0600);
    auto ok = tufkey_in(dir / "home", {"key", "import", (dir / "plain.pem").string(), "--role", "targets/ci"}, kDeleg);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    auto needs_gun = tufkey_in(dir / "home", {"key", "import", (dir / "plain.pem").string(), "--role", "targets"},
                               {{"TUFKEY_TARGETS_PASSPHRASE", "targets pass"}});
    EXPECT_EQ(needs_gun.exit_code, 2) << needs_gun.err;
    EXPECT_NE(needs_gun.err.find("--gun"), std::string::npos);
}

TEST(KeyCli, ExportWritesA0600FileWithPathHeadersAndRefusesToOverwrite) {
    tt::TempDir dir;
    const std::string id = generate(dir / "home", dir.path(), "alice");
    const auto out = dir / "keys.pem";
    auto r = tufkey_in(dir / "home", {"key", "export", "--key", id.substr(0, 9), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_NE(tt::read_text(out).find("path: " + id + "\nrole: alice\n\n"), std::string::npos);
    auto again = tufkey_in(dir / "home", {"key", "export", "-o", out.string()});
    EXPECT_EQ(again.exit_code, 5);
    EXPECT_EQ(tufkey_in(dir / "home", {"-y", "key", "export", "-o", out.string()}).exit_code, 0);
}

TEST(KeyCli, RemoveAsksOrNeedsYesAndPrefixesNeedSevenDigits) {
    tt::TempDir dir;
    const std::string id = generate(dir / "home", dir.path(), "alice");
    const auto file = dir / "home" / "private" / (id + ".key");
    EXPECT_EQ(tufkey_in(dir / "home", {"key", "remove", id.substr(0, 6), "-y"}).exit_code, 2);
    auto no_tty = tufkey_in(dir / "home", {"key", "remove", id.substr(0, 7)});
    EXPECT_EQ(no_tty.exit_code, 2) << no_tty.err;
    EXPECT_TRUE(fs::exists(file));
    EXPECT_EQ(tufkey_in(dir / "home", {"key", "remove", "0000000", "-y"}).exit_code, 3);
    auto yes = tufkey_in(dir / "home", {"key", "remove", id.substr(0, 7), "-y"});
    EXPECT_EQ(yes.exit_code, 0) << yes.err;
    EXPECT_FALSE(fs::exists(file));
}

}  // namespace
