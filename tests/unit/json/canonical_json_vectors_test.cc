// canonical_json against an independent implementation: securesystemslib 0.26 (Debian's
// python3-securesystemslib, run with /usr/bin/python3). The vectors are generated at test
// time by tests/vectors/canonical_json/make_vectors.py; a missing interpreter or module is a
// test failure, not a skip (scripts/setup installs both).
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process.h"
#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/json.h"

namespace tufkey::tuf {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kScript = TUFKEY_SOURCE_DIR "/tests/vectors/canonical_json/make_vectors.py";

struct Vector final {
    std::string kind;
    std::string name;
    std::string input_json;
    std::string expected;  // canonical_hex or keyid
};

std::string to_hex(const std::string& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(digits[u >> 4]);
        out.push_back(digits[u & 0x0F]);
    }
    return out;
}

// Runs the generator and reads its JSON lines with nlohmann (not with the parser under test).
std::vector<Vector> load_vectors() {
    testing::TempDir dir("tufkey-json-vectors");
    const auto output = dir / "vectors.jsonl";
    const auto run = testing::run_process({kPython, kScript, output.string()});
    EXPECT_EQ(run.exit_code, 0) << kPython << " " << kScript << " failed (is python3-securesystemslib installed? "
                                << "run scripts/setup)\n"
                                << run.err;
    if (run.exit_code != 0) return {};
    std::vector<Vector> vectors;
    const std::string text = testing::read_text(output);
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const auto line = nlohmann::json::parse(text.substr(start, end - start));
        const std::string kind = line.at("kind").get<std::string>();
        vectors.push_back({kind, line.at("name").get<std::string>(), line.at("input_json").get<std::string>(),
                           line.at(kind == "keyid" ? "keyid" : "canonical_hex").get<std::string>()});
        start = end + 1;
    }
    return vectors;
}

std::vector<Vector> of_kind(const std::vector<Vector>& all, const std::string& kind) {
    std::vector<Vector> out;
    for (const auto& v : all) {
        if (v.kind == kind) out.push_back(v);
    }
    return out;
}

TEST(JsonVectors, CanonicalFormMatchesSecuresystemslib) {
    const auto vectors = of_kind(load_vectors(), "canonical");
    ASSERT_GE(vectors.size(), 25u) << "the generator produced too few canonical vectors";
    bool saw_code_point_order = false;
    for (const auto& v : vectors) {
        SCOPED_TRACE(v.name);
        auto parsed = parse_json(v.input_json);
        ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\ninput: " << v.input_json;
        EXPECT_EQ(to_hex(canonical_json(*parsed)), v.expected) << "input: " << v.input_json;
        saw_code_point_order = saw_code_point_order || v.name == "key_order_code_point_vs_utf16";
    }
    EXPECT_TRUE(saw_code_point_order);
}

TEST(JsonVectors, KeyIdsMatchSecuresystemslib) {
    const auto vectors = of_kind(load_vectors(), "keyid");
    ASSERT_EQ(vectors.size(), 3u) << "expected ed25519_hex, ecdsa_pem, ecdsa_pem_with_custom_fields";
    for (const auto& v : vectors) {
        SCOPED_TRACE(v.name);
        auto parsed = parse_json(v.input_json);
        ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\ninput: " << v.input_json;
        ASSERT_NE(parsed->find("keyval"), nullptr);
        const std::string canonical = canonical_json(*parsed);
        EXPECT_EQ(core::hex_encode(core::sha256(core::as_bytes(canonical))), v.expected) << canonical;
    }
}

}  // namespace
}  // namespace tufkey::tuf
