// One tampered file, five entry points, one typed reason: `verify`, `pull`, `bundle import`,
// `client` and verify-before-`publish` all run the same pipeline (ceremony/src/pipeline.h), so
// the same change to targets.json (one byte of its signature: same length, other hash) is
// refused by each of them as core::TrustReason::hash_mismatch, before anything is written.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "fake_terminal.h"
#include "temp_dir.h"
#include "test_repository.h"
#include "tufkey/ceremony/bundle.h"
#include "tufkey/ceremony/client.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/ceremony/publish.h"
#include "tufkey/ceremony/pull.h"
#include "tufkey/ceremony/verify.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/json.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGun = "registry.example.com/pipeline/app";

// One byte of the signature changed: the length stays, the sha256 the snapshot lists does not.
std::string tampered(std::string bytes) {
    const auto sig = bytes.find("\"sig\":\"");
    EXPECT_NE(sig, std::string::npos);
    char& c = bytes[sig + 7];
    c = c == '0' ? '1' : '0';
    return bytes;
}

class NoPins final : public pkcs11::PinSource {
public:
    core::Result<core::SecretBytes> pin_for(const pkcs11::TokenInfo&) override {
        return core::Error(core::ErrorCode::token, "no token in this test");
    }
};

template <typename T>
void expect_hash_mismatch(const core::Result<T>& result) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, core::ErrorCode::trust) << result.error().message;
    EXPECT_EQ(result.error().reason, core::TrustReason::hash_mismatch) << result.error().message;
    EXPECT_NE(result.error().message.find("targets: "), std::string::npos) << result.error().message;
}

class PipelineEntryPoints : public ::testing::Test {
protected:
    PipelineEntryPoints() : m_passphrases(m_terminal, [](const std::string&) { return std::nullopt; }) {
        m_repo.meta_hashes = true;
        m_repo.add_target("targets", "app.tar", "payload");
        m_repo.publish_all();
        m_repo.write_to(m_dir.path() / "repo");
        write_text(m_dir / "root.json", m_repo.initial_root());
    }

    [[nodiscard]] fs::path metadata_url() const { return m_dir.path() / "repo" / "metadata"; }
    // The file a consistent-snapshot client fetches for the current targets ("V.targets.json").
    [[nodiscard]] fs::path served_targets() const {
        return metadata_url() / (std::to_string(m_repo.targets.version.value()) + ".targets.json");
    }
    [[nodiscard]] fs::path home_metadata() const { return m_dir.path() / "home" / "tuf" / kGun / "metadata"; }

    // The repository's current files in a home, as `init` and `pull` leave them.
    void fill_home(bool with_config) {
        fs::create_directories(home_metadata());
        for (const char* role : {"root", "timestamp", "snapshot", "targets"})
            write_text(home_metadata() / (std::string(role) + ".json"),
                       *m_repo.file("metadata/" + std::string(role) + ".json"));
        const fs::path state = m_dir.path() / "home" / "tufkey" / kGun;
        fs::create_directories(state / "roots");
        write_text(state / "roots" / "1.root.json", m_repo.initial_root());
        if (with_config)
            write_text(state / "repository.json",
                       std::string("{\"dialect\":\"tuf\",\"gun\":\"") + kGun + "\",\"version\":1}\n");
    }

    ceremony::KeyAccess access() { return ceremony::KeyAccess{m_home, m_passphrases, m_pins, {}, false}; }

    TempDir m_dir{"tufkey-pipeline"};
    keystore::TrustHome m_home{m_dir.path() / "home"};
    TestRepository m_repo;
    FakeTerminal m_terminal{false};
    keystore::PassphraseSource m_passphrases;
    NoPins m_pins;
};

TEST_F(PipelineEntryPoints, Verify) {
    fill_home(false);
    write_text(home_metadata() / "targets.json", tampered(read_text(home_metadata() / "targets.json")));
    expect_hash_mismatch(ceremony::verify_repository(m_home, {kGun, std::nullopt}, std::chrono::system_clock::now()));
}

TEST_F(PipelineEntryPoints, VerifyBeforePublish) {
    fill_home(true);
    write_text(home_metadata() / "targets.json", tampered(read_text(home_metadata() / "targets.json")));
    const fs::path out = m_dir.path() / "published";
    expect_hash_mismatch(ceremony::publish_repository(m_home, {kGun, out.string()}));
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(PipelineEntryPoints, Pull) {
    write_text(served_targets(), tampered(read_text(served_targets())));
    auto keys = access();
    ceremony::PullRequest request;
    request.gun = kGun;
    request.from = metadata_url().string();
    request.root_file = (m_dir / "root.json").string();
    expect_hash_mismatch(ceremony::pull_repository(keys, request));
    EXPECT_FALSE(fs::exists(home_metadata()));
}

TEST_F(PipelineEntryPoints, Client) {
    write_text(served_targets(), tampered(read_text(served_targets())));
    ceremony::ClientRequest request;
    request.metadata_dir = (m_dir / "md").string();
    request.metadata_url = metadata_url().string();
    request.trusted_root = (m_dir / "root.json").string();
    ASSERT_TRUE(ceremony::client_init(request).ok());
    expect_hash_mismatch(ceremony::client_refresh(request));
    EXPECT_FALSE(fs::exists(m_dir / "md" / "targets.json"));
}

TEST_F(PipelineEntryPoints, BundleImport) {
    // A bundle whose own envelope is intact (length and sha256 of the tampered bytes): only the
    // pipeline can tell that targets is not the file the snapshot lists.
    auto entry = [](const std::string& bytes, std::int64_t version) {
        return tuf::JsonObject{{"bytes", core::base64_encode(core::as_bytes(bytes))},
                               {"length", static_cast<std::int64_t>(bytes.size())},
                               {"sha256", core::hex_encode(core::sha256(core::as_bytes(bytes)))},
                               {"version", version}};
    };
    tuf::JsonObject roles;
    const std::map<std::string, std::int64_t> versions{{"root", m_repo.root.version.value()},
                                                       {"timestamp", m_repo.timestamp.version.value()},
                                                       {"snapshot", m_repo.snapshot.version.value()},
                                                       {"targets", m_repo.targets.version.value()}};
    for (const auto& [role, version] : versions) {
        std::string bytes = *m_repo.file("metadata/" + role + ".json");
        if (role == "targets") bytes = tampered(bytes);
        roles[role] = entry(bytes, version);
    }
    const tuf::JsonObject doc{{"format", ceremony::kBundleFormat},
                              {"gun", kGun},
                              {"dialect", "tuf"},
                              {"created", "2030-01-01T00:00:00Z"},
                              {"roles", std::move(roles)},
                              {"root_chain", tuf::JsonArray{entry(m_repo.initial_root(), 1)}}};
    write_text(m_dir / "bundle.json", tuf::canonical_json(doc));
    auto keys = access();
    ceremony::BundleImportRequest request;
    request.file = m_dir / "bundle.json";
    request.root_file = (m_dir / "root.json").string();
    expect_hash_mismatch(ceremony::import_bundle(keys, request));
    EXPECT_FALSE(fs::exists(home_metadata()));
}

}  // namespace
}  // namespace tufkey::testing
