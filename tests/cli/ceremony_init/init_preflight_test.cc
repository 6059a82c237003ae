// `tufkey init` checks everything before it generates a key (issue #10): an absent token, a
// missing passphrase, two URIs for one key or a GUN already in the home fail with no key made
// on any token and no file of the repository left; a failure after a key was generated names
// that key's URI and still leaves no repository files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "ceremony_cli.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using tuf::Dialect;

std::string param_name(const ::testing::TestParamInfo<Dialect>& info) { return tuf::to_string(info.param); }

class InitPreflight : public ::testing::TestWithParam<Dialect> {
protected:
    // The keys on token `label`, as `tufkey token keys --json` lists them after login.
    nlohmann::json token_keys(const std::string& label) const {
        auto r = m_cli.run(
            {"token", "keys", "--token", "pkcs11:token=" + label, "--json", "--pin-file", m_cli.pin_file().string()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        auto keys = nlohmann::json::parse(r.out, nullptr, false);
        EXPECT_TRUE(keys.is_array()) << r.out;
        return keys.is_array() ? keys : nlohmann::json::array();
    }

    void expect_no_repository_files() const {
        EXPECT_FALSE(fs::exists(m_cli.home() / "tuf" / kCeremonyGun)) << "metadata left behind";
        EXPECT_FALSE(fs::exists(m_cli.home() / "tufkey" / kCeremonyGun)) << "tufkey state left behind";
        if (fs::exists(m_cli.home() / "private")) {
            EXPECT_TRUE(fs::is_empty(m_cli.home() / "private")) << "a key file was left behind";
        }
    }

    CeremonyCli m_cli{{"ceremony"}};
};

TEST_P(InitPreflight, AnAbsentTokenFailsBeforeAnyKeyIsGeneratedOnThePresentOne) {
    // The present token comes first: an init that generated as it went would make its key.
    const auto r = m_cli.run(m_cli.init_args(GetParam(), {"ceremony", "no-such-token"}));
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("no-such-token"), std::string::npos) << r.err;
    EXPECT_EQ(token_keys("ceremony").size(), 0u) << "a root key was generated before the check failed";
    expect_no_repository_files();
}

TEST_P(InitPreflight, AMissingPassphraseFailsBeforeAnyKeyIsGenerated) {
    // stdin is a pipe (no terminal) and no variable gives the targets key a passphrase.
    const auto r = m_cli.run(m_cli.init_args(GetParam()), {{"TUFKEY_TARGETS_PASSPHRASE", std::nullopt}});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("TUFKEY_TARGETS_PASSPHRASE"), std::string::npos) << r.err;
    EXPECT_EQ(token_keys("ceremony").size(), 0u) << "a root key was generated before the check failed";
    expect_no_repository_files();
}

TEST_P(InitPreflight, TheSameUriTwiceIsAUsageErrorBeforeAnyKeyIsGenerated) {
    const auto r = m_cli.run(m_cli.init_args(GetParam(), {"ceremony", "ceremony"}));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("same key"), std::string::npos) << r.err;
    EXPECT_EQ(token_keys("ceremony").size(), 0u);
    expect_no_repository_files();
}

TEST_P(InitPreflight, MetadataAlreadyInTheHomeIsRefusedBeforeAnyKeyIsGenerated) {
    // A notary cache of the GUN (metadata, no tufkey repository.json) is not a free GUN.
    const fs::path cached = m_cli.home() / "tuf" / kCeremonyGun / "metadata" / "root.json";
    fs::create_directories(cached.parent_path());
    write_text(cached, "{\"signed\":{},\"signatures\":[]}");
    const auto r = m_cli.run(m_cli.init_args(GetParam()));
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
    EXPECT_EQ(token_keys("ceremony").size(), 0u);
    EXPECT_EQ(read_text(cached), "{\"signed\":{},\"signatures\":[]}");
    EXPECT_FALSE(fs::exists(m_cli.home() / "tufkey" / kCeremonyGun));
}

TEST_P(InitPreflight, AFailureAfterGenerationNamesTheGeneratedKeyAndLeavesNoFiles) {
    // A file where the GUN's metadata directory must go: every check passes, the write fails.
    fs::create_directories(m_cli.home() / "tuf" / "registry.example.com" / "team");
    write_text(m_cli.home() / "tuf" / kCeremonyGun, "in the way");
    const auto r = m_cli.run(m_cli.init_args(GetParam()));
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    const auto keys = token_keys("ceremony");
    ASSERT_EQ(keys.size(), 1u) << "the root key should have been generated";
    EXPECT_NE(r.err.find("pkcs11:"), std::string::npos) << "the generated key is not named: " << r.err;
    EXPECT_NE(r.err.find("object=root"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(m_cli.home() / "tufkey" / kCeremonyGun)) << "tufkey state left behind";
    EXPECT_TRUE(fs::is_empty(m_cli.home() / "private")) << "a key file was left behind";

    // Reusing the named key on purpose works once the obstacle is gone, and is not "generated".
    fs::remove(m_cli.home() / "tuf" / kCeremonyGun);
    const auto again = m_cli.run(m_cli.init_args(GetParam()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out.find("(generated)"), std::string::npos) << again.out;
    const std::string transcript = read_text(m_cli.state("transcript.jsonl"));
    EXPECT_NE(transcript.find("\"generated\":false"), std::string::npos) << transcript;
    EXPECT_EQ(transcript.find("\"generated\":true"), std::string::npos) << transcript;
}

TEST_P(InitPreflight, AKeyGeneratedByTheCeremonyIsRecordedAsGenerated) {
    const auto r = m_cli.run(m_cli.init_args(GetParam()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string transcript = read_text(m_cli.state("transcript.jsonl"));
    EXPECT_NE(transcript.find("\"generated\":true"), std::string::npos) << transcript;
}

INSTANTIATE_TEST_SUITE_P(Dialects, InitPreflight, ::testing::Values(Dialect::notary, Dialect::tuf), param_name);

}  // namespace
}  // namespace tufkey::testing
