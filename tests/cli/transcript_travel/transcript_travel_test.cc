// `bundle export` carries the transcript, `bundle import` merges it, and `transcript verify` on
// the home with the root token shows the lines other homes appended, first as not yet
// head-signed, then signed after the next ceremony with the root token (docs/bundle.md).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tufkey_world.h"

namespace tufkey::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kGun = "registry.example.com/team/travel";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

std::string transcript_of(const std::string& bundle_text) {
    const json doc = json::parse(bundle_text);
    auto bytes = core::base64_decode(doc.at("transcript").at("bytes").get<std::string>());
    EXPECT_TRUE(bytes.ok());
    return bytes ? core::to_string(*bytes) : std::string();
}

// The bundle with its transcript member replaced by `transcript` (length and sha256 made to
// match, so only the chain itself can give the change away).
std::string with_transcript(const std::string& bundle_text, const std::string& transcript) {
    json doc = json::parse(bundle_text);
    doc["transcript"] = {{"bytes", core::base64_encode(core::as_bytes(transcript))},
                         {"length", transcript.size()},
                         {"sha256", sha256_hex(transcript)}};
    return doc.dump() + "\n";
}

class TranscriptTravel : public ::testing::TestWithParam<const char*> {
protected:
    TranscriptTravel() : w({"root-a"}, "tufkey-travel") {}

    fs::path home(const std::string& name) const { return w / name; }
    fs::path transcript(const std::string& name) const { return w / name / "tufkey" / kGun / "transcript.jsonl"; }
    std::string export_from(const std::string& name, const std::string& bundle) const {
        w.ok(home(name), {"bundle", "export", kGun, "-o", (w / bundle).string()});
        return read_text(w / bundle);
    }
    // (Each home hands out its state before it takes another's back, so no import needs
    // --discard-staged: what comes back is built on what left.)
    json import_into(const std::string& name, const std::string& bundle) const {
        return json::parse(w.ok(home(name), {"-y", "--json", "bundle", "import", (w / bundle).string()}).out);
    }
    // The targets, snapshot and timestamp key files go along too (as they would on a USB stick).
    void carry_keys(const std::string& from, const std::string& to) const {
        const fs::path pem = w / (from + "-keys.pem");
        if (!fs::exists(pem)) w.ok(home(from), {"key", "export", "--gun", kGun, "-o", pem.string()});
        w.ok(home(to), {"key", "import", pem.string()});
    }
    json transcript_verify(const std::string& name) const {
        return json::parse(
            w.ok(home(name), {"--json", "transcript", "verify", transcript(name).string(), "--gun", kGun}).out);
    }
    static std::vector<std::string> pending_steps(const json& check) {
        std::vector<std::string> steps;
        for (const auto& p : check.at("not_yet_signed")) steps.push_back(p.at("step"));
        return steps;
    }

    TufkeyWorld w;
};
INSTANTIATE_TEST_SUITE_P(BothDialects, TranscriptTravel, ::testing::Values("notary", "tuf"));

