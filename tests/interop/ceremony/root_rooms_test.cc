// Threshold root ceremonies that do not fit in one room (issue #11): three laptops, one root
// token each, a bundle carried between them.
//
// A repository's root is 2-of-3 over tokens A, B and C. Each laptop is its own trust home with
// its own SoftHSM store holding one of the three tokens (a copy made after init, as if the
// tokens were handed out). The rotation raises the root threshold to 3:
//   laptop A: rotate GUN root --root-threshold 3 --stage   (A signs: old 1/2, new 1/3)
//   laptop B: root sign BUNDLE                              (old 2/2, new 2/3)
//   laptop A: bundle import -> still staged, publish does not carry it
//   laptop C: root sign BUNDLE                              (new 3/3)
//   laptop A: bundle import -> promoted, published; a client holding root v1 follows.
// A bundle whose staged root was changed after signing, or that carries a signature by a key
// outside both roots, is refused and changes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tufkey/core/encoding.h"
#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string uri(const std::string& token) { return "pkcs11:token=" + token + ";object=root"; }

// A SoftHSM store under `room` holding a copy of the one token of `store` labelled `label`.
// Returns its SOFTHSM2_CONF.
fs::path make_room(const SoftHsmStore& store, const std::string& label, const fs::path& room) {
    fs::create_directories(room / "tokens");
    for (const auto& token : fs::directory_iterator(store.dir() / "tokens")) {
        if (read_text(token.path() / "token.object").find(label) == std::string::npos) continue;
        fs::copy(token.path(), room / "tokens" / token.path().filename(), fs::copy_options::recursive);
    }
    write_text(room / "softhsm2.conf", "directories.tokendir = " + (room / "tokens").string() +
                                           "\nobjectstore.backend = file\nlog.level = ERROR\n");
    return room / "softhsm2.conf";
}

std::string decoded_entry(const json& entry) {
    return core::to_string(*core::base64_decode(entry.at("bytes").get<std::string>()));
}

// `bundle` with its member `member` (an entry) replaced by `bytes` (entry fields recomputed, so
// only the signatures can tell).
void replace_entry(const fs::path& bundle, const std::string& member, const std::string& bytes) {
    auto doc = json::parse(read_text(bundle));
    doc[member]["bytes"] = core::base64_encode(core::as_bytes(bytes));
    doc[member]["length"] = bytes.size();
    doc[member]["sha256"] = sha256_hex(bytes);
    write_text(bundle, doc.dump());
}
void replace_staged_root(const fs::path& bundle, const std::string& staged) {
    replace_entry(bundle, "staged_root", staged);
}

class RootRooms : public ::testing::TestWithParam<const char*> {
protected:
    RootRooms() : w({"root-a", "root-b", "root-c", "outsider"}, "tufkey-root-rooms") {
        w.init(w / "laptop-a", gun, {"root-a", "root-b", "root-c"}, dialect, 2);
        w.sign(w / "laptop-a", gun + ":v1", "before");
        w.ok(w / "laptop-a", {"publish", gun, "--to", (w / "site").string()});
        w.ok(w / "client", {"pull", gun, "--from", (w / "site").string(), "-y"});
        for (const char* t : {"root-a", "root-b", "root-c"})
            room[t] = make_room(w.store(), t, w / (std::string("room-") + t));
    }
    ProcessResult at(const std::string& token, const std::string& home, std::vector<std::string> args) {
        args.insert(args.end(), {"--pin-file", w.pin_file().string(), "-y"});
        return w.tufkey(w / home, std::move(args), {{"SOFTHSM2_CONF", room.at(token).string()}});
    }
    ProcessResult root_sign(const std::string& token, const std::string& home) {
        return at(token, home, {"root", "sign", bundle().string(), "--key", uri(token), "--json"});
    }
    fs::path bundle() const { return w / "rotation.bundle"; }
    // The canonical ID of the root key on `token`, as `token keys` shows it in that token's room.
    std::string root_key_id(const std::string& token) {
        const ProcessResult r = at(token, "laptop-" + token, {"--json", "token", "keys", "--token", token});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        for (const auto& k : json::parse(r.out))
            if (k.at("label") == "root") return k.at("id").get<std::string>();
        ADD_FAILURE() << "no root key on " << token << ": " << r.out;
        return {};
    }
    std::string site_root() const { return read_text(site_dir() / "root.json"); }
    fs::path site_dir() const {
        return dialect == std::string("notary") ? w / "site/v2" / gun / "_trust/tuf" : w / "site";
    }

    TufkeyWorld w;
    std::map<std::string, fs::path> room;
    const std::string dialect = GetParam();
    const std::string gun = "registry.example.com/team/rooms";
};
INSTANTIATE_TEST_SUITE_P(BothDialects, RootRooms, ::testing::Values("notary", "tuf"));

