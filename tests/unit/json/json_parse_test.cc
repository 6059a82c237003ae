// parse_json: what it accepts, and every refusal with its error code, message and offset.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tufkey/tuf/json.h"

namespace tufkey::tuf {
namespace {

using ::testing::HasSubstr;

// The error message of a refused input; fails the test when the input was accepted or the
// refusal is not a trust error.
std::string refusal(std::string_view text, const JsonLimits& limits = {}) {
    auto result = parse_json(text, limits);
    EXPECT_FALSE(result.ok()) << "accepted: " << text;
    if (result.ok()) return {};
    EXPECT_EQ(result.error().code, core::ErrorCode::trust);
    return result.error().message;
}

void expect_refused_at(std::string_view text, std::size_t offset, std::string_view problem) {
    const std::string message = refusal(text);
    EXPECT_THAT(message, HasSubstr("invalid JSON at byte " + std::to_string(offset) + ":")) << text;
    EXPECT_THAT(message, HasSubstr(std::string(problem))) << text;
}

TEST(JsonParse, ParsesEveryValueType) {
    auto parsed = parse_json(R"({"a":[1,-2,true,false,null,"s"],"b":{},"c":"x"})");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const Json& doc = *parsed;
    ASSERT_TRUE(doc.is_object());
    ASSERT_EQ(doc.as_object().size(), 3u);
    const JsonArray& a = doc.find("a")->as_array();
    ASSERT_EQ(a.size(), 6u);
    EXPECT_EQ(a[0].as_int(), 1);
    EXPECT_EQ(a[1].as_int(), -2);
    EXPECT_TRUE(a[2].as_bool());
    EXPECT_FALSE(a[3].as_bool());
    EXPECT_TRUE(a[4].is_null());
    EXPECT_EQ(a[5].as_string(), "s");
    EXPECT_TRUE(doc.find("b")->is_object());
    EXPECT_TRUE(doc.find("b")->as_object().empty());
}

TEST(JsonParse, ParsesScalarsAtTopLevel) {
    EXPECT_EQ(*parse_json("null"), Json(nullptr));
    EXPECT_EQ(*parse_json("true"), Json(true));
    EXPECT_EQ(*parse_json("-17"), Json(-17));
    EXPECT_EQ(*parse_json(R"("t")"), Json("t"));
    EXPECT_EQ(*parse_json("-0"), Json(0));
}

TEST(JsonParse, AcceptsWhitespaceBetweenTokens) {
    auto parsed = parse_json(" \t\r\n{ \"k\" :\n[ 1 , 2 ] } \n");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, Json(JsonObject{{"k", JsonArray{1, 2}}}));
}

TEST(JsonParse, DecodesStringEscapes) {
    auto parsed = parse_json(R"("\"\\\/\b\f\n\r\t\u0000\u00e9\u20AC\ud83d\ude00")");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const std::string expected("\"\\/\b\f\n\r\t\0\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 18);
    EXPECT_EQ(parsed->as_string(), expected);
}

TEST(JsonParse, KeepsRawUtf8) {
    auto parsed = parse_json("{\"caf\xC3\xA9\":\"\xF0\x9F\x98\x80\xE2\x80\xA8\xEF\xBF\xBF\"}");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const Json* member = parsed->find("caf\xC3\xA9");
    ASSERT_NE(member, nullptr);
    EXPECT_EQ(member->as_string(), "\xF0\x9F\x98\x80\xE2\x80\xA8\xEF\xBF\xBF");
}

TEST(JsonParse, AcceptsInt64Extremes) {
    EXPECT_EQ(parse_json("9223372036854775807")->as_int(), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(parse_json("-9223372036854775808")->as_int(), std::numeric_limits<std::int64_t>::min());
}

TEST(JsonParse, FindReturnsMemberOrNullptr) {
    auto parsed = parse_json(R"({"version":3,"_type":"root"})");
    ASSERT_TRUE(parsed.ok());
    ASSERT_NE(parsed->find("version"), nullptr);
    EXPECT_EQ(parsed->find("version")->as_int(), 3);
    EXPECT_EQ(parsed->find("Version"), nullptr);
    EXPECT_EQ(parsed->find(""), nullptr);
    EXPECT_EQ(Json(JsonArray{1}).find("version"), nullptr);
    EXPECT_EQ(Json("version").find("version"), nullptr);
}

TEST(JsonParse, RefusesDuplicateKey) {
    expect_refused_at(R"({"version":1,"version":2})", 13, "duplicate key \"version\"");
}

TEST(JsonParse, RefusesDuplicateKeyInNestedObject) {
    expect_refused_at(R"({"a":{"b":1,"c":2,"b":3}})", 18, "duplicate key \"b\"");
}

TEST(JsonParse, RefusesDuplicateKeySpelledWithDifferentEscapes) {
    // "a\"b" and "a\u0022b" are the same key once decoded.
    expect_refused_at(R"({"a\"b":1,"a\u0022b":2})", 10, "duplicate key");
    expect_refused_at(R"({"\u00e9":1,"é":2})", 12, "duplicate key");
}

TEST(JsonParse, AllowsSameKeyInSiblingObjects) {
    EXPECT_TRUE(parse_json(R"([{"a":1},{"a":2}])").ok());
    EXPECT_TRUE(parse_json(R"({"a":{"a":1}})").ok());
}

TEST(JsonParse, RefusesFraction) {
    expect_refused_at(R"({"a":1.5})", 5, "not an integer");
    expect_refused_at("1.0", 0, "not an integer");
    expect_refused_at("[-0.0]", 1, "not an integer");
}

TEST(JsonParse, RefusesExponent) {
    expect_refused_at("[1e3]", 1, "not an integer");
    expect_refused_at("[2,1E+2]", 3, "not an integer");
    expect_refused_at("10e-1", 0, "not an integer");
}

TEST(JsonParse, RefusesIntegerAboveInt64) {
    expect_refused_at("[9223372036854775808]", 1, "int64 range");
    expect_refused_at("18446744073709551615", 0, "int64 range");
    expect_refused_at("[18446744073709551616]", 1, "int64 range");
    expect_refused_at("[1, 123456789012345678901234567890]", 4, "int64 range");
}

TEST(JsonParse, RefusesIntegerBelowInt64) { expect_refused_at("[-9223372036854775809]", 1, "int64 range"); }

TEST(JsonParse, RefusesMalformedNumbers) {
    for (const char* text : {"01", "+1", "-", "1.", ".5", "0x10", "NaN", "Infinity", "-Infinity"}) {
        EXPECT_FALSE(parse_json(text).ok()) << text;
    }
}

TEST(JsonParse, RefusesInvalidUtf8Overlong) {
    expect_refused_at("\"\xC0\xAF\"", 1, "UTF-8");          // overlong '/'
    expect_refused_at("\"a\xE0\x80\xAF\"", 3, "UTF-8");     // overlong 3-byte '/'
    expect_refused_at("\"\xF0\x80\x80\xAF\"", 2, "UTF-8");  // overlong 4-byte '/'
}

TEST(JsonParse, RefusesInvalidUtf8Truncated) {
    expect_refused_at("\"\xC3\"", 2, "UTF-8");        // lead byte, then the closing quote
    expect_refused_at("[\"\xE2\x82\"]", 4, "UTF-8");  // 2 of 3 bytes
    expect_refused_at("\"\xF0\x9F\x98", 4, "");       // input ends inside the sequence
}

TEST(JsonParse, RefusesInvalidUtf8Bytes) {
    expect_refused_at("\"\xFF\"", 1, "UTF-8");
    expect_refused_at("\"ok\xFE\"", 3, "UTF-8");
    expect_refused_at("\"\x80\"", 1, "UTF-8");              // lone continuation byte
    expect_refused_at("\"\xF4\x90\x80\x80\"", 2, "UTF-8");  // above U+10FFFF
    expect_refused_at("{\"k\xFF\":1}", 3, "UTF-8");         // in a key
    expect_refused_at("\xFF", 0, "");                       // outside any string
}

TEST(JsonParse, RefusesSurrogateEncodedInUtf8) {
    expect_refused_at("\"\xED\xA0\x80\"", 2, "UTF-8");  // U+D800 as CESU/WTF-8
    expect_refused_at("\"\xED\xBF\xBF\"", 2, "UTF-8");  // U+DFFF
}

TEST(JsonParse, RefusesLoneSurrogateEscape) {
    for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\ud83dx")", R"("\ud800\u0041")", R"("\ud800\ud800")",
                             R"(["\udfff"])", R"({"\ud800":1})"}) {
        const std::string message = refusal(text);
        EXPECT_THAT(message, HasSubstr("surrogate")) << text;
        EXPECT_THAT(message, HasSubstr("invalid JSON at byte ")) << text;
    }
}

