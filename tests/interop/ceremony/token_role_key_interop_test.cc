// `tufkey rotate GUN targets --key pkcs11:...` (issue #11): the targets role moves to a key on a
// SoftHSM token (generated there after confirmation); every later ceremony that signs targets
// signs with it on the token; the real notary client, holding root v1, lists the tags of the
// published static directory; a wrong PIN for the targets token exits 3 and changes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "static_server.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kTargetsUri = "pkcs11:token=targets-token;object=targets";

class TokenTargetsKey : public ::testing::TestWithParam<const char*> {
protected:
    TokenTargetsKey() : w({"root-a", "targets-token"}, "tufkey-token-role") {
        w.init(home(), gun, {"root-a"}, GetParam());
        w.sign(home(), gun + ":v1", "before the rotation");
    }
    fs::path home() const { return w / "home"; }
    std::vector<std::string> pin() const { return {"--pin-file", w.pin_file().string()}; }
    std::vector<std::string> with_pin(std::vector<std::string> args) const {
        for (const auto& a : pin()) args.push_back(a);
        return args;
    }
    std::string sign_args_digest(const std::string& content) const { return "sha256:" + sha256_hex(content); }
    std::vector<std::string> sign_args(const std::string& tag, const std::string& content) const {
        return {
            "sign", gun + ":" + tag, "--digest", sign_args_digest(content), "--size", std::to_string(content.size())};
    }
    json metadata(const std::string& role) const {
        return json::parse(read_text(home() / "tuf" / gun / "metadata" / (role + ".json")));
    }
    // Rotates targets onto the token key and returns its canonical key ID.
    std::string rotate_to_token() const {
        const ProcessResult r =
            w.ok(home(), with_pin({"-y", "--json", "rotate", gun, "targets", "--key", kTargetsUri}));
        const json report = json::parse(r.out);
        EXPECT_EQ(report.at("added").size(), 1u);
        return report.at("added").at(0);
    }

    TufkeyWorld w;
    const std::string gun = "registry.example.com/team/tokentargets";
};
INSTANTIATE_TEST_SUITE_P(BothDialects, TokenTargetsKey, ::testing::Values("notary", "tuf"));

TEST_P(TokenTargetsKey, EveryLaterCeremonySignsTargetsOnTheToken) {
    const std::string id = rotate_to_token();
    const json config = json::parse(read_text(home() / "tufkey" / gun / "repository.json"));
    ASSERT_EQ(config.at("role_keys").at("targets").size(), 1u);
    EXPECT_EQ(config.at("role_keys").at("targets")[0].at("key_id"), id);
    EXPECT_FALSE(fs::exists(home() / "private" / (id + ".key"))) << "no key file: the key lives on the token";

    bool listed = false;
    for (const auto& k : json::parse(w.ok(home(), {"key", "list", "--json"}).out)) {
        if (k.at("id") == id) {
            listed = true;
            EXPECT_EQ(k.at("role"), "targets");
            EXPECT_EQ(k.at("gun"), gun);
            EXPECT_NE(k.at("location").get<std::string>().find("token=targets-token"), std::string::npos) << k;
        }
    }
    EXPECT_TRUE(listed) << "key list shows the token key";

    // sign needs the token: without a PIN it cannot sign, with it the token signs.
    const ProcessResult no_pin = w.tufkey(home(), sign_args("v2", "after the rotation"));
    EXPECT_EQ(no_pin.exit_code, 3) << "no PIN and no terminal: " << no_pin.err;
    EXPECT_NE(no_pin.err.find("targets-token"), std::string::npos) << no_pin.err;
    w.ok(home(), with_pin(sign_args("v2", "after the rotation")));
    const json targets = metadata("targets");
    ASSERT_EQ(targets.at("signatures").size(), 1u);
    const std::string keyid = targets.at("signatures")[0].at("keyid");
    const json root = metadata("root");
    EXPECT_EQ(root.at("signed").at("roles").at("targets").at("keyids"), json::array({keyid}));
    const ProcessResult verified = w.ok(home(), {"verify", gun + ":v2"});
    EXPECT_NE(verified.out.find(sha256_hex("after the rotation")), std::string::npos) << verified.out;
    w.ok(home(), with_pin({"unsign", gun + ":v1"}));
    EXPECT_EQ(w.tufkey(home(), {"verify", gun + ":v1"}).exit_code, 1);
    w.ok(home(), {"verify", gun});
    w.ok(home(), {"transcript", "verify", (home() / "tufkey" / gun / "transcript.jsonl").string(), "--gun", gun});

    // Rotating back to a key file forgets the token key.
    w.ok(home(), with_pin({"rotate", gun, "targets"}));
    EXPECT_FALSE(json::parse(read_text(home() / "tufkey" / gun / "repository.json")).contains("role_keys"));
    EXPECT_EQ(w.ok(home(), {"key", "list"}).out.find("pkcs11:"), std::string::npos);
    w.sign(home(), gun + ":v3", "a file key again");
    w.ok(home(), {"verify", gun + ":v3"});
}