TEST_P(RootRooms, ATwoOfThreeRotationAcrossThreeHomesPublishesOnlyWhenBothThresholdsAreMet) {
    ProcessResult r = at("root-a", "laptop-a", {"rotate", gun, "root", "--root-threshold", "3", "--stage", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto staged = json::parse(r.out);
    EXPECT_TRUE(staged.at("staged").get<bool>());
    EXPECT_EQ(staged.at("signed").at("old"), 1);
    EXPECT_NE(r.err.find("threshold 2 -> 3"), std::string::npos) << "the change is shown before signing\n" << r.err;
    w.ok(w / "laptop-a", {"bundle", "export", gun, "-o", bundle().string()});

    r = root_sign("root-b", "laptop-b");  // laptop B has no home for the repository, only the token
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("threshold 2 -> 3"), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(r.out).at("signed").at("old"), 2);
    EXPECT_EQ(json::parse(r.out).at("signed").at("new"), 2);
    EXPECT_FALSE(json::parse(r.out).at("complete").get<bool>());

    // Old threshold met, new not: imported and kept staged; publishing leaves root v1 out there.
    r = w.ok(w / "laptop-a", {"bundle", "import", bundle().string(), "--json"});
    EXPECT_FALSE(json::parse(r.out).at("staged_root").at("promoted").get<bool>());
    w.ok(w / "laptop-a", {"publish", gun, "--to", (w / "site").string()});
    EXPECT_EQ(json::parse(site_root()).at("signed").at("version"), 1);

    r = root_sign("root-c", "laptop-c");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(json::parse(r.out).at("complete").get<bool>());
    r = w.ok(w / "laptop-a", {"bundle", "import", bundle().string(), "--json"});
    EXPECT_TRUE(json::parse(r.out).at("staged_root").at("promoted").get<bool>());
    EXPECT_FALSE(fs::exists(w / "laptop-a/tufkey" / gun / "staged-root.json"));
    w.ok(w / "laptop-a", {"publish", gun, "--to", (w / "site").string()});
    const auto root = json::parse(site_root());
    EXPECT_EQ(root.at("signed").at("version"), 2);
    EXPECT_EQ(root.at("signed").at("roles").at("root").at("threshold"), 3);

    w.ok(w / "client", {"pull", gun, "--from", (w / "site").string()});
    EXPECT_EQ(w.ok(w / "client", {"verify", gun + ":v1"}).out, gun + "@sha256:" + sha256_hex("before") + "\n");

    // The expiry policy was signed with the root in every room: version 2, by all three new
    // root keys, published beside the new root and taken by the client's pull.
    const auto policy = json::parse(read_text(site_dir() / "tufkey-policy.json"));
    EXPECT_EQ(policy.at("signed").at("version"), 2);
    EXPECT_EQ(policy.at("signatures").size(), 3u);
    EXPECT_EQ(read_text(w / "client/tufkey" / gun / "policy.json"), read_text(site_dir() / "tufkey-policy.json"));
}

TEST_P(RootRooms, ARootKeyWhoseTokenStaysInItsRoomJoinsThroughItsCertificate) {
    // C is lost; D's token never leaves room D. D makes its certificate there, A starts the
    // rotation (keep A and B, add D by file, drop C), B and D sign the bundle in their rooms.
    room["outsider"] = make_room(w.store(), "outsider", w / "room-outsider");
    const fs::path cert = w / "d.pem";
    ProcessResult r =
        at("outsider", "laptop-d",
           {"--json", "root", "certificate", gun, "--key", "pkcs11:token=outsider;object=root-d", "-o", cert.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(json::parse(r.out).at("generated").get<bool>());
    const std::string d_id = json::parse(r.out).at("key_id");
    const std::string a_id = root_key_id("root-a"), b_id = root_key_id("root-b");

    // A certificate made for another repository, or not self-signed, is refused up front.
    const fs::path other_cert = w / "other.pem";
    ASSERT_EQ(at("outsider", "laptop-d",
                 {"root", "certificate", "registry.example.com/team/other", "--key",
                  "pkcs11:token=outsider;object=root-d", "-o", other_cert.string()})
                  .exit_code,
              0);
    const auto before = file_tree(w / "laptop-a");
    r = at("root-a", "laptop-a", {"rotate", gun, "root", "--key", a_id, "--key", other_cert.string(), "--stage"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("not for " + gun), std::string::npos) << r.err;
    EXPECT_EQ(file_tree(w / "laptop-a"), before);

    // A bare public key (no proof that its holder made it) serves only the tuf dialect: Notary's
    // root keys are certificates.
    const fs::path pub = w / "d.pub";
    const ProcessResult pem = run_process({"openssl", "x509", "-pubkey", "-noout", "-in", cert.string()});
    ASSERT_EQ(pem.exit_code, 0) << pem.err;
    write_text(pub, pem.out);
    if (dialect == std::string("notary")) {
        r = at("root-a", "laptop-a", {"rotate", gun, "root", "--key", a_id, "--key", pub.string(), "--stage"});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find("tufkey root certificate"), std::string::npos) << r.err;
        EXPECT_EQ(file_tree(w / "laptop-a"), before);
    }

    // The tuf dialect takes the bare public key; the notary dialect the certificate.
    const std::string d_file = dialect == std::string("notary") ? cert.string() : pub.string();

    // Without --stage, the room cannot meet the new threshold: D is elsewhere.
    r = at("root-a", "laptop-a", {"rotate", gun, "root", "--key", a_id, "--key", b_id, "--key", d_file});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("--stage"), std::string::npos) << r.err;
    EXPECT_EQ(file_tree(w / "laptop-a"), before);

    r = at("root-a", "laptop-a",
           {"--json", "rotate", gun, "root", "--key", a_id, "--key", b_id, "--key", d_file, "--stage"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("+ root key " + d_id), std::string::npos) << "the change names D's key\n" << r.err;
    EXPECT_NE(r.err.find("- root key " + root_key_id("root-c")), std::string::npos) << r.err;
    w.ok(w / "laptop-a", {"bundle", "export", gun, "-o", bundle().string()});
    ASSERT_EQ(root_sign("root-b", "laptop-b").exit_code, 0);
    r = at("outsider", "laptop-d",
           {"--json", "root", "sign", bundle().string(), "--key", "pkcs11:token=outsider;object=root-d"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).at("signed").at("new"), 3) << "A, B and D";
    r = w.ok(w / "laptop-a", {"bundle", "import", bundle().string(), "--json"});
    EXPECT_TRUE(json::parse(r.out).at("staged_root").at("promoted").get<bool>());
    w.ok(w / "laptop-a", {"publish", gun, "--to", (w / "site").string()});

    const auto root = json::parse(site_root());
    EXPECT_EQ(root.at("signed").at("version"), 2);
    EXPECT_EQ(root.at("signed").at("roles").at("root").at("keyids").size(), 3u);
    w.ok(w / "client", {"pull", gun, "--from", (w / "site").string()});
    EXPECT_EQ(w.ok(w / "client", {"verify", gun + ":v1"}).out, gun + "@sha256:" + sha256_hex("before") + "\n");
}

TEST_P(RootRooms, ABundleWithAChangedBodyOrAnOutsidersSignatureIsRefused) {
    ASSERT_EQ(at("root-a", "laptop-a", {"rotate", gun, "root", "--root-threshold", "3", "--stage"}).exit_code, 0);
    w.ok(w / "laptop-a", {"bundle", "export", gun, "-o", bundle().string()});
    ASSERT_EQ(root_sign("root-b", "laptop-b").exit_code, 0);
    const std::string signed_bundle = read_text(bundle());
    const auto staged = json::parse(decoded_entry(json::parse(signed_bundle).at("staged_root")));
    const auto before = file_tree(w / "laptop-a");

    // The body changed after signing (threshold back to 1), signatures kept.
    auto changed = staged;
    changed["signed"]["roles"]["root"]["threshold"] = 1;
    replace_staged_root(bundle(), changed.dump());
    ProcessResult r = w.tufkey(w / "laptop-a", {"bundle", "import", bundle().string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(file_tree(w / "laptop-a"), before);
    r = root_sign("root-c", "laptop-c");  // and no root token signs it either
    EXPECT_EQ(r.exit_code, 1) << r.err;

    // The staged policy changed after signing (a 10-year timestamp), its signature kept.
    write_text(bundle(), signed_bundle);
    auto policy = json::parse(decoded_entry(json::parse(signed_bundle).at("staged_policy")));
    policy["signed"]["expires"]["timestamp"] = "10y";
    replace_entry(bundle(), "staged_policy", policy.dump());
    r = w.tufkey(w / "laptop-a", {"bundle", "import", bundle().string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("does not verify"), std::string::npos) << r.err;
    EXPECT_EQ(file_tree(w / "laptop-a"), before);
    r = root_sign("root-c", "laptop-c");
    EXPECT_EQ(r.exit_code, 1) << r.err;

    // A signature by a key outside both roots: another repository's root key on token "outsider".
    const std::string other = "registry.example.com/team/other";
    w.init(w / "other", other, {"outsider"}, dialect);
    const auto foreign = json::parse(read_text(w / "other/tuf" / other / "metadata/root.json"));
    auto smuggled = staged;
    smuggled["signatures"].push_back(foreign.at("signatures").at(0));
    write_text(bundle(), signed_bundle);
    replace_staged_root(bundle(), smuggled.dump());
    r = w.tufkey(w / "laptop-a", {"bundle", "import", bundle().string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("not a root key"), std::string::npos) << r.err;
    EXPECT_EQ(file_tree(w / "laptop-a"), before);

    // A token key outside both roots cannot sign it (exit 3), and the bundle is unchanged.
    write_text(bundle(), signed_bundle);
    r = w.tufkey(w / "laptop-x", {"root", "sign", bundle().string(), "--key", uri("outsider"), "--pin-file",
                                  w.pin_file().string(), "-y"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(read_text(bundle()), signed_bundle);
}

}  // namespace
}  // namespace tufkey::testing
