// Passphrase rules: variable order, no prompt without a terminal, env never retried,
// prompt retries, new-passphrase checks.
#include <gtest/gtest.h>

#include "fake_terminal.h"
#include "tufkey/keystore/passphrase.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tt = tufkey::testing;
using keystore::KeyLabel;
using keystore::PassphraseSource;
using keystore::RoleClass;
using tt::env_of;
using tt::FakeTerminal;

TEST(PassphraseVariables, SpecOrderForEveryRoleClass) {
    using V = std::vector<std::string>;
    EXPECT_EQ(keystore::passphrase_variables(RoleClass::root),
              (V{"TUFKEY_ROOT_PASSPHRASE", "NOTARY_ROOT_PASSPHRASE", "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"}));
    EXPECT_EQ(
        keystore::passphrase_variables(RoleClass::targets),
        (V{"TUFKEY_TARGETS_PASSPHRASE", "NOTARY_TARGETS_PASSPHRASE", "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"}));
    EXPECT_EQ(
        keystore::passphrase_variables(RoleClass::snapshot),
        (V{"TUFKEY_SNAPSHOT_PASSPHRASE", "NOTARY_SNAPSHOT_PASSPHRASE", "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"}));
    EXPECT_EQ(keystore::passphrase_variables(RoleClass::timestamp),
              (V{"TUFKEY_TIMESTAMP_PASSPHRASE", "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"}));
    EXPECT_EQ(keystore::passphrase_variables(RoleClass::delegation),
              (V{"TUFKEY_DELEGATION_PASSPHRASE", "NOTARY_DELEGATION_PASSPHRASE",
                 "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"}));
}

TEST(PassphraseVariables, DelegationsAndSignerNamesAreDelegations) {
    EXPECT_EQ(keystore::classify_role("root"), RoleClass::root);
    EXPECT_EQ(keystore::classify_role("targets"), RoleClass::targets);
    EXPECT_EQ(keystore::classify_role("snapshot"), RoleClass::snapshot);
    EXPECT_EQ(keystore::classify_role("timestamp"), RoleClass::timestamp);
    EXPECT_EQ(keystore::classify_role("targets/releases"), RoleClass::delegation);
    EXPECT_EQ(keystore::classify_role("alice"), RoleClass::delegation);
}

PassphraseSource::Attempt accept(const std::string& right, int& calls) {
    return [right, &calls](const core::SecretBytes& p) -> core::Result<bool> {
        ++calls;
        return p.reveal_as_chars() == right;
    };
}

TEST(PassphraseUnlock, MostSpecificVariableWins) {
    FakeTerminal term(false);
    PassphraseSource source(term, env_of({{"TUFKEY_TARGETS_PASSPHRASE", "tufkey-pass"},
                                          {"NOTARY_TARGETS_PASSPHRASE", "notary-pass"},
                                          {"DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE", "docker-pass"}}));
    int calls = 0;
    auto got = source.unlock(KeyLabel{"targets", "abcdef0123", "f"}, accept("tufkey-pass", calls));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->reveal_as_chars(), "tufkey-pass");
    PassphraseSource docker_only(term, env_of({{"DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE", "docker-pass"}}));
    auto delegated = docker_only.unlock(KeyLabel{"targets/releases", "abcdef0123", "f"}, accept("docker-pass", calls));
    ASSERT_TRUE(delegated.ok());
    PassphraseSource notary_delegation(term, env_of({{"NOTARY_DELEGATION_PASSPHRASE", "deleg-pass"}}));
    EXPECT_TRUE(notary_delegation.unlock(KeyLabel{"alice", "abcdef0123", "f"}, accept("deleg-pass", calls)).ok());
    // NOTARY_DELEGATION_PASSPHRASE is not used for root.
    EXPECT_FALSE(notary_delegation.unlock(KeyLabel{"root", "abcdef0123", "f"}, accept("deleg-pass", calls)).ok());
}

