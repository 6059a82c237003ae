// The trust home: layout, permissions, legacy layouts, lookup by prefix, the writers' lock.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "fake_terminal.h"
#include "tufkey/keystore/passphrase.h"
#include "temp_dir.h"
#include "tufkey/keystore/key_operations.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/key_id.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tuf = tufkey::tuf;
namespace tt = tufkey::testing;
using tt::TempDir;
namespace fs = std::filesystem;

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

// An encrypted key file (2048 iterations, to keep the test fast) and its ID.
std::pair<std::string, std::string> key_file(const std::string& role, const std::string& gun,
                                             core::KeyAlgorithm alg = core::KeyAlgorithm::ecdsa_p256) {
    auto key = core::SoftwareSigner::generate(alg);
    EXPECT_TRUE(key.ok());
    auto pem = keystore::encrypt_key_pem(**key, core::SecretBytes::copy_of("home pass"), {role, gun, ""}, 2048);
    EXPECT_TRUE(pem.ok());
    return {tuf::notary_canonical_key_id((*key)->public_key()), *pem};
}

TEST(TrustHome, GeneratedKeyIsAt0600InA0700PrivateDirNamedByCanonicalId) {
    TempDir dir;
    keystore::TrustHome home(dir / "home");
    tt::FakeTerminal term(false);
    keystore::PassphraseSource pass(term, tt::env_of({{"TUFKEY_DELEGATION_PASSPHRASE", "alice pass"}}));
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    auto made = keystore::generate_key(home, *lock, pass, {"alice", dir.path(), {}});
    ASSERT_TRUE(made.ok()) << made.error().message;
    EXPECT_EQ(made->private_key_file, dir / "home" / "private" / (made->id + ".key"));
    EXPECT_EQ(mode_of(made->private_key_file), 0600u);
    EXPECT_EQ(mode_of(dir / "home" / "private"), 0700u);
    EXPECT_EQ(mode_of(dir / "home"), 0700u);
    auto pub = core::PublicKey::from_pem(tt::read_text(dir / "alice.pub"));
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(tuf::notary_canonical_key_id(*pub), made->id);
    EXPECT_TRUE(tt::read_text(dir / "alice.pub").starts_with("-----BEGIN PUBLIC KEY-----\nrole: alice\n\n"));
    auto keys = home.list_keys();
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ(keys->front().role, "alice");
    EXPECT_EQ(keys->front().gun, "");
    // A second generate under the same name would overwrite alice.pub: refused.
    auto again = keystore::generate_key(home, *lock, pass, {"alice", dir.path(), {}});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, core::ErrorCode::refused);
}

TEST(TrustHome, LegacyLayoutsAreListedAndLeftInPlace) {
    TempDir dir;
    const fs::path priv = dir / "private";
    fs::create_directories(priv / "root_keys");
    fs::create_directories(priv / "tuf_keys" / "docker.io" / "library" / "app");
    auto [root_id, root_pem] = key_file("", "");
    auto [tgt_id, tgt_pem] = key_file("", "");
    auto [del_id, del_pem] = key_file("targets/releases", "");
    auto [flat_id, flat_pem] = key_file("snapshot", "example.com/app");
    tt::write_text(priv / "root_keys" / (root_id + "_root.key"), root_pem);  // 0.1
    tt::write_text(priv / "tuf_keys" / "docker.io" / "library" / "app" / (tgt_id + "_targets.key"), tgt_pem);
    tt::write_text(priv / "tuf_keys" / (del_id + ".key"), del_pem);  // 0.2-0.3
    tt::write_text(priv / (flat_id + ".key"), flat_pem);             // 0.4+
    keystore::TrustHome home(dir.path());
    auto keys = home.list_keys();
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(keys->size(), 4u);
    std::map<std::string, keystore::StoredKey> by_id;
    for (const auto& k : *keys) by_id[k.id] = k;
    EXPECT_EQ(by_id[root_id].role, "root");
    EXPECT_EQ(by_id[root_id].layout, keystore::KeyLayout::legacy_root_keys);
    EXPECT_EQ(by_id[tgt_id].role, "targets");
    EXPECT_EQ(by_id[tgt_id].gun, "docker.io/library/app");
    EXPECT_EQ(by_id[del_id].role, "targets/releases");
    EXPECT_EQ(by_id[del_id].gun, "");
    EXPECT_EQ(by_id[flat_id].role, "snapshot");
    EXPECT_EQ(by_id[flat_id].gun, "example.com/app");
    // Reading, locking and a write do not move or delete the legacy files.
    auto block = home.read_key(by_id[tgt_id]);
    ASSERT_TRUE(block.ok());
    EXPECT_TRUE(block->decrypt(core::SecretBytes::copy_of("home pass")).ok());
    {
        auto lock = home.lock("test");
        ASSERT_TRUE(lock.ok());
    }
    EXPECT_TRUE(fs::exists(priv / "root_keys" / (root_id + "_root.key")));
    EXPECT_TRUE(fs::exists(priv / "tuf_keys" / "docker.io" / "library" / "app" / (tgt_id + "_targets.key")));
    EXPECT_TRUE(fs::exists(priv / "tuf_keys" / (del_id + ".key")));
}

