// The expiry policy as repository state (issue #11), black box on SoftHSM tokens, both dialects:
//   - init's lifetimes reach a pulled home: its `refresh` signs a timestamp that lives 1 day, not
//     the default 14, and its `status` uses the ceremony's warning window;
//   - `policy GUN --expires ...` signs version 2 on the root token; a second home picks it up by
//     pull and by bundle import;
//   - a tampered, foreign (another root's) or older policy on the mirror or in a bundle is a
//     trust failure (exit 1) and the home is unchanged;
//   - `policy` without the root token, with a wrong PIN or in a pulled home exits 3, bad input
//     exits 2, and nothing changes; init warns about a root lifetime under one year;
//   - a home made before policies were signed shows its values as unsigned and signs version 1.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <chrono>

#include "tufkey/tuf/expiry.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

class Policy : public ::testing::TestWithParam<const char*> {
protected:
    Policy() : w({"root-a", "root-b"}, "tufkey-policy") {}

    void init_a(const std::vector<std::string>& extra = {"--expires", "timestamp=1d", "--warn", "timestamp=12h"}) {
        std::vector<std::string> args{"init",
                                      gun,
                                      "--pin-file",
                                      w.pin_file().string(),
                                      "-y",
                                      "--dialect",
                                      GetParam(),
                                      "--root-key",
                                      "pkcs11:token=root-a;object=root"};
        args.insert(args.end(), extra.begin(), extra.end());
        w.ok(a(), args);
    }
    void publish(const fs::path& home) const { w.ok(home, {"publish", gun, "--to", site().string()}); }
    // A second home pulls what A published, pinned to A's first root, and takes A's snapshot and
    // timestamp key files (a signing machine that runs `refresh`).
    void pull_into_b() const {
        w.ok(b(),
             {"pull", gun, "--from", site().string(), "--root", (a() / "tufkey" / gun / "roots/1.root.json").string()});
        fs::create_directories(b() / "private");
        for (const auto& e : fs::directory_iterator(a() / "private"))
            fs::copy_file(e.path(), b() / "private" / e.path().filename(), fs::copy_options::overwrite_existing);
    }
    json policy_json(const fs::path& home) const { return json::parse(w.ok(home, {"policy", gun, "--json"}).out); }
    ProcessResult change(const fs::path& home, std::vector<std::string> args, const fs::path& pin = fs::path()) const {
        args.insert(args.begin(), {"policy", gun, "--pin-file", (pin.empty() ? w.pin_file() : pin).string()});
        return w.tufkey(home, args);
    }
    // How long the timestamp `refresh` signs in `home` lives.
    std::chrono::seconds refreshed_timestamp_lifetime(const fs::path& home) const {
        const auto out = json::parse(w.ok(home, {"refresh", gun, "--role", "timestamp", "--json"}).out);
        const auto expires = tuf::Expiry::parse(out.at("refreshed").at("timestamp").at("expires").get<std::string>());
        EXPECT_TRUE(expires.ok());
        if (!expires) return {};
        const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
        return expires->seconds() - now;
    }
    [[nodiscard]] fs::path site_policy() const {
        return std::string(GetParam()) == "notary" ? site() / "v2" / gun / "_trust/tuf/tufkey-policy.json"
                                                   : site() / "tufkey-policy.json";
    }

    [[nodiscard]] fs::path a() const { return w / "a"; }
    [[nodiscard]] fs::path b() const { return w / "b"; }
    [[nodiscard]] fs::path site() const { return w / "site"; }

    TufkeyWorld w;
    const std::string gun = "example.com/policy";
};

INSTANTIATE_TEST_SUITE_P(BothDialects, Policy, ::testing::Values("notary", "tuf"));

int decode_version(const std::string& document) { return json::parse(document).at("signed").at("version"); }

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from << " not in " << text;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

TEST_P(Policy, APulledHomeSignsWithTheCeremonysLifetimes) {
    init_a();
    const json shown = policy_json(a());
    EXPECT_EQ(shown.at("version"), 1);
    EXPECT_EQ(shown.at("signed"), true);
    EXPECT_EQ(shown.at("signatures"), 1);
    EXPECT_EQ(shown.at("expires").at("timestamp"), "1d");
    publish(a());
    EXPECT_TRUE(fs::exists(site_policy())) << "publish wrote no tufkey-policy.json";
    pull_into_b();

    const auto lifetime = refreshed_timestamp_lifetime(b());
    EXPECT_GT(lifetime, 23h);
    EXPECT_LE(lifetime, 24h + 1min) << "the pulled home does not use the ceremony's 1d (14d is the default)";
    const json b_policy = policy_json(b());
    EXPECT_EQ(b_policy.at("version"), 1);
    EXPECT_EQ(b_policy.at("signed"), true);
    EXPECT_EQ(b_policy.at("warn").at("timestamp"), "12h");
    const auto status = json::parse(w.tufkey(b(), {"status", gun, "--json"}).out);
    bool seen = false;
    for (const auto& role : status.at("roles")) {
        if (role.at("role") != "timestamp") continue;
        seen = true;
        EXPECT_EQ(role.at("warn_window"), "12h");
    }
    EXPECT_TRUE(seen) << status.dump();
}

