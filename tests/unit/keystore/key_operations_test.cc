// import / export / passwd against a temporary home.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "fake_terminal.h"
#include "tufkey/keystore/passphrase.h"
#include "process.h"
#include "temp_dir.h"
#include "tufkey/keystore/key_operations.h"
#include "tufkey/tuf/key_id.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tuf = tufkey::tuf;
namespace tt = tufkey::testing;
using tt::TempDir;
namespace fs = std::filesystem;

// import_keys() stages; the command commits. This does both, as `tufkey key import` does.
core::Result<std::vector<keystore::ImportedKey>> import_now(const keystore::TrustHome& home,
                                                            const keystore::HomeLock& lock,
                                                            keystore::PassphraseSource& passphrases,
                                                            const keystore::ImportRequest& request) {
    keystore::HomeTransaction tx(home, lock);
    TUFKEY_TRY(auto imported, keystore::import_keys(home, tx, passphrases, request));
    TUFKEY_TRY_VOID(tx.commit());
    return imported;
}

class KeyOperations : public ::testing::Test {
protected:
    KeyOperations() : home(dir / "home") {}

    keystore::PassphraseSource source(std::map<std::string, std::string> env) {
        return keystore::PassphraseSource(term, tt::env_of(std::move(env)));
    }
    fs::path write_private(const std::string& name, const std::string& text, mode_t mode = 0600) {
        const auto path = dir / name;
        tt::write_text(path, text);
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::string plain_ec_key(const std::string& name) {
        const auto path = dir / name;
        auto r = tt::run_process(
            {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path.string()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        ::chmod(path.c_str(), 0600);
        return path.string();
    }

    TempDir dir;
    keystore::TrustHome home;
    tt::FakeTerminal term{false};
};

TEST_F(KeyOperations, PlainKeyIsEncryptedOnImportWithTheRoleAndGun) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    auto pass = source({{"TUFKEY_TARGETS_PASSPHRASE", "targets pass"}});
    const auto file = plain_ec_key("plain.pem");
    auto no_gun = import_now(home, *lock, pass, {file, "targets", ""});
    ASSERT_FALSE(no_gun.ok());
    EXPECT_EQ(no_gun.error().code, core::ErrorCode::usage);
    auto no_role = import_now(home, *lock, pass, {file, "", ""});
    ASSERT_FALSE(no_role.ok());
    auto done = import_now(home, *lock, pass, {file, "targets", "example.com/app"});
    ASSERT_TRUE(done.ok()) << done.error().message;
    ASSERT_EQ(done->size(), 1u);
    const auto text = tt::read_text(done->front().file);
    EXPECT_TRUE(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: example.com/app\nrole: targets\n\n"));
    EXPECT_EQ(text.find("-----BEGIN PRIVATE KEY"), std::string::npos);
    auto stored = home.find_key(done->front().id);
    ASSERT_TRUE(stored.ok());
    auto block = home.read_key(*stored);
    ASSERT_TRUE(block.ok());
    EXPECT_GE(block->protection().iterations, keystore::kMinimumIterations);
    EXPECT_TRUE(block->decrypt(core::SecretBytes::copy_of("targets pass")).ok());
    // Importing it again reports it as present and changes nothing.
    auto again = import_now(home, *lock, pass, {file, "targets", "example.com/app"});
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->front().already_present);
}

TEST_F(KeyOperations, GroupOrWorldReadableInputIsRefused) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    auto pass = source({{"TUFKEY_DELEGATION_PASSPHRASE", "deleg pass"}});
    const auto file = plain_ec_key("plain.pem");
    for (mode_t mode : {0640, 0604, 0620}) {
        ::chmod(file.c_str(), mode);
        auto r = import_now(home, *lock, pass, {file, "targets/releases", ""});
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, core::ErrorCode::refused);
        EXPECT_NE(r.error().message.find(file), std::string::npos);
    }
    auto keys = home.list_keys();
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(keys->empty());
}

TEST_F(KeyOperations, EncryptedImportKeepsThePassphraseAndRaisesTheIterations) {
    auto key = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
    ASSERT_TRUE(key.ok());
    auto pem =
        keystore::encrypt_key_pem(**key, core::SecretBytes::copy_of("notary pass"), {"targets/releases", "", ""}, 2048);
    ASSERT_TRUE(pem.ok());
    const auto file = write_private("notary.pem", *pem);
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    auto wrong = source({{"NOTARY_DELEGATION_PASSPHRASE", "not it"}});
    auto refused = import_now(home, *lock, wrong, {file, "", ""});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::key);
    EXPECT_TRUE(home.list_keys()->empty());
    auto pass = source({{"NOTARY_DELEGATION_PASSPHRASE", "notary pass"}});
    auto done = import_now(home, *lock, pass, {file, "", ""});
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->front().id, tuf::notary_canonical_key_id((*key)->public_key()));
    auto block = home.read_key(*home.find_key(done->front().id));
    ASSERT_TRUE(block.ok());
    EXPECT_GE(block->protection().iterations, keystore::kMinimumIterations);
    auto back = keystore::load_signer(home, pass, *home.find_key(done->front().id));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ((*back)->public_key(), (*key)->public_key());
}

