#include "notary_vectors.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <type_traits>

#include "temp_dir.h"
#include "tufkey/core/digest.h"
#include "tufkey/tuf/codec.h"

namespace tufkey::tuf::vectors {

namespace fs = std::filesystem;

// ---- the vector set -------------------------------------------------------------------------

fs::path vectors_dir() {
    if (const char* env = std::getenv("TUFKEY_NOTARY_VECTORS")) return env;
    return TUFKEY_NOTARY_VECTORS_DIR;
}

std::string MetadataFile::label() const {
    return path + " (" + role + (version ? " v" + std::to_string(*version) : std::string(" cache")) + ")";
}

RoleName role_name(const std::string& name) {
    auto role = RoleName::parse(kNotary, name);
    if (!role.ok()) throw std::runtime_error("bad role name in manifest: " + name);
    return *role;
}

core::Result<Decoded> decode_file(const MetadataFile& file) {
    const RoleName role = role_name(file.role);
    TUFKEY_TRY(Envelope envelope, parse_envelope(kNotary, file.bytes, file.role));
    switch (role.kind()) {
        case RoleKind::root: {
            TUFKEY_TRY(Root root, decode_root(kNotary, envelope.signed_part));
            return Decoded{std::move(envelope), std::move(root)};
        }
        case RoleKind::targets:
        case RoleKind::delegated: {
            TUFKEY_TRY(Targets targets, decode_targets(kNotary, envelope.signed_part));
            return Decoded{std::move(envelope), std::move(targets)};
        }
        case RoleKind::snapshot: {
            TUFKEY_TRY(Snapshot snapshot, decode_snapshot(kNotary, envelope.signed_part));
            return Decoded{std::move(envelope), std::move(snapshot)};
        }
        case RoleKind::timestamp: {
            TUFKEY_TRY(Timestamp timestamp, decode_timestamp(kNotary, envelope.signed_part));
            return Decoded{std::move(envelope), std::move(timestamp)};
        }
    }
    return core::Error(core::ErrorCode::internal, "unreachable");
}

core::Result<Json> encode_model(const Model& model) {
    return std::visit(
        [](const auto& m) -> core::Result<Json> {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, Root>) return encode_root(kNotary, m);
            if constexpr (std::is_same_v<M, Targets>) return encode_targets(kNotary, m);
            if constexpr (std::is_same_v<M, Snapshot>) return encode_snapshot(kNotary, m);
            if constexpr (std::is_same_v<M, Timestamp>) return encode_timestamp(kNotary, m);
        },
        model);
}

void NotaryVectors::SetUpTestSuite() {
    s_dir = vectors_dir();
    s_error.clear();
    const fs::path manifest_path = s_dir / "manifest.json";
    if (!fs::exists(manifest_path)) {
        s_error = manifest_path.string() +
                  " is missing: run `ctest -L interop` (fixture notary_vectors_setup runs "
                  "tests/fixtures/notary/make-vectors.sh) or set TUFKEY_NOTARY_VECTORS";
        return;
    }
    s_manifest = Manifest::parse(testing::read_text(manifest_path));
    s_files.clear();
    for (const auto& entry : s_manifest.at("metadata")) {
        const std::string path = entry.at("path");
        s_files.push_back({entry.at("role"), std::nullopt, path, testing::read_text(s_dir / path)});
    }
    for (const auto& entry : s_manifest.at("versions")) {
        const std::string path = entry.at("path");
        s_files.push_back(
            {entry.at("role"), entry.at("version").get<std::int64_t>(), path, testing::read_text(s_dir / path)});
    }
}

const MetadataFile& NotaryVectors::current(const std::string& role) {
    for (const auto& file : s_files) {
        if (file.role == role && !file.version) return file;
    }
    throw std::runtime_error("no cached metadata for " + role);
}

std::vector<const MetadataFile*> NotaryVectors::versions_of(const std::string& role) {
    std::vector<const MetadataFile*> out;
    for (const auto& file : s_files) {
        if (file.role == role && file.version) out.push_back(&file);
    }
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return *a->version < *b->version; });
    return out;
}

std::optional<Decoded> NotaryVectors::decode_or_fail(const MetadataFile& file) {
    auto decoded = decode_file(file);
    EXPECT_TRUE(decoded.ok()) << file.label() << ": " << why(decoded);
    if (!decoded.ok()) return std::nullopt;
    return std::move(decoded).value();
}

// ---- helpers that use no tufkey code -------------------------------------------------------

std::optional<std::string> stored_signed_text(const std::string& file) {
    static constexpr std::string_view prefix = R"({"signed":)";
    static constexpr std::string_view marker = R"(,"signatures":[)";
    if (file.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    const auto end = file.rfind(marker);
    if (end == std::string::npos || end < prefix.size()) return std::nullopt;
    return file.substr(prefix.size(), end - prefix.size());
}

std::string undo_go_html_escape(std::string_view text) {
    static const std::map<std::string_view, std::string_view> escapes = {
        {"\\u003c", "<"}, {"\\u003e", ">"}, {"\\u0026", "&"}, {"\\u2028", "\xE2\x80\xA8"}, {"\\u2029", "\xE2\x80\xA9"}};
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out.push_back(text[i++]);
            continue;
        }
        const auto found = escapes.find(text.substr(i, 6));
        if (found != escapes.end()) {
            out.append(found->second);
            i += 6;
        } else {
            out.append(text.substr(i, 2));
            i += 2;
        }
    }
    return out;
}

std::vector<PemBlock> split_pem(const std::string& text) {
    std::vector<PemBlock> blocks;
    std::optional<PemBlock> block;
    bool in_headers = false;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.rfind("-----BEGIN ", 0) == 0) {
            block = PemBlock{};
            in_headers = true;
        } else if (line.rfind("-----END ", 0) == 0) {
            if (block) blocks.push_back(*block);
            block.reset();
        } else if (block && in_headers && line.find(": ") != std::string::npos) {
            block->headers[line.substr(0, line.find(": "))] = line.substr(line.find(": ") + 2);
        } else if (block) {
            in_headers = false;
            block->body += line;
        }
    }
    return blocks;
}

std::string pem_without_headers(const PemBlock& block, const std::string& label) {
    std::string out = "-----BEGIN " + label + "-----\n";
    for (std::size_t i = 0; i < block.body.size(); i += 64) out += block.body.substr(i, 64) + "\n";
    return out + "-----END " + label + "-----\n";
}

::testing::AssertionResult same_bytes(const std::string& actual, const std::string& expected) {
    if (actual == expected) return ::testing::AssertionSuccess();
    std::size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
    const std::size_t from = at < 40 ? 0 : at - 40;
    return ::testing::AssertionFailure() << "sizes " << actual.size() << " vs expected " << expected.size()
                                         << ", first difference at byte " << at << ":\n  actual:   ..."
                                         << ::testing::PrintToString(actual.substr(from, 80)) << "\n  expected: ..."
                                         << ::testing::PrintToString(expected.substr(from, 80));
}

bool meta_matches(const MetaFile& meta, const std::string& bytes) {
    const auto sha256 = meta.hashes.find("sha256");
    const auto sha512 = meta.hashes.find("sha512");
    return meta.length && *meta.length == bytes.size() && sha256 != meta.hashes.end() && sha512 != meta.hashes.end() &&
           sha256->second == core::sha256(core::as_bytes(bytes)) &&
           sha512->second == core::sha512(core::as_bytes(bytes));
}

}  // namespace tufkey::tuf::vectors
