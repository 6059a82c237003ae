// Cron-safe upkeep (issue #16), black box on a SoftHSM token, both dialects:
//   - the crontab line of docs/signing.md, read from the page and run by sh under libfaketime
//     every 6 simulated hours for 30 days, keeps a 1-day timestamp fresh: the published
//     directory pulled just before every next run always verifies;
//   - with the destination made unwritable the run exits 4 with one line, and the next run
//     publishes what is still unpublished although nothing is due any more;
//   - `publish GUN` uses the destination `publish --to` or `init --publish-to` remembered, and
//     says how to name one when there is none; `status` names the command that works;
//   - `refresh --due` with nothing due opens no key and writes nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include <fstream>
#include <sstream>

#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kGun = "registry.example.com/team/app";
constexpr long kHour = 3600;

// The command of the crontab line in docs/signing.md that runs `refresh` (the five time
// fields dropped).
std::string documented_cron_command() {
    std::ifstream in(fs::path(TUFKEY_SOURCE_DIR) / "docs" / "signing.md");
    std::string line;
    bool in_cron = false;
    while (std::getline(in, line)) {
        if (line.starts_with("```")) {
            in_cron = line == "```cron";
            continue;
        }
        if (!in_cron || line.starts_with("#") || line.find("refresh") == std::string::npos) continue;
        std::istringstream fields(line);
        std::string field;
        for (int i = 0; i < 5; ++i) fields >> field;
        std::string rest;
        std::getline(fields, rest);
        return rest.substr(rest.find_first_not_of(' '));
    }
    return {};
}

class Upkeep : public ::testing::TestWithParam<const char*> {
protected:
    Upkeep() : w({"ceremony"}, "tufkey-upkeep") {
        fs::create_directories(user() / "bin");
        fs::create_symlink(tufkey_binary(), user() / "bin" / "tufkey");
        std::ofstream env(user() / ".tufkey-env");
        env << "export TUFKEY_TIMESTAMP_PASSPHRASE=timestamp-passphrase\n"
               "export TUFKEY_SNAPSHOT_PASSPHRASE=snapshot-passphrase\n";
    }

