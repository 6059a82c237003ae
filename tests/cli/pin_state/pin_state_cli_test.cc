// `tufkey token keys | generate | list` as a black box against PIN states SoftHSM2 cannot
// reach: the test-only pin_state_shim module (tests/token/pin_state_shim) wraps a per-test
// SoftHSM2 store and emulates a YubiKey-style retry counter in a state file that persists
// across the tufkey processes of one test. The state file also counts C_Login calls, which
// proves how many login attempts a command made.
//
// Every run checks: no time-out, a bounded run time, and neither the PIN nor the wrong PIN in
// any output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "process.h"
#include "shim_state.h"
#include "softhsm_store.h"
#include "temp_dir.h"

namespace tufkey::testing {
namespace {

using nlohmann::json;

constexpr const char* k_pin = "pin-86420-cli-shim";      // the token's user PIN
constexpr const char* k_wrong = "wrong-97531-cli-shim";  // never the PIN
constexpr auto k_bound = std::chrono::seconds(15);

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class PinStateCli : public ::testing::Test {
protected:
    void SetUp() override { make_store(k_pin); }

    void make_store(const std::string& user_pin) {
        SoftHsmOptions options;
        options.labels = {"alpha"};
        options.user_pin = user_pin;
        m_store.reset();
        m_store = std::make_unique<SoftHsmStore>(options);
        m_state = m_store->dir() / "shim.state";
        m_pin_file = m_store->write_pin_file(user_pin, "user.pin");
        m_wrong_file = m_store->write_pin_file(k_wrong, "wrong.pin");
    }

    void set_state(long tries, long logins = 0) { write_shim_state(m_state, ShimState{tries, logins, true}); }
    [[nodiscard]] ShimState state() const { return read_shim_state(m_state); }

    // tufkey with the shim as its module: through --module unless `via_env`, then through
    // TUFKEY_PKCS11_MODULE.
    ProcessResult tufkey(std::vector<std::string> args, bool via_env = false) {
        if (!via_env) args.insert(args.begin(), {"--module", pin_state_shim_path()});
        args.insert(args.begin(), tufkey_binary());
        ProcessOptions po;
        po.env["TUFKEY_PKCS11_MODULE"] = via_env ? std::optional<std::string>(pin_state_shim_path()) : std::nullopt;
        po.env["TUFKEY_PKCS11_PIN"] = std::nullopt;
        po.env["TUFKEY_HOME"] = (m_home.path() / "home").string();
        po.env["SOFTHSM2_CONF"] = m_store->conf_path().string();
        po.env["TUFKEY_SHIM_STATE"] = m_state.string();
        po.env["TUFKEY_SHIM_TARGET"] = std::string(k_softhsm_module);
        po.timeout = std::chrono::seconds(60);
        auto r = run_process(args, po);
        EXPECT_FALSE(r.timed_out);
        EXPECT_LT(r.elapsed, k_bound);
        for (const char* secret : {k_pin, k_wrong}) {
            EXPECT_FALSE(contains(r.out, secret)) << "a PIN on stdout: " << r.out;
            EXPECT_FALSE(contains(r.err, secret)) << "a PIN on stderr: " << r.err;
        }
        return r;
    }

    ProcessResult keys_with(const std::filesystem::path& pin_file, bool via_env = false) {
        return tufkey({"token", "keys", "--token", "pkcs11:token=alpha", "--pin-file", pin_file.string()}, via_env);
    }

    ProcessResult generate_with(const std::filesystem::path& pin_file, const std::string& label = "root") {
        return tufkey({"token", "generate", "--token", "pkcs11:token=alpha", "--label", label, "--type", "ecdsa-p256",
                       "-y", "--pin-file", pin_file.string()});
    }

    static void expect_one_line_error(const ProcessResult& r, const std::string& part) {
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        EXPECT_EQ(r.err.rfind("tufkey: ", 0), 0u) << r.err;
        EXPECT_EQ(lines(r.err), 1u) << r.err;
        EXPECT_TRUE(contains(r.err, part)) << r.err;
    }

    // The flags `token list --json` shows for "alpha".
    std::set<std::string> listed_flags() {
        const auto r = tufkey({"token", "list", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        for (const auto& t : json::parse(r.out)) {
            if (t["label"] == "alpha") {
                const auto flags = t["flags"].get<std::vector<std::string>>();
                return {flags.begin(), flags.end()};
            }
        }
        ADD_FAILURE() << "no token 'alpha' in " << r.out;
        return {};
    }

    TempDir m_home{"tufkey-cli-pin-state"};
    std::unique_ptr<SoftHsmStore> m_store;
    std::filesystem::path m_state;
    std::filesystem::path m_pin_file;
    std::filesystem::path m_wrong_file;
};

TEST_F(PinStateCli, WrongPinIsOneLineExit3OneLoginAndReportsCountLow) {
    set_state(3);
    const auto r = keys_with(m_wrong_file);
    expect_one_line_error(r, "wrong PIN for token 'alpha'");
    EXPECT_TRUE(contains(r.err, "not retried")) << r.err;
    EXPECT_TRUE(contains(r.err, "few tries left")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(state().logins, 1);  // exactly one C_Login: no automatic retry
    EXPECT_EQ(state().tries, 2);
}

TEST_F(PinStateCli, ThreeWrongPinsWalkCountLowFinalTryLockedThenRefuseWithoutTrying) {
    set_state(3);
    auto r = keys_with(m_wrong_file);
    expect_one_line_error(r, "few tries left");
    r = keys_with(m_wrong_file, /*via_env=*/true);
    expect_one_line_error(r, "one more wrong PIN locks it");
    r = generate_with(m_wrong_file);
    expect_one_line_error(r, "the PIN is now locked (unblock it with the SO PIN or PUK)");
    EXPECT_EQ(state().logins, 3);
    EXPECT_EQ(state().tries, 0);

    // Locked: refused before any C_Login, even with the right PIN.
    r = keys_with(m_pin_file);
    expect_one_line_error(r, "is locked");
    EXPECT_TRUE(contains(r.err, "unblock it with the SO PIN or PUK")) << r.err;
    EXPECT_TRUE(contains(r.err, "ykman piv access unblock-pin")) << r.err;
    EXPECT_EQ(state().logins, 3);
}

TEST_F(PinStateCli, LockedPinIsRefusedByKeysAndGenerateBeforeAnyLogin) {
    set_state(0, /*logins=*/5);
    auto r = keys_with(m_pin_file);
    expect_one_line_error(r, "the user PIN of token 'alpha'");
    EXPECT_TRUE(contains(r.err, "is locked; unblock it with the SO PIN or PUK")) << r.err;
    r = generate_with(m_pin_file);
    expect_one_line_error(r, "is locked; unblock it with the SO PIN or PUK");
    r = keys_with(m_pin_file, /*via_env=*/true);
    expect_one_line_error(r, "is locked");
    EXPECT_EQ(state().logins, 5);  // no C_Login at all
    EXPECT_EQ(state().tries, 0);

    // Nothing was generated: once unblocked (counter reset), the token holds no key.
    set_state(3);
    r = tufkey({"token", "keys", "--token", "alpha", "--json", "--pin-file", m_pin_file.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(json::parse(r.out).empty()) << r.out;
}

TEST_F(PinStateCli, FinalTryWarnsOnStderrAndStillLogsInOnce) {
    set_state(1);
    const auto r = keys_with(m_pin_file);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Exactly one line: the warning, naming the token.
    EXPECT_TRUE(std::regex_match(r.err, std::regex("tufkey: warning: token 'alpha' \\(serial [0-9a-f]+\\): "
                                                   "one more wrong PIN locks it\n")))
        << r.err;
    EXPECT_TRUE(contains(r.out, "token 'alpha'")) << r.out;
    EXPECT_FALSE(contains(r.out, "warning")) << r.out;
    EXPECT_EQ(state().logins, 1);
    EXPECT_EQ(state().tries, 3);
}

TEST_F(PinStateCli, FinalTryWarnsOnGenerateAndTheKeyIsMade) {
    set_state(1);
    const auto r = generate_with(m_pin_file);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "tufkey: warning: token 'alpha'")) << r.err;
    EXPECT_TRUE(contains(r.err, "one more wrong PIN locks it")) << r.err;
    EXPECT_TRUE(contains(r.out, "generated ecdsa-p256 key 'root'")) << r.out;
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateCli, CountLowWarnsAndStillLogsInOnce) {
    set_state(2);
    const auto r = keys_with(m_pin_file, /*via_env=*/true);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "tufkey: warning: token 'alpha'")) << r.err;
    EXPECT_TRUE(contains(r.err, "few tries are left")) << r.err;
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateCli, FullTriesGiveNoWarning) {
    set_state(3);
    const auto r = keys_with(m_pin_file);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateCli, TheDefaultPin123456DrawsAWarning) {
    make_store("123456");
    set_state(3);
    const auto r = keys_with(m_pin_file);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "tufkey: warning: token 'alpha'")) << r.err;
    EXPECT_TRUE(contains(r.err, "well-known default PIN")) << r.err;
    EXPECT_FALSE(contains(r.err, "123456")) << r.err;
    EXPECT_EQ(state().logins, 1);
}

TEST_F(PinStateCli, ListJsonShowsThePinFlags) {
    const std::set<std::string> pin_flags{"pin-count-low", "pin-final-try", "pin-locked"};
    struct Row {
        long tries;
        const char* expected;  // the one PIN flag shown, or "" for none
    };
    for (const Row& row : {Row{3, ""}, Row{2, "pin-count-low"}, Row{1, "pin-final-try"}, Row{0, "pin-locked"}}) {
        set_state(row.tries);
        const auto flags = listed_flags();
        std::set<std::string> shown;
        std::set_intersection(flags.begin(), flags.end(), pin_flags.begin(), pin_flags.end(),
                              std::inserter(shown, shown.end()));
        EXPECT_EQ(shown,
                  std::string(row.expected).empty() ? std::set<std::string>{} : std::set<std::string>{row.expected})
            << "tries " << row.tries;
        EXPECT_TRUE(flags.count("initialized") == 1 && flags.count("login-required") == 1) << "tries " << row.tries;
    }
    EXPECT_EQ(state().logins, 0);  // listing never logs in
}

TEST_F(PinStateCli, ListTextShowsThePinFlags) {
    set_state(1);
    const auto r = tufkey({"token", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "tufkey pin-state test shim")) << r.out;
    EXPECT_TRUE(contains(r.out, "pin-final-try")) << r.out;
    EXPECT_FALSE(contains(r.out, "pin-locked")) << r.out;
}

}  // namespace
}  // namespace tufkey::testing
