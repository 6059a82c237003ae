// canonical_json: the rules of TUF 1.0 §1.3 / Notary §1.4 written out by hand, and round
// trips through parse_json. Byte-exact agreement with securesystemslib is checked in
// canonical_json_vectors_test.cc.
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "tufkey/tuf/json.h"

namespace tufkey::tuf {
namespace {

TEST(JsonCanonical, WritesLiteralsAndIntegers) {
    EXPECT_EQ(canonical_json(Json()), "null");
    EXPECT_EQ(canonical_json(Json(true)), "true");
    EXPECT_EQ(canonical_json(Json(false)), "false");
    EXPECT_EQ(canonical_json(Json(0)), "0");
    EXPECT_EQ(canonical_json(Json(-1)), "-1");
    EXPECT_EQ(canonical_json(Json(std::numeric_limits<std::int64_t>::max())), "9223372036854775807");
    EXPECT_EQ(canonical_json(Json(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
}

TEST(JsonCanonical, HasNoWhitespaceAndSortsKeys) {
    const Json doc(JsonObject{
        {"b", 1},
        {"a", JsonArray{true, false, nullptr}},
        {"c", JsonObject{{"z", ""}, {"y", -5}}},
    });
    EXPECT_EQ(canonical_json(doc), R"({"a":[true,false,null],"b":1,"c":{"y":-5,"z":""}})");
}

TEST(JsonCanonical, WritesEmptyContainers) {
    EXPECT_EQ(canonical_json(Json(JsonArray{})), "[]");
    EXPECT_EQ(canonical_json(Json(JsonObject{})), "{}");
    EXPECT_EQ(canonical_json(Json(JsonArray{JsonArray{}, JsonObject{}})), "[[],{}]");
}

TEST(JsonCanonical, EscapesOnlyQuoteAndBackslash) {
    EXPECT_EQ(canonical_json(Json(R"(say "hi" \ C:\x)")), R"("say \"hi\" \\ C:\\x")");
    EXPECT_EQ(canonical_json(Json("\\\"\\\\")), R"("\\\"\\\\")");
    // Control characters, DEL, '/', and the HTML characters are written raw.
    EXPECT_EQ(canonical_json(Json("a\nb\tc\rd\x01\x1f\x7f</>&'")), "\"a\nb\tc\rd\x01\x1f\x7f</>&'\"");
    const std::string with_nul("a\0b", 3);
    EXPECT_EQ(canonical_json(Json(with_nul)), std::string("\"a\0b\"", 5));
}

TEST(JsonCanonical, WritesNonAsciiRaw) {
    // é, €, 😀, U+2028, U+2029 as their UTF-8 bytes; no \u escapes.
    const std::string text = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xE2\x80\xA8\xE2\x80\xA9";
    EXPECT_EQ(canonical_json(Json(text)), "\"" + text + "\"");
}

TEST(JsonCanonical, SortsKeysByCodePointNotUtf16) {
    // U+FFFF < U+1F600 by code point; UTF-16 would put the surrogate pair (D83D) first.
    const Json doc(JsonObject{{"\xF0\x9F\x98\x80", 2}, {"\xEF\xBF\xBF", 1}, {"z", 3}, {"\xC3\xA9", 4}});
    EXPECT_EQ(canonical_json(doc), "{\"z\":3,\"\xC3\xA9\":4,\"\xEF\xBF\xBF\":1,\"\xF0\x9F\x98\x80\":2}");
}

TEST(JsonCanonical, SortsPrefixKeysFirstAndEscapesKeys) {
    const Json doc(JsonObject{{"ab", 1}, {"a", 2}, {"", 3}, {"a\"", 4}, {"B", 5}});
    EXPECT_EQ(canonical_json(doc), R"({"":3,"B":5,"a":2,"a\"":4,"ab":1})");
}

TEST(JsonCanonical, KeepsArrayOrder) {
    EXPECT_EQ(canonical_json(Json(JsonArray{3, 1, 2, "b", "a"})), R"([3,1,2,"b","a"])");
}

TEST(JsonCanonical, CanonicalisesParsedDocument) {
    auto parsed = parse_json(R"( { "signed" : { "version" : 2 , "_type" : "root" } ,
                                   "signatures" : [ { "sig" : "ab" , "keyid" : "01" } ] } )");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(canonical_json(*parsed),
              R"({"signatures":[{"keyid":"01","sig":"ab"}],"signed":{"_type":"root","version":2}})");
}

TEST(JsonCanonical, DecodesEscapesBeforeEncoding) {
    auto parsed = parse_json(R"({"k\u00e9":"\u003c\/\u0022\u005c\ud83d\ude00"})");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(canonical_json(*parsed), "{\"k\xC3\xA9\":\"</\\\"\\\\\xF0\x9F\x98\x80\"}");
}

// Random documents without control characters (which are raw, hence not strict JSON, in the
// canonical form) must survive canonical_json -> parse_json unchanged, and be stable.
class RandomJson final {
public:
    explicit RandomJson(std::uint32_t seed) : m_rng(seed) {}

