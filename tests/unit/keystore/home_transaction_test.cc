// HomeTransaction: staged changes commit all or nothing; an interrupted commit is completed or
// discarded by the next lock, never left half-applied. The interrupted states are built by
// hand here, exactly as a kill at each step leaves them (the CLI crash-safety suite kills the
// real binary at every write point).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/keystore/home_transaction.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tt = tufkey::testing;
using tt::TempDir;
namespace fs = std::filesystem;

std::string sha256_hex(const std::string& text) { return core::hex_encode(core::sha256(core::as_bytes(text))); }

class HomeTransactionTest : public ::testing::Test {
protected:
    HomeTransactionTest() : home(dir / "home") {
        fs::create_directories(home.root() / "tuf" / "gun" / "metadata");
        tt::write_text(meta("targets"), "old targets");
        tt::write_text(meta("snapshot"), "old snapshot");
    }
    [[nodiscard]] fs::path meta(const std::string& role) const {
        return home.root() / "tuf" / "gun" / "metadata" / (role + ".json");
    }
    [[nodiscard]] fs::path journal() const { return keystore::journal_dir(home); }

    // A journal as a kill leaves it: data files written, the manifest committed or not.
    void leave_journal(bool committed, bool first_applied) {
        fs::create_directories(journal());
        tt::write_text(journal() / "0.data", "new targets");
        tt::write_text(journal() / "1.data", "new snapshot");
        if (!committed) return;
        tt::write_text(journal() / "manifest",
                       R"({"ops":[{"data":"0.data","op":"write","path":"tuf/gun/metadata/targets.json","sha256":")" +
                           sha256_hex("new targets") +
                           R"("},{"data":"1.data","op":"write","path":"tuf/gun/metadata/snapshot.json","sha256":")" +
                           sha256_hex("new snapshot") + R"("}],"version":1})");
        if (first_applied) fs::rename(journal() / "0.data", meta("targets"));
    }

    TempDir dir;
    keystore::TrustHome home;
};