TEST_P(Policy, AChangedPolicyReachesTheSigningMachineByPullAndByBundle) {
    init_a();
    publish(a());
    pull_into_b();
    const ProcessResult changed = change(a(), {"--expires", "timestamp=2d", "--json"});
    ASSERT_EQ(changed.exit_code, 0) << changed.err;
    const json report = json::parse(changed.out);
    EXPECT_EQ(report.at("version"), 2);
    EXPECT_EQ(report.at("changed"), true);
    EXPECT_EQ(report.at("expires").at("timestamp"), "2d");
    EXPECT_EQ(report.at("expires").at("targets"), "3y") << "only the named lifetime changes";
    EXPECT_EQ(report.at("warn").at("timestamp"), "12h");
    w.ok(a(), {"transcript", "verify", (a() / "tufkey" / gun / "transcript.jsonl").string(), "--gun", gun});
    // The same values again sign nothing.
    EXPECT_EQ(json::parse(change(a(), {"--expires", "timestamp=2d", "--json"}).out).at("version"), 2);

    w.ok(a(), {"bundle", "export", gun, "-o", (w / "a.bundle").string()});
    publish(a());
    const json pulled = json::parse(w.ok(b(), {"pull", gun, "--json"}).out);
    EXPECT_EQ(pulled.at("policy_version"), 2);
    EXPECT_EQ(policy_json(b()).at("expires").at("timestamp"), "2d");
    const auto lifetime = refreshed_timestamp_lifetime(b());
    EXPECT_GT(lifetime, 47h);
    EXPECT_LE(lifetime, 48h + 1min);

    const fs::path c = w / "c";
    const json imported = json::parse(w.ok(c, {"bundle", "import", (w / "a.bundle").string(), "--root",
                                               (a() / "tufkey" / gun / "roots/1.root.json").string(), "--json"})
                                          .out);
    EXPECT_EQ(imported.at("policy_version"), 2);
    const json c_policy = policy_json(c);
    EXPECT_EQ(c_policy.at("version"), 2);
    EXPECT_EQ(c_policy.at("signed"), true);
    EXPECT_EQ(c_policy.at("expires").at("timestamp"), "2d");
}

TEST_P(Policy, ATamperedPolicyOnTheMirrorIsRefusedAndChangesNothing) {
    init_a();
    publish(a());
    pull_into_b();
    const std::string genuine = read_text(site_policy());
    // Lengthen the timestamp lifetime under a newer version number, keep the signature.
    write_text(site_policy(), replace_once(replace_once(genuine, "\"timestamp\":\"1d\"", "\"timestamp\":\"9y\""),
                                           "\"version\":1", "\"version\":7"));
    const auto before = file_tree(b());
    const ProcessResult refused = w.tufkey(b(), {"pull", gun});
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_NE(refused.err.find("expiry policy"), std::string::npos) << refused.err;
    EXPECT_EQ(file_tree(b()), before);
    EXPECT_EQ(policy_json(b()).at("expires").at("timestamp"), "1d");

    // A newer policy properly signed by another root (an impostor's token) is refused too.
    const fs::path impostor = w / "impostor";
    w.ok(impostor, {"init", gun, "--pin-file", w.pin_file().string(), "-y", "--dialect", GetParam(), "--root-key",
                    "pkcs11:token=root-b;object=root"});
    w.ok(impostor, {"policy", gun, "--expires", "timestamp=9y", "--pin-file", w.pin_file().string()});
    fs::copy_file(impostor / "tufkey" / gun / "policy.json", site_policy(), fs::copy_options::overwrite_existing);
    const ProcessResult foreign = w.tufkey(b(), {"pull", gun});
    EXPECT_EQ(foreign.exit_code, 1) << foreign.err;
    EXPECT_EQ(file_tree(b()), before);

    // Without a policy at the mirror (an older publisher) the home keeps its own.
    fs::remove(site_policy());
    w.ok(b(), {"pull", gun});
    EXPECT_EQ(policy_json(b()).at("expires").at("timestamp"), "1d");
    EXPECT_EQ(policy_json(b()).at("signed"), true);
}