    Json value(int depth) {
        const int kind = pick(0, depth > 0 ? 5 : 3);
        switch (kind) {
            case 0:
                return pick(0, 2) == 0 ? Json(nullptr) : Json(pick(0, 1) == 1);
            case 1:
                return Json(integer());
            case 2:
            case 3:
                return Json(text());
            case 4: {
                JsonArray array;
                for (int i = pick(0, 4); i > 0; --i) array.push_back(value(depth - 1));
                return Json(std::move(array));
            }
            default: {
                JsonObject object;
                for (int i = pick(0, 4); i > 0; --i) object.insert_or_assign(text(), value(depth - 1));
                return Json(std::move(object));
            }
        }
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }

    std::int64_t integer() {
        return std::uniform_int_distribution<std::int64_t>(std::numeric_limits<std::int64_t>::min(),
                                                           std::numeric_limits<std::int64_t>::max())(m_rng);
    }

    std::string text() {
        static constexpr char32_t samples[] = {U'a',   U'"',   U'\\',  U'/',   U'<',    U'&',    0x7f,    0xe9,
                                               0x20ac, 0x2028, 0xfffe, 0xffff, 0x10000, 0x1f600, 0x10ffff};
        std::string out;
        for (int i = pick(0, 6); i > 0; --i) {
            const char32_t cp =
                pick(0, 1) == 0 ? samples[pick(0, std::size(samples) - 1)] : static_cast<char32_t>(pick(0x20, 0x7e));
            append_utf8(out, cp);
        }
        return out;
    }

    static void append_utf8(std::string& out, char32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    std::mt19937 m_rng;
};

TEST(JsonCanonical, RoundTripsRandomDocuments) {
    RandomJson random(20240611);
    for (int i = 0; i < 500; ++i) {
        const Json original = random.value(5);
        const std::string canonical = canonical_json(original);
        auto reparsed = parse_json(canonical);
        ASSERT_TRUE(reparsed.ok()) << reparsed.error().message << "\n" << canonical;
        EXPECT_EQ(*reparsed, original) << canonical;
        EXPECT_EQ(canonical_json(*reparsed), canonical);
    }
}

TEST(JsonCanonical, RoundTripIsIdempotentForParsedInput) {
    for (const char* text : {R"({"b":[1,{"d":null,"c":true}],"a":"\u00e9"})", R"([])", R"("x\"y")",
                             R"({"":{"":{"":[-9223372036854775808]}}})"}) {
        auto first = parse_json(text);
        ASSERT_TRUE(first.ok()) << text;
        const std::string once = canonical_json(*first);
        auto second = parse_json(once);
        ASSERT_TRUE(second.ok()) << once;
        EXPECT_EQ(*second, *first);
        EXPECT_EQ(canonical_json(*second), once);
    }
}

}  // namespace
}  // namespace tufkey::tuf
