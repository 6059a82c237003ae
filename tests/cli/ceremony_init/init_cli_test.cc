// tufkey init as a black box: what it writes is parsed and verified with tufkey::tuf (never
// trusted from its messages), the notary root certificate is read with `openssl x509`, and
// `tufkey verify` / `tufkey transcript verify` must accept the result and refuse tampering.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "ceremony_cli.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/json.h"
#include "tufkey/tuf/verify.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using tuf::Dialect;
using tuf::RoleName;

std::string param_name(const ::testing::TestParamInfo<Dialect>& info) { return tuf::to_string(info.param); }

tuf::Envelope envelope(Dialect d, const fs::path& file, const std::string& role) {
    auto env = tuf::parse_envelope(d, read_text(file), role);
    EXPECT_TRUE(env.ok()) << role << ": " << (env.ok() ? "" : env.error().message);
    return env.ok() ? *env : tuf::Envelope{};
}

// Nothing of the repository exists in the home (no metadata, no state, no key files).
void expect_nothing_written(const CeremonyCli& cli) {
    EXPECT_FALSE(fs::exists(cli.home() / "tuf" / kCeremonyGun));
    EXPECT_FALSE(fs::exists(cli.home() / "tufkey" / kCeremonyGun));
    if (fs::exists(cli.home() / "private")) {
        EXPECT_TRUE(fs::is_empty(cli.home() / "private")) << "a key file was left behind";
    }
}

class InitCli : public ::testing::TestWithParam<Dialect> {
protected:
    Dialect dialect() const { return GetParam(); }
    CeremonyCli m_cli;
};

TEST_P(InitCli, WritesFourRolesThatVerifyUnderTheirRoot) {
    const auto r = m_cli.run(m_cli.init_args(dialect()));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("root key lives on one token only"), std::string::npos) << "1-of-1 warning: " << r.err;

    const auto root_env = envelope(dialect(), m_cli.metadata("root"), "root");
    auto root = tuf::decode_root(dialect(), root_env.signed_part);
    ASSERT_TRUE(root.ok()) << root.error().message;
    EXPECT_TRUE(tuf::check_key_ids(RoleName::root(), root->keys).ok());
    EXPECT_EQ(root->version.value(), 1);
    EXPECT_EQ(root->root.threshold, 1u);
    ASSERT_EQ(root->root.keyids.size(), 1u);
    for (const char* role : {"root", "targets", "snapshot", "timestamp"}) {
        const auto env = envelope(dialect(), m_cli.metadata(role), role);
        auto rn = RoleName::parse(dialect(), role);
        auto verified = tuf::verify_top_level(dialect(), *root, *rn, env);
        EXPECT_TRUE(verified.ok()) << role << ": " << (verified.ok() ? "" : verified.error().message);
    }
    EXPECT_EQ(read_text(m_cli.state("roots/1.root.json")), read_text(m_cli.metadata("root")));
    const auto& root_key = root->keys.at(root->root.keyids.front());
    if (dialect() == Dialect::notary) {
        EXPECT_EQ(root_key.keytype(), "ecdsa-x509");
        ASSERT_TRUE(root_key.certificate_pem().has_value());
        const fs::path pem = m_cli.scratch() / "root-cert.pem";
        write_text(pem, *root_key.certificate_pem());
        const auto subject =
            run_process({"openssl", "x509", "-in", pem.string(), "-noout", "-subject", "-nameopt", "RFC2253"});
        ASSERT_EQ(subject.exit_code, 0) << subject.err;
        EXPECT_EQ(subject.out, std::string("subject=CN=") + kCeremonyGun + "\n");
        const auto ca = run_process({"openssl", "x509", "-in", pem.string(), "-noout", "-ext", "basicConstraints"});
        EXPECT_NE(ca.out.find("CA:FALSE"), std::string::npos) << ca.out;
    } else {
        EXPECT_EQ(root_key.keytype(), "ecdsa");
        EXPECT_TRUE(root->consistent_snapshot.value_or(false));
        EXPECT_FALSE(root->spec_version.empty());
    }
    const auto v = m_cli.run({"verify", kCeremonyGun});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find("trust data verified"), std::string::npos) << v.out;
}

TEST_P(InitCli, ReinitIsRefusedAndChangesNothing) {
    ASSERT_EQ(m_cli.run(m_cli.init_args(dialect())).exit_code, 0);
    const std::string before = read_text(m_cli.metadata("root"));
    const auto r = m_cli.run(m_cli.init_args(dialect()));
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(m_cli.metadata("root")), before);
}

TEST_P(InitCli, WrongPinExits3AndWritesNothing) {
    const fs::path wrong = m_cli.store().write_pin_file("11112222", "wrong.pin");
    auto args = m_cli.init_args(dialect());
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--pin-file") args[i + 1] = wrong.string();
    const auto r = m_cli.run(args);
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.find("11112222"), std::string::npos) << "the PIN leaked: " << r.err;
    expect_nothing_written(m_cli);
}