TEST_F(HomeTransactionTest, CommitAppliesEveryStagedChangeAndLeavesNoJournal) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    keystore::HomeTransaction tx(home, *lock);
    tx.write(meta("targets"), "new targets");
    tx.write(meta("targets/releases"), "new releases", 0600);
    tx.remove(meta("snapshot"));
    EXPECT_EQ(tt::read_text(meta("targets")), "old targets") << "nothing changes before commit";
    ASSERT_TRUE(tx.commit().ok());
    EXPECT_EQ(tt::read_text(meta("targets")), "new targets");
    EXPECT_EQ(tt::read_text(meta("targets/releases")), "new releases");
    EXPECT_FALSE(fs::exists(meta("snapshot")));
    EXPECT_FALSE(fs::exists(journal()));
    EXPECT_TRUE(tx.empty());
    struct stat st {};
    ASSERT_EQ(::stat(meta("targets/releases").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(HomeTransactionTest, AThousandFilesCommitTogetherThroughOneFileSystemFlush) {
    // More than 64 files take the batched path (written, then one syncfs): a sign into many
    // hashed bins. Every file lands with its bytes and mode, in subdirectories too.
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    keystore::HomeTransaction tx(home, *lock);
    for (int i = 0; i < 1000; ++i) tx.write(meta("bins/bin-" + std::to_string(i)), "bin " + std::to_string(i), 0640);
    tx.remove(meta("snapshot"));
    ASSERT_TRUE(tx.commit().ok());
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(tt::read_text(meta("bins/bin-" + std::to_string(i))), "bin " + std::to_string(i));
    EXPECT_FALSE(fs::exists(meta("snapshot")));
    EXPECT_FALSE(fs::exists(journal()));
    struct stat st {};
    ASSERT_EQ(::stat(meta("bins/bin-999").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(HomeTransactionTest, ReadsSeeStagedBytesAndRemovals) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    keystore::HomeTransaction tx(home, *lock);
    tx.write(meta("targets"), "staged");
    tx.remove(meta("snapshot"));
    auto targets = tx.read(meta("targets"), 1024);
    auto snapshot = tx.read(meta("snapshot"), 1024);
    auto untouched = tx.read(meta("timestamp"), 1024);
    ASSERT_TRUE(targets.ok() && snapshot.ok() && untouched.ok());
    EXPECT_EQ(**targets, "staged");
    EXPECT_FALSE(snapshot->has_value());
    EXPECT_FALSE(untouched->has_value());
}

TEST_F(HomeTransactionTest, APathOutsideTheHomeIsRefusedAndNothingChanges) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    keystore::HomeTransaction tx(home, *lock);
    tx.write(meta("targets"), "new targets");
    tx.write(home.root() / ".." / "escape.json", "x");
    auto committed = tx.commit();
    ASSERT_FALSE(committed.ok());
    EXPECT_EQ(committed.error().code, core::ErrorCode::internal);
    EXPECT_FALSE(fs::exists(dir / "escape.json"));
    EXPECT_EQ(tt::read_text(meta("targets")), "old targets");
    EXPECT_FALSE(fs::exists(journal()));
}

TEST_F(HomeTransactionTest, AFileInTheWayRefusesTheChangeBeforeTheCommitPoint) {
    auto lock = home.lock("test");
    ASSERT_TRUE(lock.ok());
    tt::write_text(home.root() / "tuf" / "other", "a file where a directory must go");
    keystore::HomeTransaction tx(home, *lock);
    tx.write(meta("targets"), "new targets");
    tx.write(home.root() / "tuf" / "other" / "metadata" / "root.json", "x");
    auto committed = tx.commit();
    ASSERT_FALSE(committed.ok());
    EXPECT_EQ(committed.error().code, core::ErrorCode::io);
    EXPECT_NE(committed.error().message.find("in the way"), std::string::npos) << committed.error().message;
    EXPECT_EQ(tt::read_text(meta("targets")), "old targets");
    EXPECT_FALSE(fs::exists(journal())) << "nothing committed, nothing left to complete";
}

TEST_F(HomeTransactionTest, AnUncommittedJournalIsDiscardedByTheNextLock) {
    leave_journal(/*committed=*/false, false);
    auto lock = home.lock("next");
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    EXPECT_EQ(tt::read_text(meta("targets")), "old targets");
    EXPECT_EQ(tt::read_text(meta("snapshot")), "old snapshot");
    EXPECT_FALSE(fs::exists(journal()));
}

TEST_F(HomeTransactionTest, ACommittedJournalIsRolledForwardByTheNextLock) {
    leave_journal(/*committed=*/true, /*first_applied=*/false);
    auto lock = home.lock("next");
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    EXPECT_EQ(tt::read_text(meta("targets")), "new targets");
    EXPECT_EQ(tt::read_text(meta("snapshot")), "new snapshot");
    EXPECT_FALSE(fs::exists(journal()));
}

TEST_F(HomeTransactionTest, AHalfAppliedJournalIsCompletedWithoutRedoingWhatWasApplied) {
    leave_journal(/*committed=*/true, /*first_applied=*/true);
    auto lock = home.lock("next");
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    EXPECT_FALSE(fs::exists(journal()));
    EXPECT_EQ(tt::read_text(meta("targets")), "new targets");
    EXPECT_EQ(tt::read_text(meta("snapshot")), "new snapshot");
}

TEST_F(HomeTransactionTest, ReadOnlyCommandsCompleteAnInterruptedChangeToo) {
    leave_journal(/*committed=*/true, /*first_applied=*/true);
    ASSERT_TRUE(home.recover_interrupted().ok());
    EXPECT_EQ(tt::read_text(meta("snapshot")), "new snapshot");
    EXPECT_FALSE(fs::exists(journal()));
}

TEST_F(HomeTransactionTest, ReadOnlyRecoveryLeavesAJournalAloneWhileAWriterHoldsTheLock) {
    auto writer = home.lock("writer");
    ASSERT_TRUE(writer.ok());
    leave_journal(/*committed=*/true, false);
    ASSERT_TRUE(home.recover_interrupted().ok());
    EXPECT_TRUE(fs::exists(journal() / "manifest"));
    EXPECT_EQ(tt::read_text(meta("targets")), "old targets");
}

TEST_F(HomeTransactionTest, ADamagedCommittedJournalIsReportedAndKept) {
    leave_journal(/*committed=*/true, false);
    fs::remove(journal() / "1.data");
    auto lock = home.lock("next");
    ASSERT_FALSE(lock.ok());
    EXPECT_EQ(lock.error().code, core::ErrorCode::io);
    EXPECT_NE(lock.error().message.find("tufkey.journal"), std::string::npos) << lock.error().message;
    EXPECT_TRUE(fs::exists(journal() / "manifest"));
}

TEST_F(HomeTransactionTest, AManifestPathLeavingTheHomeIsNeverApplied) {
    fs::create_directories(journal());
    tt::write_text(journal() / "0.data", "evil");
    tt::write_text(journal() / "manifest",
                   R"({"ops":[{"data":"0.data","op":"write","path":"../escape.json","sha256":")" + sha256_hex("evil") +
                       R"("}],"version":1})");
    EXPECT_FALSE(home.lock("next").ok());
    EXPECT_FALSE(fs::exists(dir / "escape.json"));
}

TEST_F(HomeTransactionTest, StaleTemporariesAnywhereInTheHomeAreRemovedUnderTheLock) {
    const auto in_metadata = meta(".snapshot.json.tmp-Ab12Cd").parent_path() / ".snapshot.json.tmp-Ab12Cd";
    const auto in_private = home.root() / "private" / ".abc.key.tmp-Xy12Zq";
    fs::create_directories(in_private.parent_path());
    tt::write_text(in_metadata, "{");
    tt::write_text(in_private, "-----BEGIN");
    auto lock = home.lock("next");
    ASSERT_TRUE(lock.ok());
    EXPECT_FALSE(fs::exists(in_metadata));
    EXPECT_FALSE(fs::exists(in_private));
    EXPECT_EQ(tt::read_text(meta("targets")), "old targets");
}

}  // namespace