TEST(PassphraseUnlock, WrongEnvironmentPassphraseIsNotRetriedAndNamesTheVariable) {
    FakeTerminal term(true);
    term.answer("right-pass");  // must not be asked
    PassphraseSource source(term, env_of({{"NOTARY_ROOT_PASSPHRASE", "wrong-pass"}}));
    int calls = 0;
    auto got = source.unlock(KeyLabel{"root", "abcdef0123", "f"}, accept("right-pass", calls));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(term.prompts.empty());
    EXPECT_EQ(got.error().code, core::ErrorCode::key);
    EXPECT_NE(got.error().message.find("NOTARY_ROOT_PASSPHRASE"), std::string::npos);
}

TEST(PassphraseUnlock, NoTerminalAndNoVariableIsAnErrorNamingTheVariables) {
    FakeTerminal term(false);
    PassphraseSource source(term, env_of({}));
    int calls = 0;
    auto got = source.unlock(KeyLabel{"snapshot", "abcdef0123", "f"}, accept("x", calls));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(term.prompts.empty());
    for (const auto& v : keystore::passphrase_variables(RoleClass::snapshot)) {
        EXPECT_NE(got.error().message.find(v), std::string::npos) << v;
    }
    auto fresh = source.new_passphrase(KeyLabel{"alice", "abcdef0123", ""});
    ASSERT_FALSE(fresh.ok());
    EXPECT_NE(fresh.error().message.find("TUFKEY_DELEGATION_PASSPHRASE"), std::string::npos);
    EXPECT_EQ(fresh.error().message.find('\n'), std::string::npos);
}

TEST(PassphraseUnlock, PromptAllowsThreeTriesWithRetryMessages) {
    FakeTerminal term(true);
    term.answer("bad-one");
    term.answer("bad-two");
    term.answer("right-pass");
    PassphraseSource source(term, env_of({}));
    int calls = 0;
    auto got = source.unlock(KeyLabel{"targets", "abcdef0123", "f"}, accept("right-pass", calls));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(term.told.size(), 2u);
    EXPECT_NE(term.prompts.front().find("abcdef0"), std::string::npos);
    EXPECT_NE(term.told.front().find("incorrect"), std::string::npos);
}

TEST(PassphraseUnlock, ThreeWrongPromptsFail) {
    FakeTerminal term(true);
    for (int i = 0; i < 5; ++i) term.answer("bad");
    PassphraseSource source(term, env_of({}));
    int calls = 0;
    auto got = source.unlock(KeyLabel{"targets", "abcdef0123", "f"}, accept("right-pass", calls));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(got.error().code, core::ErrorCode::key);
}

TEST(PassphraseNew, TooShortAndMismatchAreRetriedWithClearMessages) {
    FakeTerminal term(true);
    term.answer("short");
    term.answer("long enough 1");
    term.answer("long enough 2");
    term.answer("long enough 3");
    term.answer("long enough 3");
    PassphraseSource source(term, env_of({}));
    auto got = source.new_passphrase(KeyLabel{"targets", "abcdef0123", ""});
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->reveal_as_chars(), "long enough 3");
    ASSERT_EQ(term.told.size(), 2u);
    EXPECT_NE(term.told[0].find("too short"), std::string::npos);
    EXPECT_NE(term.told[1].find("do not match"), std::string::npos);
    EXPECT_NE(term.prompts[2].find("Repeat"), std::string::npos);
}

TEST(PassphraseNew, EnvironmentIsIgnoredWhenOnlyTheTerminalMayAnswer) {
    FakeTerminal term(false);
    PassphraseSource source(term, env_of({{"TUFKEY_TARGETS_PASSPHRASE", "from-env"}}));
    EXPECT_TRUE(source.new_passphrase(KeyLabel{"targets", "abc", ""}, true).ok());
    auto no = source.new_passphrase(KeyLabel{"targets", "abc", ""}, false);
    ASSERT_FALSE(no.ok());
    EXPECT_NE(no.error().message.find("terminal"), std::string::npos);
}

}  // namespace
