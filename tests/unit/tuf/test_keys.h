// Test helpers: software keys in a dialect's form and small signed documents.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/sign.h"

namespace tufkey::tuf::testing {

struct TestKey {
    std::unique_ptr<core::SoftwareSigner> signer;
    Key key;
};

inline TestKey make_key(Dialect dialect, core::KeyAlgorithm alg = core::KeyAlgorithm::ecdsa_p256) {
    auto signer = core::SoftwareSigner::generate(alg, 2048);
    EXPECT_TRUE(signer.ok());
    Key key = dialect == Dialect::notary ? Key::notary((*signer)->public_key()) : Key::tuf((*signer)->public_key());
    return TestKey{std::move(*signer), std::move(key)};
}

inline Expiry far_future() { return *Expiry::parse("2100-01-01T00:00:00Z"); }
inline Instant now() { return std::chrono::system_clock::now(); }

// Signs `signed_part` with each key (no earlier signatures).
inline Envelope sign_with(Dialect dialect, const Json& signed_part, const std::vector<TestKey*>& keys) {
    Envelope envelope = make_envelope(signed_part);
    std::vector<SigningKey> signing;
    KeyMap none;
    for (TestKey* k : keys) signing.push_back(SigningKey{k->key, *k->signer});
    auto ok = sign_envelope(dialect, envelope, signing, none);
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
    return envelope;
}

// A root where each top-level role is held by `keys` with `threshold`.
inline Root make_root(Dialect dialect, const std::vector<TestKey*>& keys, std::uint32_t threshold = 1) {
    Root root;
    if (dialect == Dialect::notary) root.spec_version.clear();
    root.expires = far_future();
    RoleKeys role;
    role.threshold = threshold;
    for (TestKey* k : keys) {
        root.keys.emplace(k->key.id(), k->key);
        role.keyids.push_back(k->key.id());
    }
    root.root = root.targets = root.snapshot = root.timestamp = role;
    return root;
}

inline Targets make_targets(Dialect dialect) {
    Targets targets;
    if (dialect == Dialect::notary) targets.spec_version.clear();
    targets.expires = far_future();
    TargetFile file;
    file.length = 9;
    file.hashes.emplace("sha256", core::Bytes(32, 0xab));
    targets.targets.emplace("v1", file);
    return targets;
}

}  // namespace tufkey::tuf::testing
