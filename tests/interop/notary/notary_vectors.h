// The vector set make-vectors.sh wrote (see tests/fixtures/notary/README.md) and helpers to
// read it, for the tests in notary_vector_test.cc.
//
// The manifest is read with nlohmann, not with the parser under test. The helpers in the
// second half work on notary's bytes without any tufkey code, so what they return can serve as
// an expected value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tufkey/core/result.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/role_name.h"

namespace tufkey::tuf::vectors {

using Manifest = nlohmann::json;
inline constexpr Dialect kNotary = Dialect::notary;

// The error message of a failed result ("" when it succeeded), for failure messages.
template <typename T>
std::string why(const core::Result<T>& result) {
    return result.ok() ? std::string() : result.error().message;
}

// $TUFKEY_NOTARY_VECTORS, else the build tree's vectors/notary.
std::filesystem::path vectors_dir();

// One metadata file: the client cache (`version` empty) or a server version.
struct MetadataFile final {
    std::string role;
    std::optional<std::int64_t> version;
    std::string path;  // relative to the vector set
    std::string bytes;

    [[nodiscard]] std::string label() const;
};

using Model = std::variant<Root, Targets, Snapshot, Timestamp>;

struct Decoded final {
    Envelope envelope;
    Model model;
};

// A role name from the manifest (throws on a name the notary dialect refuses).
RoleName role_name(const std::string& name);
// parse_envelope + the decoder for the file's role.
core::Result<Decoded> decode_file(const MetadataFile& file);
// The encoder for the model's role.
core::Result<Json> encode_model(const Model& model);

// Loads the vector set once per test suite; every test fails when it is missing.
class NotaryVectors : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    void SetUp() override { ASSERT_TRUE(s_error.empty()) << s_error; }

    static const std::vector<MetadataFile>& files() { return s_files; }
    static const Manifest& manifest() { return s_manifest; }
    static const std::filesystem::path& dir() { return s_dir; }
    // The client-cache file of `role` (the latest state); throws if there is none.
    static const MetadataFile& current(const std::string& role);
    // The server versions of `role`, oldest first.
    static std::vector<const MetadataFile*> versions_of(const std::string& role);
    // Decodes `file`, or records a failure and returns nothing.
    static std::optional<Decoded> decode_or_fail(const MetadataFile& file);

private:
    static inline std::filesystem::path s_dir;
    static inline std::string s_error;
    static inline Manifest s_manifest;
    static inline std::vector<MetadataFile> s_files;
};

// ---- helpers that use no tufkey code -------------------------------------------------------

// The text of the `signed` member exactly as Notary stored it. Notary's file is Go's
// json.Marshal of a struct: {"signed":<raw>,"signatures":[...]}, no whitespace.
std::optional<std::string> stored_signed_text(const std::string& file);

// Undoes Go's HTML escaping, the only difference between the stored and the signed bytes:
// \u003c \u003e \u0026 \u2028 \u2029 back to the raw characters; \" and \\ stay.
std::string undo_go_html_escape(std::string_view text);

// A PEM block's headers ("name: value" lines before the blank line) and base64 body.
struct PemBlock final {
    std::map<std::string, std::string> headers;
    std::string body;  // base64 lines joined without newlines
};
std::vector<PemBlock> split_pem(const std::string& text);
// The block re-armoured without its headers (OpenSSL's PKCS#8 reader refuses them).
std::string pem_without_headers(const PemBlock& block, const std::string& label);

// Byte equality that reports the first difference instead of two whole files.
::testing::AssertionResult same_bytes(const std::string& actual, const std::string& expected);

// `meta` has the length, sha256 and sha512 of `bytes` (digests by core/, i.e. OpenSSL).
bool meta_matches(const MetaFile& meta, const std::string& bytes);

}  // namespace tufkey::tuf::vectors