TEST_P(TokenTargetsKey, AWrongPinForTheTargetsTokenChangesNothing) {
    write_secret_text(w / "wrong.pin", "99999999\n");
    const std::vector<std::string> pins{"--pin-file", "root-a=" + w.pin_file().string(), "--pin-file",
                                        "targets-token=" + (w / "wrong.pin").string()};
    std::vector<std::string> rotate{"-y", "rotate", gun, "targets", "--key", kTargetsUri};
    rotate.insert(rotate.end(), pins.begin(), pins.end());
    auto before = file_tree(home());
    const ProcessResult refused = w.tufkey(home(), rotate);
    EXPECT_EQ(refused.exit_code, 3) << refused.err;
    EXPECT_NE(refused.err.find("targets-token"), std::string::npos) << refused.err;
    EXPECT_EQ(file_tree(home()), before);

    rotate_to_token();
    before = file_tree(home());
    std::vector<std::string> sign = sign_args("v2", "never signed");
    sign.insert(sign.end(), pins.begin(), pins.end());
    const ProcessResult wrong = w.tufkey(home(), sign);
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_EQ(file_tree(home()), before);
    EXPECT_EQ(w.tufkey(home(), {"verify", gun + ":v2"}).exit_code, 1);
}

TEST_P(TokenTargetsKey, TheRootTokenMayHoldTheTargetsKeyToo) {
    // Two sessions on one token (root signs the new root, the targets key signs targets).
    w.ok(home(), with_pin({"-y", "rotate", gun, "targets", "--key", "pkcs11:token=root-a;object=targets"}));
    w.ok(home(), with_pin(sign_args("v2", "root token, targets key")));
    w.ok(home(), {"verify", gun + ":v2"});
    w.ok(home(), with_pin({"rotate", gun, "snapshot"}));
    w.ok(home(), {"verify", gun + ":v2"});
}

TEST(TokenTargetsKeyInterop, TheNotaryClientHoldingRootV1ListsTagsSignedOnTheToken) {
    TufkeyWorld w({"root-a", "targets-token"}, "tufkey-token-role");
    const std::string gun = "registry.example.com/team/tokentargets";
    const fs::path home = w / "home";
    w.init(home, gun, {"root-a"});
    w.sign(home, gun + ":v1", "before the rotation");
    w.ok(home, {"publish", gun, "--to", (w / "site").string()});
    StaticServer server(w / "site", w / ".");
    auto notary_list = [&] {
        return run_process({"notary", "-d", (w / "notary-trust").string(), "-s", server.url(), "list", gun});
    };
    ASSERT_EQ(notary_list().exit_code, 0);

    w.ok(home, {"-y", "rotate", gun, "targets", "--key", kTargetsUri, "--pin-file", w.pin_file().string()});
    const std::string content = "signed on the token";
    w.ok(home, {"sign", gun + ":v2", "--digest", "sha256:" + sha256_hex(content), "--size",
                std::to_string(content.size()), "--pin-file", w.pin_file().string()});
    w.ok(home, {"publish", gun, "--to", (w / "site").string()});

    const ProcessResult list = notary_list();
    ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_EQ(notary_tag_digest(list.out, "v1"), sha256_hex("before the rotation")) << list.out;
    EXPECT_EQ(notary_tag_digest(list.out, "v2"), sha256_hex(content)) << list.out;
}

}  // namespace
}  // namespace tufkey::testing