TEST_P(TranscriptTravel, LinesAppendedElsewhereComeBackAndAreHeadSignedByTheNextRootCeremony) {
    w.init(home("a"), kGun, {"root-a"}, GetParam());
    const auto a_lines = lines_of(read_text(transcript("a")));
    const std::string a1 = export_from("a", "a1.bundle");
    EXPECT_EQ(transcript_of(a1), read_text(transcript("a"))) << "the bundle carries the transcript as it is";

    EXPECT_EQ(import_into("b", "a1.bundle").at("transcript").at("merge"), "adopted");
    carry_keys("a", "b");
    w.sign(home("b"), kGun + ":v1", "signed on b");
    const auto b_lines = lines_of(read_text(transcript("b")));
    ASSERT_EQ(b_lines.size(), a_lines.size() + 2) << "b: a's lines, its bundle-import and its sign";
    export_from("b", "b1.bundle");

    EXPECT_EQ(import_into("a", "b1.bundle").at("transcript").at("merge"), "appended");
    const auto merged = lines_of(read_text(transcript("a")));
    ASSERT_EQ(merged.size(), b_lines.size() + 1);
    EXPECT_TRUE(std::equal(b_lines.begin(), b_lines.end(), merged.begin())) << "b's lines, unchanged, chained";
    EXPECT_EQ(json::parse(merged.back()).at("step"), "bundle-import");

    const json before = transcript_verify("a");
    EXPECT_EQ(before.at("signed_through"), a_lines.size());
    EXPECT_EQ(before.at("lines"), merged.size());
    EXPECT_EQ(pending_steps(before), (std::vector<std::string>{"bundle-import", "sign", "bundle-import"}));
    const auto text = w.ok(home("a"), {"transcript", "verify", transcript("a").string(), "--gun", kGun});
    EXPECT_NE(text.err.find("not yet covered by a head signature"), std::string::npos) << text.err;

    w.ok(home("a"), {"rotate", kGun, "timestamp", "--pin-file", w.pin_file().string()});
    const json after = transcript_verify("a");
    EXPECT_EQ(after.at("signed_through"), after.at("lines"));
    EXPECT_TRUE(after.at("not_yet_signed").empty());
    EXPECT_GT(after.at("head_signatures"), before.at("head_signatures"));
    w.ok(home("a"), {"verify", kGun + ":v1"});
}

TEST_P(TranscriptTravel, LinesAddedOnBothSidesAreKeptInOneMergeLineAndSignedOnTheRootHome) {
    w.init(home("a"), kGun, {"root-a"}, GetParam());
    export_from("a", "a1.bundle");
    import_into("b", "a1.bundle");
    carry_keys("a", "b");
    w.sign(home("b"), kGun + ":v1", "signed on b");
    export_from("b", "b1.bundle");
    import_into("c", "a1.bundle");  // c appends its own bundle-import line: the two now differ

    const json merged = import_into("c", "b1.bundle");
    EXPECT_EQ(merged.at("transcript").at("merge"), "merged");
    EXPECT_EQ(merged.at("transcript").at("added"), 2) << "b's bundle-import and sign";
    const auto c_lines = lines_of(read_text(transcript("c")));
    const json merge_line = json::parse(c_lines[c_lines.size() - 2]);
    ASSERT_EQ(merge_line.at("step"), "transcript-merge");
    const auto b_lines = lines_of(read_text(transcript("b")));
    EXPECT_EQ(merge_line.at("foreign_head"), sha256_hex(b_lines.back()));
    EXPECT_EQ(merge_line.at("foreign_lines").back().at("line").at("step"), "sign");

    // The same bundle again adds nothing but the import line.
    EXPECT_EQ(import_into("c", "b1.bundle").at("transcript").at("merge"), "unchanged");
    EXPECT_EQ(lines_of(read_text(transcript("c"))).size(), c_lines.size() + 1);

    export_from("c", "c1.bundle");
    EXPECT_EQ(import_into("a", "c1.bundle").at("transcript").at("merge"), "appended");
    EXPECT_EQ(transcript_verify("a").at("not_yet_signed").size(), c_lines.size() + 2 - 2);
    w.ok(home("a"), {"rotate", kGun, "timestamp", "--pin-file", w.pin_file().string()});
    EXPECT_TRUE(transcript_verify("a").at("not_yet_signed").empty());

    // An embedded line that was changed is caught by transcript verify.
    std::string edited = read_text(transcript("c"));
    const auto merge_at = edited.find("\"step\":\"transcript-merge\"");
    const auto pos = edited.find("\"first_use\":true", edited.rfind('\n', merge_at) + 1);
    ASSERT_NE(pos, std::string::npos);
    ASSERT_LT(pos, edited.find('\n', merge_at)) << "the embedded bundle-import line of b";
    edited.replace(pos, 16, "\"first_use\":false");
    write_text(w / "edited.jsonl", edited);
    const ProcessResult r = w.tufkey(home("c"), {"transcript", "verify", (w / "edited.jsonl").string(), "--gun", kGun});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("embedded line"), std::string::npos) << r.err;
}