TEST(TrustHome, KeyIdPrefixNeedsSevenHexDigitsAndMustBeUnique) {
    TempDir dir;
    fs::create_directories(dir / "private");
    auto [id, pem] = key_file("targets/releases", "");
    const std::string a = "abcdef0" + std::string(57, '1');
    const std::string b = "abcdef0" + std::string(57, '2');
    tt::write_text(dir / "private" / (a + ".key"), pem);
    tt::write_text(dir / "private" / (b + ".key"), pem);
    tt::write_text(dir / "private" / (id + ".key"), pem);
    keystore::TrustHome home(dir.path());
    auto found = home.find_key(id.substr(0, 7));
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(found->id, id);
    EXPECT_TRUE(home.find_key(id).ok());
    auto upper = id.substr(0, 10);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(home.find_key(upper).ok());
    auto short_prefix = home.find_key(id.substr(0, 6));
    ASSERT_FALSE(short_prefix.ok());
    EXPECT_EQ(short_prefix.error().code, core::ErrorCode::usage);
    auto ambiguous = home.find_key("abcdef0");
    ASSERT_FALSE(ambiguous.ok());
    EXPECT_EQ(ambiguous.error().code, core::ErrorCode::usage);
    EXPECT_TRUE(home.find_key("abcdef01").ok());
    auto missing = home.find_key("0000000");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, core::ErrorCode::key);
}

TEST(TrustHome, SecondWriterIsRefusedWithTheHolderNamed) {
    TempDir dir;
    keystore::TrustHome home(dir.path());
    auto first = home.lock("tufkey key import backup.pem");
    ASSERT_TRUE(first.ok());
    auto second = home.lock("tufkey key generate bob");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, core::ErrorCode::refused);
    EXPECT_EQ(core::exit_code(second.error().code), 5);
    EXPECT_NE(second.error().message.find("PID " + std::to_string(::getpid())), std::string::npos)
        << second.error().message;
    EXPECT_NE(second.error().message.find("tufkey key import backup.pem"), std::string::npos);
    EXPECT_EQ(mode_of(home.lock_file()), 0600u);
}

TEST(TrustHome, LockIsFreeAgainAfterTheHolderEnds) {
    TempDir dir;
    keystore::TrustHome home(dir.path());
    {
        auto first = home.lock("one");
        ASSERT_TRUE(first.ok());
    }
    EXPECT_TRUE(home.lock("two").ok());
}

TEST(TrustHome, StaleTemporariesOfAKilledWriterAreRemovedUnderTheLock) {
    TempDir dir;
    keystore::TrustHome home(dir.path());
    fs::create_directories(dir / "private");
    const auto stale = dir / "private" / ".abc.key.tmp-Xy12Zq";
    tt::write_text(stale, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII");
    auto keys = home.list_keys();
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(keys->empty());
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    EXPECT_FALSE(fs::exists(stale));
}

TEST(TrustHome, ReadingADamagedKeyFileNamesIt) {
    TempDir dir;
    fs::create_directories(dir / "private");
    auto [id, pem] = key_file("targets/releases", "");
    const auto path = dir / "private" / (id + ".key");
    tt::write_text(path, pem.substr(0, pem.size() / 2));
    keystore::TrustHome home(dir.path());
    auto key = home.find_key(id);
    ASSERT_TRUE(key.ok());
    auto block = home.read_key(*key);
    ASSERT_FALSE(block.ok());
    EXPECT_EQ(block.error().code, core::ErrorCode::key);
    EXPECT_NE(block.error().message.find(path.string()), std::string::npos);
}

}  // namespace