TEST_P(Policy, AnOlderPolicyVersionIsRefused) {
    init_a();
    publish(a());
    const std::string version_1 = read_text(site_policy());
    fs::copy(a(), w / "a-at-v1", fs::copy_options::recursive);
    ASSERT_EQ(change(a(), {"--expires", "timestamp=2d"}).exit_code, 0);
    publish(a());
    pull_into_b();
    ASSERT_EQ(policy_json(b()).at("version"), 2);

    // A mirror serving the older (genuinely signed) version 1 again.
    write_text(site_policy(), version_1);
    const auto before = file_tree(b());
    const ProcessResult refused = w.tufkey(b(), {"pull", gun});
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_NE(refused.err.find("older"), std::string::npos) << refused.err;
    EXPECT_EQ(file_tree(b()), before);
    EXPECT_EQ(policy_json(b()).at("expires").at("timestamp"), "2d");

    // Publishing an older policy over a newer one is a version conflict, nothing written.
    publish(a());
    const auto site_before = file_tree(site());
    const ProcessResult older = w.tufkey(w / "a-at-v1", {"publish", gun, "--to", site().string()});
    EXPECT_EQ(older.exit_code, 5) << older.err;
    EXPECT_EQ(file_tree(site()), site_before);
}

TEST_P(Policy, ABundleWithATamperedPolicyIsRefused) {
    init_a();
    const fs::path c = w / "c";
    const std::string pin = (a() / "tufkey" / gun / "roots/1.root.json").string();
    w.ok(a(), {"bundle", "export", gun, "-o", (w / "a.bundle").string()});
    json bundle = json::parse(read_text(w / "a.bundle"));
    ASSERT_TRUE(bundle.contains("policy"));
    const auto raw = core::base64_decode(bundle.at("policy").at("bytes").get<std::string>());
    ASSERT_TRUE(raw.ok());
    const std::string tampered = replace_once(core::to_string(*raw), "\"timestamp\":\"1d\"", "\"timestamp\":\"9y\"");
    bundle["policy"]["bytes"] = core::base64_encode(core::as_bytes(tampered));
    bundle["policy"]["length"] = tampered.size();
    bundle["policy"]["sha256"] = sha256_hex(tampered);
    write_text(w / "tampered.bundle", bundle.dump() + "\n");
    fs::create_directories(c);
    const auto before = file_tree(c);
    const ProcessResult refused = w.tufkey(c, {"bundle", "import", (w / "tampered.bundle").string(), "--root", pin});
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_EQ(file_tree(c), before);
    // The genuine bundle, and one without the member (an older tufkey), are accepted.
    bundle.erase("policy");
    write_text(w / "old.bundle", bundle.dump() + "\n");
    w.ok(c, {"bundle", "import", (w / "old.bundle").string(), "--root", pin});
    EXPECT_EQ(policy_json(c).at("signature"), "none");
    w.ok(c, {"bundle", "import", (w / "a.bundle").string()});
    EXPECT_EQ(policy_json(c).at("expires").at("timestamp"), "1d");
}

TEST_P(Policy, ChangingThePolicyNeedsTheRootTokensAndGoodInput) {
    init_a();
    publish(a());
    pull_into_b();
    const auto a_before = file_tree(a());
    const auto b_before = file_tree(b());

    const ProcessResult pulled = change(b(), {"--expires", "timestamp=2d"});
    EXPECT_EQ(pulled.exit_code, 3) << pulled.err;
    EXPECT_NE(pulled.err.find("root tokens are"), std::string::npos) << pulled.err;
    EXPECT_EQ(pulled.err.find('\n'), pulled.err.size() - 1) << "one line: " << pulled.err;

    write_secret_text(w / "wrong.pin", "99999999\n");
    const ProcessResult wrong = change(a(), {"--expires", "timestamp=2d"}, w / "wrong.pin");
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;

    const TufkeyWorld elsewhere({"some-other-token"}, "tufkey-policy");  // root-a is not plugged in
    const ProcessResult absent = elsewhere.tufkey(
        a(), {"policy", gun, "--expires", "timestamp=2d", "--pin-file", elsewhere.pin_file().string()});
    EXPECT_EQ(absent.exit_code, 3) << absent.err;

    for (const auto& bad : std::vector<std::vector<std::string>>{{"--expires", "snapshots=2d"},
                                                                 {"--expires", "timestamp=soon"},
                                                                 {"--warn", "timestamp=0d"},
                                                                 {"--expires", "timestamp"}}) {
        const ProcessResult r = change(a(), bad);
        EXPECT_EQ(r.exit_code, 2) << bad[1] << ": " << r.err;
    }
    EXPECT_EQ(w.tufkey(a(), {"policy", "example.com/unknown"}).exit_code, 2);
    EXPECT_EQ(file_tree(a()), a_before);
    EXPECT_EQ(file_tree(b()), b_before);
}