    // tufkey in `home`, `offset` seconds from now (libfaketime), with the world's passphrases.
    ProcessResult at(long offset, const fs::path& home, std::vector<std::string> args,
                     std::map<std::string, std::optional<std::string>> env = {}) const {
        ProcessOptions options;
        options.env = w.store().env();
        options.env["TUFKEY_HOME"] = std::nullopt;
        options.env["TUFKEY_SERVER"] = std::nullopt;
        options.env["TUFKEY_PKCS11_MODULE"] = k_softhsm_module;
        options.env["TUFKEY_TARGETS_PASSPHRASE"] = "targets-passphrase";
        options.env["TUFKEY_SNAPSHOT_PASSPHRASE"] = "snapshot-passphrase";
        options.env["TUFKEY_TIMESTAMP_PASSPHRASE"] = "timestamp-passphrase";
        for (auto& [k, v] : env) options.env[k] = v;
        options.timeout = std::chrono::seconds(120);
        args.insert(args.begin(),
                    {"faketime", "-f", "+" + std::to_string(offset), tufkey_binary(), "--home", home.string()});
        return run_process(args, options);
    }
    // The documented cron line as cron runs it: sh, HOME set, tufkey on PATH, no passphrase in
    // the environment but what ~/.tufkey-env exports.
    ProcessResult cron_run(long offset) const {
        ProcessOptions options;
        options.env = w.store().env();
        options.env["HOME"] = user().string();
        options.env["PATH"] = (user() / "bin").string() + ":/usr/bin:/bin";
        options.env["TUFKEY_HOME"] = std::nullopt;
        options.env["TUFKEY_SERVER"] = std::nullopt;
        for (const char* role : {"ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"}) {
            options.env[std::string("TUFKEY_") + role + "_PASSPHRASE"] = std::nullopt;
            options.env[std::string("NOTARY_") + role + "_PASSPHRASE"] = std::nullopt;
        }
        options.timeout = std::chrono::seconds(120);
        return run_process({"faketime", "-f", "+" + std::to_string(offset), "sh", "-c", documented_cron_command()},
                           options);
    }
    void init(std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"init",
                                      kGun,
                                      "--pin-file",
                                      w.pin_file().string(),
                                      "-y",
                                      "--root-key",
                                      "pkcs11:token=ceremony;object=root",
                                      "--dialect",
                                      GetParam()};
        args.insert(args.end(), extra.begin(), extra.end());
        ASSERT_EQ(at(0, home(), args).exit_code, 0);
        auto r =
            at(0, home(), {"sign", std::string(kGun) + ":v1", "--digest", "sha256:" + sha256_hex("v1"), "--size", "2"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    [[nodiscard]] json status(long offset = 0) const {
        auto r = at(offset, home(), {"--json", "status", kGun});
        return json::parse(r.out);
    }

    [[nodiscard]] fs::path user() const { return w / "user"; }
    [[nodiscard]] fs::path home() const { return user() / ".tufkey"; }
    [[nodiscard]] fs::path site() const { return w / "site"; }
    [[nodiscard]] fs::path verifier() const { return w / "verifier"; }
    [[nodiscard]] std::string first_root() const {
        return (home() / "tufkey" / kGun / "roots" / "1.root.json").string();
    }

    TufkeyWorld w;
};

TEST_P(Upkeep, DocumentedCronLineKeepsAOneDayTimestampFreshForThirtyDays) {
    const std::string command = documented_cron_command();
    ASSERT_NE(command.find("refresh " + std::string(kGun) + " --due --publish"), std::string::npos) << command;
    init({"--expires", "timestamp=1d", "--warn", "timestamp=12h"});
    ASSERT_EQ(at(0, home(), {"publish", kGun, "--to", site().string()}).exit_code, 0);
    auto first = at(0, verifier(), {"pull", kGun, "--from", site().string(), "--root", first_root()});
    ASSERT_EQ(first.exit_code, 0) << first.err;

    int refreshed = 0;
    for (long run = 1; run <= 30 * 4; ++run) {
        const long now = run * 6 * kHour;
        auto r = cron_run(now);
        ASSERT_EQ(r.exit_code, 0) << "run " << run << ": " << r.err;
        EXPECT_EQ(r.err, "") << "run " << run;
        // Just before the next run, what the web server serves still verifies.
        auto pulled = at(now + 6 * kHour - 60, verifier(), {"--json", "pull", kGun, "--from", site().string()});
        ASSERT_EQ(pulled.exit_code, 0) << "after run " << run << " (day " << now / 86400 << "): " << pulled.err;
        refreshed = json::parse(pulled.out).at("versions").at("timestamp").get<int>();
    }
    // Twice a day (12h window, 1-day timestamp), not on every run: ~60 re-signs, not 120.
    EXPECT_GE(refreshed, 55);
    EXPECT_LE(refreshed, 75);
    // Once the runs stop, the served timestamp expires within a day: the check above can fail.
    EXPECT_EQ(at(31 * 86400 + 13 * kHour, verifier(), {"pull", kGun, "--from", site().string()}).exit_code, 1);
}

TEST_P(Upkeep, UnwritableDestinationFailsTheRunAndTheNextRunPublishes) {
    init({"--expires", "timestamp=1d", "--warn", "timestamp=12h"});
    ASSERT_EQ(at(0, home(), {"publish", kGun, "--to", site().string()}).exit_code, 0);
    // The destination can no longer be written (the tests run as root, so a mode would not stop it).
    fs::rename(site(), w / "site.away");
    std::ofstream(site()) << "not a directory\n";
    auto failed = cron_run(13 * kHour);
    EXPECT_EQ(failed.exit_code, 4) << failed.err;
    EXPECT_EQ(std::count(failed.err.begin(), failed.err.end(), '\n'), 1) << failed.err;
    EXPECT_NE(failed.err.find("refreshed, but not published"), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find("timestamp"), std::string::npos) << failed.err;
    // The re-signed timestamp is kept, unpublished.
    const json s = status(13 * kHour);
    EXPECT_NE(std::find(s["unpublished"].begin(), s["unpublished"].end(), "timestamp"), s["unpublished"].end()) << s;

    // Fixed: one hour later nothing is due, and the run still publishes.
    fs::remove(site());
    fs::rename(w / "site.away", site());
    auto fixed = cron_run(14 * kHour);
    EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
    EXPECT_EQ(status(14 * kHour)["unpublished"], json::array());
    auto pulled = at(14 * kHour, verifier(), {"pull", kGun, "--from", site().string(), "--root", first_root()});
    EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
    EXPECT_EQ(at(25 * kHour, verifier(), {"pull", kGun, "--from", site().string()}).exit_code, 0);
}

TEST_P(Upkeep, PublishRemembersItsDestination) {
    init();
    auto none = at(0, home(), {"publish", kGun});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("tufkey publish " + std::string(kGun) + " --to DIR' once"), std::string::npos) << none.err;
    auto text = at(0, home(), {"status", kGun});
    EXPECT_NE(text.out.find("run 'tufkey publish " + std::string(kGun) + " --to DIR'"), std::string::npos) << text.out;

    // A relative --to is remembered as an absolute directory.
    auto rel = at(0, home(), {"publish", kGun, "--to", fs::relative(site()).string()});
    ASSERT_EQ(rel.exit_code, 0) << rel.err;
    auto config = json::parse(read_text(home() / "tufkey" / kGun / "repository.json"));
    EXPECT_EQ(config.at("publish_to"), fs::absolute(site()).lexically_normal().string());

    EXPECT_EQ(
        at(0, home(), {"sign", std::string(kGun) + ":v2", "--digest", "sha256:" + sha256_hex("v2"), "--size", "2"})
            .exit_code,
        0);
    text = at(0, home(), {"status", kGun});
    EXPECT_NE(text.out.find("run 'tufkey publish " + std::string(kGun) + "')"), std::string::npos) << text.out;
    EXPECT_EQ(status()["publish_destination"], fs::absolute(site()).lexically_normal().string());
    auto again = at(0, home(), {"--json", "publish", kGun});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(json::parse(again.out).at("directory"), fs::absolute(site()).lexically_normal().string());
    EXPECT_EQ(status()["unpublished"], json::array());
}

TEST_P(Upkeep, InitPublishToIsRemembered) {
    init({"--publish-to", site().string()});
    auto r = at(0, home(), {"refresh", kGun, "--publish"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Published " + std::string(kGun) + " to " + site().string()), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(site()));
    auto pulled = at(0, verifier(), {"pull", kGun, "--from", site().string(), "--root", first_root()});
    EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
}

TEST_P(Upkeep, DueWithNothingDueOpensNoKeyAndWritesNothing) {
    init();
    ASSERT_EQ(at(0, home(), {"publish", kGun, "--to", site().string()}).exit_code, 0);
    const auto before = file_tree(home());
    const auto served = file_tree(site());
    // No passphrase at all: nothing is due (default: 14-day timestamp, 2-day window).
    auto r = at(0, home(), {"refresh", kGun, "--due", "--publish"},
                {{"TUFKEY_TIMESTAMP_PASSPHRASE", std::nullopt}, {"TUFKEY_SNAPSHOT_PASSPHRASE", std::nullopt}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Nothing due in " + std::string(kGun)), std::string::npos) << r.out;
    EXPECT_EQ(file_tree(home()), before);
    EXPECT_EQ(file_tree(site()), served);
    // Twelve days later the timestamp is inside its window: re-signed and published.
    r = at(12 * 86400 + kHour, home(), {"--json", "refresh", kGun, "--due", "--publish"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json out = json::parse(r.out);
    EXPECT_TRUE(out["refreshed"].contains("timestamp")) << out;
    EXPECT_FALSE(out["refreshed"].contains("snapshot")) << out;
    EXPECT_TRUE(out["not_due"].contains("snapshot")) << out;
    EXPECT_GE(out["published"]["files_written"].get<int>(), 1) << out;
}

TEST_P(Upkeep, StatusHintNamesTheCronCommand) {
    init();
    auto r = at(13 * 86400, home(), {"status", kGun});
    EXPECT_EQ(r.exit_code, 6);
    EXPECT_NE(r.err.find("'tufkey refresh " + std::string(kGun) + " --due --publish'"), std::string::npos) << r.err;
    auto help = at(0, home(), {"refresh", "--help"});
    EXPECT_NE(help.out.find("--due --publish"), std::string::npos) << help.out;
}

INSTANTIATE_TEST_SUITE_P(Dialects, Upkeep, ::testing::Values("notary", "tuf"));

}  // namespace
}  // namespace tufkey::testing