class CarriedTranscriptRefusals : public TranscriptTravel {
protected:
    void SetUp() override {
        w.init(home("a"), kGun, {"root-a"}, GetParam());
        export_from("a", "a1.bundle");
        import_into("b", "a1.bundle");
        carry_keys("a", "b");
        w.sign(home("b"), kGun + ":v1", "signed on b");
        bundle = export_from("b", "b1.bundle");
        carried = transcript_of(bundle);
    }
    // Imports `text` as a bundle into a: exit 1, a unchanged.
    void expect_refused(const std::string& text, const std::string& why, const std::string& message) {
        write_text(w / "changed.bundle", text);
        const auto before = file_tree(home("a"));
        const ProcessResult r = w.tufkey(home("a"), {"bundle", "import", (w / "changed.bundle").string()});
        EXPECT_EQ(r.exit_code, 1) << why << "\n" << r.out << r.err;
        EXPECT_NE(r.err.find("transcript"), std::string::npos) << why << ": " << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << why << ": " << r.err;
        EXPECT_EQ(file_tree(home("a")), before) << why;
    }
    std::string bundle;
    std::string carried;
};
INSTANTIATE_TEST_SUITE_P(BothDialects, CarriedTranscriptRefusals, ::testing::Values("notary", "tuf"));

TEST_P(CarriedTranscriptRefusals, ATamperedLineARemovedLineOrAForeignHistoryChangesNothing) {
    auto lines = lines_of(carried);
    auto join = [](const std::vector<std::string>& ls) {
        std::string out;
        for (const auto& l : ls) out += l + "\n";
        return out;
    };
    {
        // b's bundle-import line, followed by its sign line. (The last line of a transcript is
        // covered only once a later line chains to it or a head signature signs it.)
        auto tampered = lines;
        ASSERT_EQ(json::parse(tampered[2]).at("step"), "bundle-import");
        const auto pos = tampered[2].find("\"first_use\":true");
        ASSERT_NE(pos, std::string::npos) << tampered[2];
        tampered[2].replace(pos, 16, "\"first_use\":false");
        expect_refused(with_transcript(bundle, join(tampered)), "a changed line", "does not chain to line 3");
    }
    {
        auto removed = lines;
        removed.erase(removed.begin() + 2);
        expect_refused(with_transcript(bundle, join(removed)), "a removed line", "sequence number is not 3");
    }
    {
        // A head signature line changed after signing.
        auto resigned = lines;
        auto head = json::parse(resigned[1]);
        ASSERT_EQ(head.at("step"), "head-signature");
        head["time"] = "2001-01-01T00:00:00Z";
        resigned[1] = head.dump();
        expect_refused(with_transcript(bundle, join(resigned)), "a changed head signature line", "line 2");
    }
    {
        // The same repository name initialised again on the same token: another history.
        w.init(home("x"), kGun, {"root-a"}, GetParam());
        expect_refused(with_transcript(bundle, read_text(transcript("x"))), "another init ceremony's history",
                       "another init ceremony");
    }
    {
        // A damaged member: sha256 no longer matches.
        json doc = json::parse(bundle);
        doc["transcript"]["sha256"] = std::string(64, '0');
        expect_refused(doc.dump(), "a member whose sha256 does not match", "damaged or altered in transit");
    }
    // The bundle as exported imports, and an older bundle without a transcript still does.
    json old = json::parse(bundle);
    old.erase("transcript");
    write_text(w / "old.bundle", old.dump());
    const json imported = import_into("a", "old.bundle");
    EXPECT_EQ(imported.at("transcript").at("merge"), "unchanged");
    EXPECT_EQ(import_into("a", "b1.bundle").at("transcript").at("merge"), "merged");
}

}  // namespace
}  // namespace tufkey::testing