TEST(JsonParse, RefusesRawControlCharacterInString) {
    expect_refused_at("\"a\nb\"", 2, "control character");
    expect_refused_at(std::string_view("\"a\0b\"", 5), 2, "control character");
}

TEST(JsonParse, RefusesDepthBombFast) {
    const std::string bomb(100000, '[');
    const auto start = std::chrono::steady_clock::now();
    const std::string message = refusal(bomb);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_THAT(message, HasSubstr("invalid JSON at byte 64: nesting deeper than 64"));
    EXPECT_LT(elapsed, std::chrono::milliseconds(50));

    std::string object_bomb;
    for (int i = 0; i < 100000; ++i) object_bomb += "{\"a\":";
    EXPECT_THAT(refusal(object_bomb), HasSubstr("nesting deeper than 64"));
}

TEST(JsonParse, DepthLimitIsExact) {
    const auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    EXPECT_TRUE(parse_json(nested(64)).ok());
    EXPECT_THAT(refusal(nested(65)), HasSubstr("nesting deeper than 64"));

    JsonLimits limits;
    limits.max_depth = 2;
    EXPECT_TRUE(parse_json(R"({"a":[1]})", limits).ok());
    EXPECT_THAT(refusal(R"({"a":[{}]})", limits), HasSubstr("invalid JSON at byte 6: nesting deeper than 2"));
    EXPECT_TRUE(parse_json("7", JsonLimits{.max_size = 10, .max_depth = 0}).ok());
}

