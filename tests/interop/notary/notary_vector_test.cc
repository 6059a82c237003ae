// tufkey against trust data the REAL notary client and server wrote.
//
// tests/fixtures/notary/make-vectors.sh (the CTest fixture notary_vectors_setup) drives
// Debian's notary 0.7 against a private notary-server and keeps every metadata file, every
// server version, the key files and a manifest (notary_vectors.h). Expected values come from
// those files and from the script's inputs: key IDs as notary listed them, key file names
// notary chose, the bytes notary signed and stored, digests coreutils computed. Nothing
// expected is produced by tufkey.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "notary_vectors.h"
#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/encoding.h"
#include "tufkey/core/public_key.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/key_id.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::tuf::vectors {
namespace {

// ---- the scenario is all there --------------------------------------------------------------

TEST_F(NotaryVectors, TheScenarioProducedEveryKindOfFile) {
    std::set<std::string> cached;
    for (const auto& file : files()) {
        if (!file.version) cached.insert(file.role);
        EXPECT_FALSE(file.bytes.empty()) << file.label();
    }
    EXPECT_EQ(cached, (std::set<std::string>{"root", "targets", "snapshot", "timestamp", "targets/releases"}));
    // init, rotate targets, rotate snapshot to the server, rotate root: four root versions.
    const auto roots = versions_of("root");
    ASSERT_EQ(roots.size(), 4u);
    for (std::size_t i = 0; i < roots.size(); ++i) EXPECT_EQ(*roots[i]->version, static_cast<std::int64_t>(i + 1));
    EXPECT_TRUE(same_bytes(roots.back()->bytes, current("root").bytes));
    EXPECT_FALSE(versions_of("targets/releases").empty());
    EXPECT_GE(manifest().at("keys").size(), 5u);  // 2 root, 2 targets, snapshot, delegation
}

// ---- key IDs ----------------------------------------------------------------------------------

void expect_key_ids(const KeyMap& keys, const std::string& where, std::map<std::string, int>& keytypes) {
    for (const auto& [listed, key] : keys) {
        ++keytypes[key.keytype()];
        EXPECT_EQ(key.id().str(), listed.str()) << where << ": key listed as " << listed.str();
        ASSERT_TRUE(key.public_key().has_value()) << where << ": " << listed.str();
        const std::string canonical = notary_canonical_key_id(*key.public_key());
        EXPECT_EQ(key.canonical_id().str(), canonical) << where << ": " << listed.str();
        if (key.is_x509()) {
            EXPECT_NE(key.canonical_id().str(), key.id().str()) << where << ": x509 " << listed.str();
        } else {
            EXPECT_EQ(key.canonical_id(), key.id()) << where << ": " << listed.str();
        }
    }
}

TEST_F(NotaryVectors, EveryKeyIdIsReproduced) {
    std::map<std::string, int> keytypes;
    for (const auto& file : files()) {
        SCOPED_TRACE(file.label());
        auto decoded = decode_or_fail(file);
        if (!decoded) continue;
        if (const auto* root = std::get_if<Root>(&decoded->model)) {
            expect_key_ids(root->keys, file.label(), keytypes);
            EXPECT_TRUE(check_key_ids(RoleName::root(), root->keys).ok());
        } else if (const auto* targets = std::get_if<Targets>(&decoded->model)) {
            ASSERT_TRUE(targets->delegations.has_value());
            expect_key_ids(targets->delegations->keys, file.label(), keytypes);
            EXPECT_TRUE(check_key_ids(role_name(file.role), targets->delegations->keys).ok());
        }
    }
    // Root certificates, client keys and the server's ed25519 keys were all seen.
    EXPECT_GT(keytypes["ecdsa-x509"], 0);
    EXPECT_GT(keytypes["ecdsa"], 0);
    EXPECT_GT(keytypes["ed25519"], 0);
}

// Every key file notary wrote is named by the canonical ID of a key the metadata lists for the
// file's role, and every client-held key in the metadata has its file.
TEST_F(NotaryVectors, CanonicalIdsAreTheKeyFileNamesNotaryChose) {
    std::map<std::string, std::string> file_role;  // canonical ID (file name) → role header
    for (const auto& key : manifest().at("keys")) {
        file_role[key.at("canonical_key_id")] = key.at("role");
    }
    std::map<std::string, std::set<std::string>> listed;  // role → canonical IDs in metadata
    for (const auto* file : versions_of("root")) {
        auto decoded = decode_or_fail(*file);
        ASSERT_TRUE(decoded);
        const auto& root = std::get<Root>(decoded->model);
        for (const RoleName& role : {RoleName::root(), RoleName::targets(), RoleName::snapshot()}) {
            for (const KeyId& id : root.role_keys(role)->keyids) {
                const auto key = root.keys.find(id);
                ASSERT_TRUE(key != root.keys.end()) << file->label() << ": " << id.str();
                if (key->second.keytype() == "ed25519") continue;  // server-held (rotate -r)
                listed[role.str()].insert(key->second.canonical_id().str());
            }
        }
    }
    for (const auto* file : versions_of("targets")) {
        auto decoded = decode_or_fail(*file);
        ASSERT_TRUE(decoded);
        const auto& delegations = *std::get<Targets>(decoded->model).delegations;
        for (const auto& role : delegations.roles) {
            for (const KeyId& id : role.keyids) {
                listed[role.name.str()].insert(delegations.keys.at(id).canonical_id().str());
            }
        }
    }
    ASSERT_EQ(listed["root"].size(), 2u);     // before and after the root rotation
    ASSERT_EQ(listed["targets"].size(), 2u);  // before and after the targets rotation
    ASSERT_EQ(listed["snapshot"].size(), 1u);
    ASSERT_EQ(listed["targets/releases"].size(), 1u);

    for (const auto& [role, ids] : listed) {
        for (const auto& id : ids) {
            const auto found = file_role.find(id);
            ASSERT_TRUE(found != file_role.end()) << role << " key " << id << " has no key file";
            EXPECT_EQ(found->second, role) << "key file " << id;
        }
    }
    for (const auto& [id, role] : file_role) {
        EXPECT_TRUE(listed[role].count(id)) << "key file " << id << " (" << role << ") names no listed key";
    }
}

// ---- encoding -----------------------------------------------------------------------------------

TEST_F(NotaryVectors, SignedPartsReencodeFromTheModelToTheSignedBytes) {
    for (const auto& file : files()) {
        SCOPED_TRACE(file.label());
        const auto stored = stored_signed_text(file.bytes);
        ASSERT_TRUE(stored.has_value()) << "not a Notary envelope";
        const std::string signed_bytes = undo_go_html_escape(*stored);
        auto decoded = decode_or_fail(file);
        if (!decoded) continue;
        EXPECT_TRUE(same_bytes(decoded->envelope.signing_bytes(), signed_bytes));
        auto encoded = encode_model(decoded->model);
        ASSERT_TRUE(encoded.ok()) << why(encoded);
        EXPECT_TRUE(same_bytes(canonical_json(*encoded), signed_bytes));
    }
}

TEST_F(NotaryVectors, EnvelopesReencodeToTheExactFileBytes) {
    bool saw_html_escape = false;
    for (const auto& file : files()) {
        SCOPED_TRACE(file.label());
        saw_html_escape = saw_html_escape || file.bytes.find("\\u003c") != std::string::npos;
        auto decoded = decode_or_fail(file);
        if (!decoded) continue;
        auto same = serialize_envelope(kNotary, decoded->envelope);
        ASSERT_TRUE(same.ok()) << why(same);
        EXPECT_TRUE(same_bytes(*same, file.bytes));

        auto encoded = encode_model(decoded->model);
        ASSERT_TRUE(encoded.ok()) << why(encoded);
        Envelope rebuilt;
        rebuilt.signed_part = std::move(encoded).value();
        rebuilt.signatures = decoded->envelope.signatures;
        auto from_model = serialize_envelope(kNotary, rebuilt);
        ASSERT_TRUE(from_model.ok()) << why(from_model);
        EXPECT_TRUE(same_bytes(*from_model, file.bytes));
    }
    EXPECT_TRUE(saw_html_escape) << "no file exercised Go's HTML escaping";
}

// ---- signatures ---------------------------------------------------------------------------------

TEST_F(NotaryVectors, RootChainVerifiesVersionByVersion) {
    const auto roots = versions_of("root");
    ASSERT_EQ(roots.size(), 4u);
    std::vector<Decoded> chain;
    for (const auto* file : roots) {
        auto decoded = decode_or_fail(*file);
        ASSERT_TRUE(decoded);
        chain.push_back(std::move(*decoded));
    }
    const auto& first = std::get<Root>(chain[0].model);
    auto self = verify_top_level(kNotary, first, RoleName::root(), chain[0].envelope);
    EXPECT_TRUE(self.ok()) << "1.root.json: " << why(self);

    for (std::size_t i = 1; i < chain.size(); ++i) {
        SCOPED_TRACE(roots[i]->label());
        const auto& trusted = std::get<Root>(chain[i - 1].model);
        auto next = verify_root_update(kNotary, trusted, chain[i].envelope);
        ASSERT_TRUE(next.ok()) << why(next);
        EXPECT_EQ(next->version.value(), static_cast<std::int64_t>(i + 1));
        auto own = verify_top_level(kNotary, std::get<Root>(chain[i].model), RoleName::root(), chain[i].envelope);
        EXPECT_TRUE(own.ok()) << why(own);
    }

    // The root rotation (3 → 4): signed by the old and the new root key; each alone is not enough.
    const auto& old_root = std::get<Root>(chain[2].model);
    const auto& new_root = std::get<Root>(chain[3].model);
    ASSERT_NE(old_root.root.keyids, new_root.root.keyids);
    const Envelope& rotation = chain[3].envelope;
    ASSERT_EQ(rotation.signatures.size(), 2u);
    for (const auto& dropped : rotation.signatures) {
        Envelope single = rotation;
        single.signatures.erase(std::remove_if(single.signatures.begin(), single.signatures.end(),
                                               [&](const Signature& s) { return s.keyid == dropped.keyid; }),
                                single.signatures.end());
        EXPECT_FALSE(verify_root_update(kNotary, old_root, single).ok())
            << "accepted the rotation without the signature of " << dropped.keyid;
    }
}

TEST_F(NotaryVectors, CurrentRolesVerifyAgainstTheCurrentRoot) {
    auto root_file = decode_or_fail(current("root"));
    ASSERT_TRUE(root_file);
    const auto& root = std::get<Root>(root_file->model);
    for (const std::string name : {"root", "targets", "snapshot", "timestamp"}) {
        SCOPED_TRACE(name);
        auto decoded = decode_or_fail(current(name));
        ASSERT_TRUE(decoded);
        auto report = verify_top_level(kNotary, root, role_name(name), decoded->envelope);
        ASSERT_TRUE(report.ok()) << why(report);
        EXPECT_GE(report->distinct_keys, 1u);

        // The same envelope with one changed byte of `signed` must no longer verify.
        Envelope tampered = decoded->envelope;
        auto& version = tampered.signed_part.as_object().at("version");
        version = Json(version.as_int() + 1);
        EXPECT_FALSE(verify_top_level(kNotary, root, role_name(name), tampered).ok());
    }
}

TEST_F(NotaryVectors, EveryServerVersionVerifiesAgainstSomeRootVersion) {
    std::vector<Root> roots;
    for (const auto* file : versions_of("root")) {
        auto decoded = decode_or_fail(*file);
        ASSERT_TRUE(decoded);
        roots.push_back(std::get<Root>(decoded->model));
    }
    for (const std::string name : {"targets", "snapshot", "timestamp"}) {
        for (const auto* file : versions_of(name)) {
            auto decoded = decode_or_fail(*file);
            ASSERT_TRUE(decoded);
            const bool verified = std::any_of(roots.begin(), roots.end(), [&](const Root& root) {
                return verify_top_level(kNotary, root, role_name(name), decoded->envelope).ok();
            });
            EXPECT_TRUE(verified) << file->label() << " verifies against no root version";
        }
    }
}

TEST_F(NotaryVectors, DelegationVerifiesAgainstTheKeysTargetsLists) {
    auto targets_file = decode_or_fail(current("targets"));
    ASSERT_TRUE(targets_file);
    const auto& targets = std::get<Targets>(targets_file->model);
    ASSERT_TRUE(targets.delegations.has_value());
    EXPECT_TRUE(check_delegations(kNotary, RoleName::targets(), *targets.delegations).ok());

    const RoleName releases = role_name("targets/releases");
    auto decoded = decode_or_fail(current("targets/releases"));
    ASSERT_TRUE(decoded);
    auto report = verify_delegated(kNotary, *targets.delegations, releases, decoded->envelope);
    ASSERT_TRUE(report.ok()) << why(report);

    Envelope tampered = decoded->envelope;
    tampered.signed_part.as_object().at("targets").as_object().begin()->second.as_object().at("length") = Json(1);
    EXPECT_FALSE(verify_delegated(kNotary, *targets.delegations, releases, tampered).ok());

    // Not signed by the targets key: the delegation's key is what makes it valid.
    auto root_file = decode_or_fail(current("root"));
    ASSERT_TRUE(root_file);
    const auto& root = std::get<Root>(root_file->model);
    EXPECT_FALSE(
        verify_signatures(kNotary, releases, decoded->envelope, root.keys, root.targets.keyids, root.targets.threshold)
            .ok());
}

// ---- snapshot and timestamp hashes ----------------------------------------------------------------

TEST_F(NotaryVectors, SnapshotAndTimestampHashTheStoredBytes) {
    auto timestamp = decode_or_fail(current("timestamp"));
    auto snapshot = decode_or_fail(current("snapshot"));
    ASSERT_TRUE(timestamp && snapshot);
    const auto& ts_meta = std::get<Timestamp>(timestamp->model).meta;
    ASSERT_EQ(ts_meta.size(), 1u);
    ASSERT_TRUE(ts_meta.count("snapshot"));
    EXPECT_TRUE(meta_matches(ts_meta.at("snapshot"), current("snapshot").bytes));

    const auto& meta = std::get<Snapshot>(snapshot->model).meta;
    std::set<std::string> roles;
    for (const auto& [role, entry] : meta) {
        roles.insert(role);
        EXPECT_TRUE(meta_matches(entry, current(role).bytes)) << "snapshot entry " << role;
    }
    EXPECT_EQ(roles, (std::set<std::string>{"root", "targets", "targets/releases"}));
}

TEST_F(NotaryVectors, EveryServerSnapshotAndTimestampNamesAStoredVersion) {
    for (const std::string name : {"snapshot", "timestamp"}) {
        for (const auto* file : versions_of(name)) {
            auto decoded = decode_or_fail(*file);
            ASSERT_TRUE(decoded);
            const MetaMap& meta =
                name == "snapshot" ? std::get<Snapshot>(decoded->model).meta : std::get<Timestamp>(decoded->model).meta;
            ASSERT_FALSE(meta.empty()) << file->label();
            for (const auto& [role, entry] : meta) {
                const auto candidates = versions_of(role);
                const bool found = std::any_of(candidates.begin(), candidates.end(),
                                               [&](const MetadataFile* f) { return meta_matches(entry, f->bytes); });
                EXPECT_TRUE(found) << file->label() << ": entry " << role << " matches no stored version";
            }
        }
    }
}

// ---- targets ------------------------------------------------------------------------------------

TEST_F(NotaryVectors, TargetsAreWhatNotaryWasAskedToSign) {
    std::map<std::string, std::set<std::string>> expected_names;
    std::map<std::string, Targets> by_role;
    for (const std::string role : {"targets", "targets/releases"}) {
        auto decoded = decode_or_fail(current(role));
        ASSERT_TRUE(decoded);
        by_role.emplace(role, std::get<Targets>(decoded->model));
    }
    for (const auto& target : manifest().at("targets")) {
        const std::string role = target.at("role");
        const std::string name = target.at("name");
        SCOPED_TRACE(role + " " + name);
        expected_names[role].insert(name);
        const auto& listed = by_role.at(role).targets;
        const auto found = listed.find(name);
        ASSERT_TRUE(found != listed.end()) << "not in " << role << ".json";
        const TargetFile& file = found->second;
        EXPECT_EQ(file.length, target.at("length").get<std::uint64_t>());
        std::map<std::string, std::string> hashes;
        for (const auto& [algorithm, digest] : file.hashes) hashes[algorithm] = core::hex_encode(digest);
        EXPECT_EQ(hashes, target.at("hashes_hex").get<decltype(hashes)>());
        if (target.contains("custom")) {
            ASSERT_TRUE(file.custom.has_value());
            EXPECT_EQ(canonical_json(*file.custom), target.at("custom").dump());
        } else {
            EXPECT_FALSE(file.custom.has_value());
        }
    }
    for (const auto& [role, targets] : by_role) {
        std::set<std::string> names;
        for (const auto& [name, file] : targets.targets) names.insert(name);
        EXPECT_EQ(names, expected_names[role]) << role;
    }
    // The delegation key is the certificate openssl made, byte for byte.
    const auto& delegations = *by_role.at("targets").delegations;
    ASSERT_EQ(delegations.keys.size(), 1u);
    const auto& certificate = delegations.keys.begin()->second.certificate_pem();
    ASSERT_TRUE(certificate.has_value());
    EXPECT_EQ(*certificate,
              testing::read_text(dir() / manifest().at("delegation").at("certificate").get<std::string>()));
}

// ---- key files (checked with openssl, not with tufkey's keystore) --------------------------------

TEST_F(NotaryVectors, KeyFilesDecryptWithTheRecordedPassphrases) {
    testing::TempDir tmp("tufkey-notary-keys");
    std::size_t checked = 0;
    for (const auto& key : manifest().at("keys")) {
        const std::string path = key.at("path");
        SCOPED_TRACE(path);
        const auto blocks = split_pem(testing::read_text(dir() / path));
        ASSERT_EQ(blocks.size(), 1u);
        EXPECT_EQ(blocks[0].headers.at("role"), key.at("role").get<std::string>());
        const auto stripped = tmp / "key.pem";
        testing::write_text(stripped, pem_without_headers(blocks[0], "ENCRYPTED PRIVATE KEY"));

        testing::ProcessOptions options;
        options.env["TUFKEY_VECTOR_PASS"] = key.at("passphrase").get<std::string>();
        const auto decrypted = testing::run_process(
            {"openssl", "pkcs8", "-in", stripped.string(), "-passin", "env:TUFKEY_VECTOR_PASS"}, options);
        ASSERT_EQ(decrypted.exit_code, 0) << decrypted.err;
        testing::ProcessOptions pipe;
        pipe.stdin_data = decrypted.out;
        const auto spki = testing::run_process({"openssl", "pkey", "-pubout", "-outform", "DER"}, pipe);
        ASSERT_EQ(spki.exit_code, 0) << spki.err;
        auto public_key = core::PublicKey::from_spki_der(core::as_bytes(spki.out));
        ASSERT_TRUE(public_key.ok()) << why(public_key);
        EXPECT_EQ(notary_canonical_key_id(*public_key), key.at("canonical_key_id").get<std::string>());

        options.env["TUFKEY_VECTOR_PASS"] = "not the passphrase";
        const auto wrong = testing::run_process(
            {"openssl", "pkcs8", "-in", stripped.string(), "-passin", "env:TUFKEY_VECTOR_PASS"}, options);
        EXPECT_NE(wrong.exit_code, 0);
        ++checked;
    }
    EXPECT_GE(checked, 5u);
}

TEST_F(NotaryVectors, KeyExportHoldsTheKeyFilesWithPathHeaders) {
    std::map<std::string, std::string> bodies;
    for (const auto& key : manifest().at("keys")) {
        const auto blocks = split_pem(testing::read_text(dir() / key.at("path").get<std::string>()));
        ASSERT_EQ(blocks.size(), 1u);
        bodies[key.at("canonical_key_id")] = blocks[0].body;
    }
    const auto exported = split_pem(testing::read_text(dir() / "keys/export.pem"));
    ASSERT_EQ(exported.size(), manifest().at("key_export").at("blocks").size());
    ASSERT_FALSE(exported.empty());
    for (const auto& block : exported) {
        ASSERT_TRUE(block.headers.count("path"));
        const auto found = bodies.find(block.headers.at("path"));
        ASSERT_TRUE(found != bodies.end()) << "exported key " << block.headers.at("path") << " has no key file";
        EXPECT_EQ(block.body, found->second) << block.headers.at("path");
    }
}

}  // namespace
}  // namespace tufkey::tuf::vectors
