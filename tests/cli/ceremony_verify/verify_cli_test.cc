// tufkey verify GUN[:TAG] as a black box: a signed tag prints GUN@sha256:HEX, an unsigned tag
// or unknown GUN is "No valid trust data", and each kind of tampering with the files in the
// home (hashes, signatures, mix-and-match, expiry) exits 1 with one line naming the role.
#include <gtest/gtest.h>

#include <filesystem>

#include "ceremony_cli.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using tuf::Dialect;

const std::string kDigest = "3b5d5c3712955042212316173ccf37be800e62b4e3f7b1b39b17e9a5d5b27b1e";

std::string param_name(const ::testing::TestParamInfo<Dialect>& info) { return tuf::to_string(info.param); }

class VerifyCli : public ::testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        const auto r = m_cli.run(m_cli.init_args(GetParam()));
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }

    void sign(const std::string& tag, const std::string& digest = kDigest) {
        const auto r = m_cli.run(
            {"sign", std::string(kCeremonyGun) + ":" + tag, "--digest", "sha256:" + digest, "--size", "1234"});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }

    // Exit 1 and exactly one stderr line that starts with "tufkey: <role>: " and holds `part`.
    static void expect_trust_failure(const ProcessResult& r, const std::string& role, const std::string& part) {
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.rfind("tufkey: " + role + ": ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }

    CeremonyCli m_cli;
};

TEST_P(VerifyCli, SignedTagPrintsItsDigest) {
    sign("v1");
    const auto r = m_cli.run({"verify", std::string(kCeremonyGun) + ":v1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::string(kCeremonyGun) + "@sha256:" + kDigest + "\n");
    const auto all = m_cli.run({"verify", kCeremonyGun});
    EXPECT_EQ(all.exit_code, 0) << all.err;
    EXPECT_NE(all.out.find("1 signed target"), std::string::npos) << all.out;
}

TEST_P(VerifyCli, UnsignedTagIsNoValidTrustData) {
    sign("v1");
    const auto r = m_cli.run({"verify", std::string(kCeremonyGun) + ":unsigned"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, std::string("tufkey: No valid trust data for ") + kCeremonyGun + ":unsigned\n");
    EXPECT_TRUE(r.out.empty());
}

// An unknown repository is the same usage error (2) in verify, inspect, status and sign: the
// home never held it, so there is nothing to distrust; the fix is pull or init.
TEST_P(VerifyCli, UnknownRepositoryIsTheSameUsageErrorInEveryCommand) {
    const std::string other = "registry.example.com/other";
    const std::string expected = "tufkey: tufkey has no repository " + other + " in this home: run 'tufkey init " +
                                 other + " --root-key URI' or 'tufkey pull " + other + "' first\n";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"verify", other + ":v1"},
          {"verify", other},
          {"inspect", other},
          {"status", other},
          {"sign", other + ":v1", "--digest", "sha256:" + std::string(64, 'a'), "--size", "1"}}) {
        const auto r = m_cli.run(args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
        EXPECT_EQ(r.err, expected) << args[0];
    }
}

TEST_P(VerifyCli, ChangedTargetsFileIsRefusedNamingTargets) {
    sign("v1");
    std::string bytes = read_text(m_cli.metadata("targets"));
    const auto at = bytes.find(kDigest.substr(0, 8));
    if (at != std::string::npos) {
        bytes[at] = bytes[at] == '3' ? '4' : '3';  // tuf: hex digest in the file
    } else {
        const auto v = bytes.find("\"length\":1234");
        ASSERT_NE(v, std::string::npos) << bytes;
        bytes.replace(v, 13, "\"length\":1235");
    }
    write_text(m_cli.metadata("targets"), bytes);
    expect_trust_failure(m_cli.run({"verify", std::string(kCeremonyGun) + ":v1"}), "targets", "hash");
}

TEST_P(VerifyCli, TimestampWithoutSignaturesIsRefused) {
    std::string bytes = read_text(m_cli.metadata("timestamp"));
    const auto sigs = bytes.find("\"signatures\":[");
    ASSERT_NE(sigs, std::string::npos);
    const auto end = bytes.find(']', sigs);
    bytes.replace(sigs, end - sigs + 1, "\"signatures\":[]");
    write_text(m_cli.metadata("timestamp"), bytes);
    expect_trust_failure(m_cli.run({"verify", kCeremonyGun}), "timestamp", "signature");
}

TEST_P(VerifyCli, OldTimestampWithNewSnapshotIsMixAndMatch) {
    const std::string old_timestamp = read_text(m_cli.metadata("timestamp"));
    sign("v1");
    write_text(m_cli.metadata("timestamp"), old_timestamp);
    expect_trust_failure(m_cli.run({"verify", kCeremonyGun}), "snapshot", "mix-and-match");
}

TEST_P(VerifyCli, ExpiredTrustDataIsRefused) {
    const auto r = m_cli.run({"verify", kCeremonyGun}, {}, {"faketime", "-f", "+4y"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;
}

TEST_P(VerifyCli, DoesNotWriteToTheHome) {
    sign("v1");
    std::map<std::string, fs::file_time_type> before;
    for (const auto& e : fs::recursive_directory_iterator(m_cli.home()))
        if (e.is_regular_file()) before[e.path().string()] = e.last_write_time();
    ASSERT_EQ(m_cli.run({"verify", std::string(kCeremonyGun) + ":v1"}).exit_code, 0);
    std::map<std::string, fs::file_time_type> after;
    for (const auto& e : fs::recursive_directory_iterator(m_cli.home()))
        if (e.is_regular_file()) after[e.path().string()] = e.last_write_time();
    EXPECT_EQ(before, after);
}

INSTANTIATE_TEST_SUITE_P(Dialects, VerifyCli, ::testing::Values(Dialect::notary, Dialect::tuf), param_name);

}  // namespace
}  // namespace tufkey::testing