TEST(JsonParse, RefusesInputLargerThanLimit) {
    JsonLimits limits;
    limits.max_size = 10;
    EXPECT_TRUE(parse_json(R"(["123456"])", limits).ok());  // exactly 10 bytes
    const std::string message = refusal(R"(["1234567"])", limits);
    EXPECT_THAT(message, HasSubstr("11 bytes"));
    EXPECT_THAT(message, HasSubstr("limit of 10 bytes"));
}

TEST(JsonParse, RefusesTrailingData) {
    expect_refused_at("{} x", 3, "trailing data");
    expect_refused_at("{}{}", 2, "trailing data");
    expect_refused_at("1 2", 2, "trailing data");
    expect_refused_at("\"a\"x", 3, "trailing data");
    expect_refused_at(std::string_view("{}\0", 3), 2, "trailing data");
    expect_refused_at(std::string_view("{} \0{\"a\":1}", 11), 3, "trailing data");
    expect_refused_at(std::string_view("1\0", 2), 1, "trailing data");
    EXPECT_TRUE(parse_json("{} \n\t\r ").ok());
}

TEST(JsonParse, RefusesEmptyAndTruncatedInput) {
    EXPECT_THAT(refusal(""), HasSubstr("invalid JSON at byte 0"));
    EXPECT_THAT(refusal("   "), HasSubstr("invalid JSON at byte 3"));
    EXPECT_THAT(refusal("{\"a\":"), HasSubstr("invalid JSON at byte 5"));
    EXPECT_THAT(refusal("[1,"), HasSubstr("invalid JSON at byte 3"));
    EXPECT_THAT(refusal("\"open"), HasSubstr("invalid JSON at byte 5"));
}

TEST(JsonParse, RefusesNonStandardSyntax) {
    for (const char* text : {"[1,]", "{\"a\":1,}", "{'a':1}", "{a:1}", "[1 2]", "{\"a\" 1}", "/*c*/{}", "{}//c",
                             "[True]", "nul", "\"\\x41\"", "\"\\u12\"", "\"\\U0041\""}) {
        EXPECT_FALSE(parse_json(text).ok()) << text;
    }
}

TEST(JsonParse, RefusesByteOrderMark) { expect_refused_at("\xEF\xBB\xBF{}", 0, "byte order mark"); }