TEST_P(Policy, AHomeMadeBeforeSignedPoliciesShowsItsValuesAsUnsignedAndSignsVersionOne) {
    init_a();
    fs::remove(a() / "tufkey" / gun / "policy.json");
    const json unsigned_policy = policy_json(a());
    EXPECT_EQ(unsigned_policy.at("signed"), false);
    EXPECT_EQ(unsigned_policy.at("signature"), "none");
    EXPECT_EQ(unsigned_policy.at("expires").at("timestamp"), "1d");
    publish(a());
    EXPECT_FALSE(fs::exists(site_policy())) << "an unsigned policy was published";

    const ProcessResult signed_now = change(a(), {"--expires", "timestamp=1d", "--json"});
    ASSERT_EQ(signed_now.exit_code, 0) << signed_now.err;
    EXPECT_EQ(json::parse(signed_now.out).at("version"), 1);
    EXPECT_EQ(policy_json(a()).at("signed"), true);
    publish(a());
    EXPECT_TRUE(fs::exists(site_policy()));
}

TEST_P(Policy, ARootRotationSignsThePolicyWithTheNewRootKeys) {
    init_a();
    publish(a());
    pull_into_b();
    const std::string signed_by_root_a = read_text(a() / "tufkey" / gun / "policy.json");
    w.ok(a(), {"rotate", gun, "root", "--key", "pkcs11:token=root-b;object=root", "--pin-file", w.pin_file().string(),
               "-y"});
    const json after = policy_json(a());
    EXPECT_EQ(after.at("version"), 2);
    EXPECT_EQ(after.at("signed"), true) << after.dump();
    EXPECT_EQ(after.at("expires").at("timestamp"), "1d");
    publish(a());
    const json pulled = json::parse(w.ok(b(), {"pull", gun, "--json"}).out);
    EXPECT_EQ(pulled.at("policy_version"), 2);
    EXPECT_EQ(policy_json(b()).at("signed"), true);

    // A policy still signed by the former root (a rotation finished across rooms) is not
    // published, and one at the destination is removed: every pull would refuse it.
    write_text(a() / "tufkey" / gun / "policy.json", signed_by_root_a);
    EXPECT_EQ(policy_json(a()).at("signature"), "invalid");
    const ProcessResult kept = w.tufkey(a(), {"publish", gun, "--to", site().string()});
    EXPECT_EQ(kept.exit_code, 0) << kept.err;
    EXPECT_NE(kept.err.find("not signed by the current root keys"), std::string::npos) << kept.err;
    EXPECT_EQ(decode_version(read_text(site_policy())), 2) << "the valid policy at the destination stays";
    write_text(site_policy(), signed_by_root_a);
    const ProcessResult removed = w.tufkey(a(), {"publish", gun, "--to", site().string()});
    EXPECT_EQ(removed.exit_code, 0) << removed.err;
    EXPECT_FALSE(fs::exists(site_policy()));
    w.ok(b(), {"pull", gun});
    EXPECT_EQ(policy_json(b()).at("version"), 2);
}

TEST_P(Policy, InitWarnsAboutARootLifetimeUnderOneYear) {
    auto init = [&](const std::string& name, std::vector<std::string> extra) {
        std::vector<std::string> args{"init",
                                      name,
                                      "--pin-file",
                                      w.pin_file().string(),
                                      "-y",
                                      "--dialect",
                                      GetParam(),
                                      "--root-key",
                                      "pkcs11:token=root-b;object=root"};
        args.insert(args.end(), extra.begin(), extra.end());
        return w.tufkey(a(), args);
    };
    const ProcessResult short_root = init("example.com/short-root", {"--expires", "root=180d"});
    ASSERT_EQ(short_root.exit_code, 0) << short_root.err;
    EXPECT_NE(short_root.err.find("less than one year"), std::string::npos) << short_root.err;
    EXPECT_NE(short_root.err.find("renewed on its root tokens"), std::string::npos) << short_root.err;
    const ProcessResult a_year = init("example.com/a-year", {"--expires", "root=1y"});
    ASSERT_EQ(a_year.exit_code, 0) << a_year.err;
    EXPECT_EQ(a_year.err.find("one year"), std::string::npos) << a_year.err;
    const ProcessResult by_default = init("example.com/default-root", {});
    ASSERT_EQ(by_default.exit_code, 0) << by_default.err;
    EXPECT_EQ(by_default.err.find("one year"), std::string::npos) << by_default.err;
}

}  // namespace
}  // namespace tufkey::testing