TEST_P(InitCli, GeneratingAKeyWithoutTerminalOrYesIsAUsageError) {
    auto args = m_cli.init_args(dialect());
    args.erase(std::find(args.begin(), args.end(), "-y"));
    const auto r = m_cli.run(args);  // stdin is a pipe: no terminal
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("--yes"), std::string::npos) << r.err;
    expect_nothing_written(m_cli);
}

// Every field of every line, changed one at a time (kept canonical, so only the chain and the
// signatures can notice), must make `transcript verify` fail naming that line.
TEST_P(InitCli, TranscriptVerifiesAndAnyChangedLineBreaksIt) {
    ASSERT_EQ(m_cli.run(m_cli.init_args(dialect())).exit_code, 0);
    const fs::path file = m_cli.state("transcript.jsonl");
    const auto ok = m_cli.run({"transcript", "verify", file.string()});
    ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("1 head signature"), std::string::npos) << ok.out;

    std::vector<std::string> lines;
    {
        std::istringstream in(read_text(file));
        for (std::string l; std::getline(in, l);) lines.push_back(l);
    }
    ASSERT_GE(lines.size(), 2u);
    const fs::path copy = m_cli.scratch() / "edited.jsonl";
    int edits = 0;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        auto json = tuf::parse_json(lines[n]);
        ASSERT_TRUE(json.ok());
        for (const auto& [field, value] : json->as_object()) {
            tuf::JsonObject changed = json->as_object();
            if (value.is_string())
                changed[field] = value.as_string() + "0";
            else if (value.is_int())
                changed[field] = value.as_int() + 1;
            else
                changed[field] = std::string("changed");
            std::string text;
            for (std::size_t i = 0; i < lines.size(); ++i)
                text += (i == n ? tuf::canonical_json(tuf::Json(changed)) : lines[i]) + "\n";
            write_text(copy, text);
            const auto r = m_cli.run({"transcript", "verify", copy.string(), "--gun", kCeremonyGun});
            ++edits;
            EXPECT_EQ(r.exit_code, 1) << "line " << n + 1 << " field " << field << " changed: " << r.out << r.err;
            const std::regex names_line("line " + std::to_string(n + 1) + "\\b");
            EXPECT_TRUE(std::regex_search(r.err, names_line))
                << "line " << n + 1 << " field " << field << ": " << r.err;
        }
    }
    EXPECT_GE(edits, 12);
    // Dropping the signed head leaves nothing signed: refused too.
    write_text(copy, lines.front() + "\n");
    EXPECT_EQ(m_cli.run({"transcript", "verify", copy.string()}).exit_code, 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, InitCli, ::testing::Values(Dialect::notary, Dialect::tuf), param_name);

TEST(InitCliNotary, Ed25519RootIsRefusedWithTheReason) {
    CeremonyCli cli;
    auto args = cli.init_args(Dialect::notary);
    args.push_back("--root-key-type");
    args.push_back("ed25519");
    const auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("X.509"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--dialect tuf"), std::string::npos) << r.err;
    expect_nothing_written(cli);
}

// A 2-of-3 root over three tokens: verifies as written and with two signatures, not with one.
class ThresholdRoot : public ::testing::TestWithParam<Dialect> {};

TEST_P(ThresholdRoot, TwoOfThreeNeedsTwoSignatures) {
    const Dialect d = GetParam();
    CeremonyCli cli({"root-a", "root-b", "root-c"});
    auto args = cli.init_args(d, {"root-a", "root-b", "root-c"});
    args.push_back("--root-threshold");
    args.push_back("2");
    const auto r = cli.run(args);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err.find("one token only"), std::string::npos) << r.err;
    ASSERT_EQ(cli.run({"verify", kCeremonyGun}).exit_code, 0);

    auto env = envelope(d, cli.metadata("root"), "root");
    auto root = tuf::decode_root(d, env.signed_part);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(root->root.threshold, 2u);
    ASSERT_EQ(root->root.keyids.size(), 3u);
    ASSERT_EQ(env.signatures.size(), 3u);
    env.signatures.pop_back();
    EXPECT_TRUE(tuf::verify_top_level(d, *root, RoleName::root(), env).ok()) << "two of three must do";
    env.signatures.pop_back();  // one of the two required signatures removed
    EXPECT_FALSE(tuf::verify_top_level(d, *root, RoleName::root(), env).ok());
    auto bytes = tuf::serialize_envelope(d, env);
    ASSERT_TRUE(bytes.ok());
    write_text(cli.metadata("root"), *bytes);
    write_text(cli.state("roots/1.root.json"), *bytes);
    const auto v = cli.run({"verify", kCeremonyGun});
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_EQ(v.err.rfind("tufkey: root: ", 0), 0u) << v.err;
    EXPECT_NE(v.err.find("threshold"), std::string::npos) << v.err;
}

INSTANTIATE_TEST_SUITE_P(Dialects, ThresholdRoot, ::testing::Values(Dialect::notary, Dialect::tuf), param_name);

}  // namespace
}  // namespace tufkey::testing