TEST(JsonParse, ErrorMessagesArePrintableAscii) {
    for (std::string_view text : {std::string_view("\"\xFF\xFE\""), std::string_view("{\"\xC3\xA9\":1,\"\xC3\xA9\":2}"),
                                  std::string_view("[\"\x01\"]")}) {
        const std::string message = refusal(text);
        for (const char c : message) {
            const auto u = static_cast<unsigned char>(c);
            EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "byte " << int{u} << " in: " << message;
        }
        EXPECT_EQ(message.find("last read"), std::string::npos) << message;
        EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace tufkey::tuf

namespace tufkey::tuf {
namespace {

std::string repeated(std::string_view head, std::string_view unit, std::size_t count, std::string_view tail) {
    std::string out(head);
    out.reserve(head.size() + unit.size() * count + tail.size());
    for (std::size_t i = 0; i < count; ++i) out += unit;
    out += tail;
    return out;
}

// Issue #14: a 60 MiB array of empty objects built a 2 GB tree. Such structures cost more tree
// than kJsonTreeBytesPerInputByte per input byte and are refused while being built.
TEST(JsonTreeBudget, ArraysOfTinyValuesAreRefusedWhileBuilt) {
    for (const std::string_view unit : {",{}", ",[]", ",0", ",\"\""}) {
        const std::string text = repeated("[0", unit, 800'000, "]");
        const std::string message = refusal(text);
        EXPECT_THAT(message, HasSubstr("would take more than")) << unit;
        EXPECT_THAT(message, HasSubstr("hostile structure")) << unit;
    }
}

TEST(JsonTreeBudget, RealMetadataShapesFitTheBudget) {
    // A targets role (python-tuf's shape) with 20,000 targets.
    std::string targets = R"({"signed":{"_type":"targets","targets":{)";
    for (int i = 0; i < 20000; ++i) {
        if (i > 0) targets += ",";
        targets += "\"releases/v" + std::to_string(i) + ".tar.gz\":{\"hashes\":{\"sha256\":\"" + std::string(64, 'a') +
                   "\"},\"length\":" + std::to_string(1000 + i) + "}";
    }
    targets += "}}}";
    EXPECT_TRUE(parse_json(targets).ok());
    // Hashed bins: 256 bins of 256 four-digit prefixes each, and a role of one-character paths.
    std::string bins = R"({"roles":[)";
    for (int b = 0; b < 256; ++b) {
        bins += std::string(b > 0 ? "," : "") + R"({"name":"bin-)" + std::to_string(b) +
                R"(","keyids":[],"threshold":1,"path_hash_prefixes":[)";
        for (int p = 0; p < 256; ++p) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "%02x%02x", b, p);
            bins += std::string(p > 0 ? "," : "") + "\"" + hex + "\"";
        }
        bins += "]}";
    }
    bins += "]}";
    EXPECT_TRUE(parse_json(bins).ok());
    EXPECT_TRUE(parse_json(repeated(R"({"paths":["a")", R"(,"b")", 200'000, "]}")).ok());
}

TEST(JsonTreeBudget, AnExplicitBudgetIsHonoured) {
    const std::string text = repeated("[\"x\"", ",\"x\"", 1000, "]");
    EXPECT_TRUE(parse_json(text).ok());
    EXPECT_THAT(refusal(text, JsonLimits{.max_tree_bytes = 4096}), HasSubstr("would take more than"));
}

TEST(JsonShapeScanner, CountsStructureAcrossChunksAndIgnoresStrings) {
    JsonShapeScanner scanner(100);
    const std::string text = R"({"a{[,:":"\"}],",  "b": [1, 2, {"c": "\\"}]})";
    for (std::size_t i = 0; i < text.size(); i += 3)
        ASSERT_TRUE(scanner.feed(std::string_view(text).substr(i, 3)).ok());
    // { : , : [ , , { :   (nothing inside the strings counts)
    EXPECT_EQ(scanner.tokens(), 9u);
}

TEST(JsonShapeScanner, RefusesTooManyTokensOrTooDeepAndStaysRefused) {
    JsonShapeScanner scanner(1000);
    const std::string text = repeated("[{}", ",{}", 10'000, "]");
    auto refused = scanner.feed(text);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::trust);
    EXPECT_THAT(refused.error().message, HasSubstr("more than 1000 values"));
    EXPECT_FALSE(scanner.feed("").ok());
    JsonShapeScanner shallow(1000, 8);
    EXPECT_THAT(shallow.feed(std::string(9, '[')).error().message, HasSubstr("nesting deeper than 8"));
    EXPECT_TRUE(JsonShapeScanner(1000, 8).feed(std::string(8, '[')).ok());
}

}  // namespace
}  // namespace tufkey::tuf