TEST_F(KeyOperations, ExportAddsPathHeadersAndReimportsIntoAnotherHome) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    auto pass = source({{"TUFKEY_TARGETS_PASSPHRASE", "targets pass"}, {"TUFKEY_DELEGATION_PASSPHRASE", "deleg pass"}});
    auto a = import_now(home, *lock, pass, {plain_ec_key("a.pem"), "targets", "example.com/app"});
    auto b = import_now(home, *lock, pass, {plain_ec_key("b.pem"), "targets", "example.com/other"});
    auto c = import_now(home, *lock, pass, {plain_ec_key("c.pem"), "targets/releases", ""});
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    auto by_gun = keystore::export_keys(home, {{}, "example.com/app"});
    ASSERT_TRUE(by_gun.ok());
    ASSERT_EQ(by_gun->keys.size(), 1u);
    EXPECT_NE(by_gun->pem.find("path: " + a->front().id + "\n"), std::string::npos);
    auto by_id = keystore::export_keys(home, {{c->front().id.substr(0, 8)}, ""});
    ASSERT_TRUE(by_id.ok());
    EXPECT_TRUE(by_id->pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\npath: " + c->front().id +
                                       "\nrole: targets/releases\n\n"));
    auto all = keystore::export_keys(home, {});
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->keys.size(), 3u);
    const auto file = write_private("all.pem", all->pem);
    keystore::TrustHome other(dir / "other");
    auto other_lock = other.lock("test");
    ASSERT_TRUE(other_lock.ok());
    auto imported = import_now(other, *other_lock, pass, {file, "", ""});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_EQ(imported->size(), 3u);
    auto listed = other.list_keys();
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->size(), 3u);
}

TEST_F(KeyOperations, PasswdChecksTheCurrentPassphraseAndAsksForTheNewOneAtTheTerminal) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    auto env_pass = source({{"TUFKEY_DELEGATION_PASSPHRASE", "old passphrase"}});
    auto made = keystore::generate_key(home, *lock, env_pass, {"carol", dir.path(), {}});
    ASSERT_TRUE(made.ok()) << made.error().message;
    const auto before = tt::read_text(made->private_key_file);

    // Wrong current passphrase: error, file unchanged, new one never asked.
    auto wrong = source({{"TUFKEY_DELEGATION_PASSPHRASE", "not the passphrase"}});
    auto r1 = keystore::change_passphrase(home, *lock, wrong, made->id.substr(0, 7));
    ASSERT_FALSE(r1.ok());
    EXPECT_EQ(r1.error().code, core::ErrorCode::key);
    EXPECT_EQ(tt::read_text(made->private_key_file), before);

    // Right passphrase but no terminal for the new one: refused, file unchanged.
    auto r2 = keystore::change_passphrase(home, *lock, env_pass, made->id.substr(0, 7));
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(tt::read_text(made->private_key_file), before);

    // At a terminal: current from the prompt, new one twice.
    tt::FakeTerminal tty(true);
    tty.answer("old passphrase");
    tty.answer("new passphrase");
    tty.answer("new passphrase");
    keystore::PassphraseSource prompted(tty, tt::env_of({}));
    auto r3 = keystore::change_passphrase(home, *lock, prompted, made->id.substr(0, 7));
    ASSERT_TRUE(r3.ok()) << r3.error().message;
    auto block = home.read_key(*home.find_key(made->id));
    ASSERT_TRUE(block.ok());
    EXPECT_FALSE(block->decrypt(core::SecretBytes::copy_of("old passphrase")).ok());
    EXPECT_TRUE(block->decrypt(core::SecretBytes::copy_of("new passphrase")).ok());
    EXPECT_EQ(block->role(), "carol");
    EXPECT_GE(block->protection().iterations, keystore::kMinimumIterations);
}

TEST_F(KeyOperations, GenerateRefusesBaseRolesAndBadNames) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    auto pass = source({{"TUFKEY_DELEGATION_PASSPHRASE", "deleg pass"}});
    for (const char* name : {"targets", "root", "Alice", "a/b", "", "-x"}) {
        auto r = keystore::generate_key(home, *lock, pass, {name, dir.path(), {}});
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_EQ(r.error().code, core::ErrorCode::usage);
    }
}

}  // namespace
