// tuf::TrustedSet in the notary dialect, whose snapshot and timestamp meta carry hashes but no
// versions: a saved local copy must still match its parent's hashes to be trusted.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "tufkey/core/digest.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/sign.h"
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::testing {
namespace {

using tuf::Dialect;
using tuf::RoleName;

// A minimal notary-dialect repository made with software keys (one key for every role).
class NotaryRepo final {
public:
    NotaryRepo()
        : m_signer(core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256).value()),
          m_key(tuf::Key::notary(m_signer->public_key())) {
        tuf::Root root;
        root.version = *tuf::Version::create(1);
        root.expires = expiry();
        root.keys.emplace(m_key.id(), m_key);
        for (auto* role : {&root.root, &root.targets, &root.snapshot, &root.timestamp}) role->keyids = {m_key.id()};
        root_bytes = sign(tuf::encode_root(Dialect::notary, root).value());
    }

    // Publishes targets, snapshot and timestamp at `version`.
    void publish(std::int64_t version) {
        tuf::Targets targets;
        targets.version = *tuf::Version::create(version);
        targets.expires = expiry();
        targets.delegations = tuf::Delegations{};
        targets_bytes = sign(tuf::encode_targets(Dialect::notary, targets).value());
        tuf::Snapshot snapshot;
        snapshot.version = *tuf::Version::create(version);
        snapshot.expires = expiry();
        snapshot.meta.emplace("root", meta(root_bytes));
        snapshot.meta.emplace("targets", meta(targets_bytes));
        snapshot_bytes = sign(tuf::encode_snapshot(Dialect::notary, snapshot).value());
        tuf::Timestamp timestamp;
        timestamp.version = *tuf::Version::create(version);
        timestamp.expires = expiry();
        timestamp.meta.emplace("snapshot", meta(snapshot_bytes));
        timestamp_bytes = sign(tuf::encode_timestamp(Dialect::notary, timestamp).value());
    }

    std::string root_bytes, targets_bytes, snapshot_bytes, timestamp_bytes;

private:
    static tuf::Expiry expiry() {
        return tuf::new_expiry(Dialect::notary, std::chrono::system_clock::now() + std::chrono::hours(24 * 30));
    }
    static tuf::MetaFile meta(const std::string& bytes) {
        tuf::MetaFile m;
        m.length = bytes.size();
        m.hashes["sha256"] = core::sha256(core::as_bytes(bytes));
        m.hashes["sha512"] = core::sha512(core::as_bytes(bytes));
        return m;
    }
    std::string sign(tuf::Json signed_part) {
        tuf::Envelope envelope = tuf::make_envelope(std::move(signed_part));
        tuf::SigningKey key{m_key, *m_signer};
        tuf::KeyMap known{{m_key.id(), m_key}};
        EXPECT_TRUE(tuf::sign_envelope(Dialect::notary, envelope, {&key, 1}, known));
        return tuf::serialize_envelope(Dialect::notary, envelope).value();
    }

    std::unique_ptr<core::SoftwareSigner> m_signer;
    tuf::Key m_key;
};

tuf::TrustedSet trusted_at_timestamp(const NotaryRepo& repo) {
    auto set = tuf::TrustedSet::create(Dialect::notary, repo.root_bytes, std::chrono::system_clock::now()).value();
    EXPECT_TRUE(set.update_timestamp(repo.timestamp_bytes));
    return set;
}

TEST(NotaryTrustedSet, StaleLocalSnapshotIsRefusedWithoutVersionsInMeta) {
    NotaryRepo repo;
    repo.publish(1);
    const std::string saved_snapshot = repo.snapshot_bytes;
    repo.publish(2);
    auto set = trusted_at_timestamp(repo);
    auto stale = set.update_snapshot(saved_snapshot, /*from_local=*/true);
    ASSERT_FALSE(stale) << "a snapshot the new timestamp does not list was trusted";
    EXPECT_EQ(stale.error().code, core::ErrorCode::trust);
    EXPECT_TRUE(set.update_snapshot(repo.snapshot_bytes, /*from_local=*/true));
}

TEST(NotaryTrustedSet, CurrentLocalSnapshotAndTargetsAreTrusted) {
    NotaryRepo repo;
    repo.publish(3);
    auto set = trusted_at_timestamp(repo);
    ASSERT_TRUE(set.update_snapshot(repo.snapshot_bytes, true));
    EXPECT_TRUE(set.update_targets(repo.targets_bytes, RoleName::targets(), RoleName::root()));
}

}  // namespace
}  // namespace tufkey::testing
