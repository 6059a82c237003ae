#include "tufkey/ceremony/transcript.h"

#include <chrono>
#include <filesystem>

#include "tufkey/core/atomic_file.h"
#include "tufkey/core/digest.h"
#include "tufkey/core/encoding.h"
#include "tufkey/tuf/expiry.h"
#include "tufkey/tuf/key_id.h"
#include "transcript_lines.h"

namespace tufkey::ceremony {
namespace {

using tuf::Json;
using tuf::JsonArray;
using tuf::JsonObject;

const std::string& kZeroHash = detail::kTranscriptZeroHash;

std::string hash_line(std::string_view line) { return detail::transcript_line_hash(line); }

std::string now_text() {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return tuf::format_rfc3339_nano(now, 0);
}

std::vector<std::string> split_lines(std::string_view contents) { return detail::transcript_lines(contents); }

core::Error line_error(std::size_t n, const std::string& what) {
    return core::Error(core::ErrorCode::trust, "transcript line " + std::to_string(n) + ": " + what);
}

// The message a head signature signs: the domain, then the canonical JSON of the whole
// head-signature line without its "signatures" member (so its head, seq, time, gun and
// version are covered too, and the line cannot be edited without breaking the signature).
std::string head_message(JsonObject line) {
    line.erase("signatures");
    return std::string(kTranscriptDomain) + tuf::canonical_json(Json(std::move(line)));
}

core::Result<void> check_head_signature(std::size_t n, const Json& line, const std::string& expected_head,
                                        const std::vector<core::PublicKey>& trusted, TranscriptReport& report) {
    const Json* head = line.find("head");
    const Json* sigs = line.find("signatures");
    if (head == nullptr || !head->is_string() || head->as_string() != expected_head)
        return line_error(n, "head signature names another head than the line before it");
    if (sigs == nullptr || !sigs->is_array() || sigs->as_array().empty())
        return line_error(n, "head signature has no signatures");
    const std::string message = head_message(line.as_object());
    for (const Json& s : sigs->as_array()) {
        const Json* pem = s.find("public_key");
        const Json* sig = s.find("sig");
        if (pem == nullptr || !pem->is_string() || sig == nullptr || !sig->is_string())
            return line_error(n, "malformed head signature");
        auto spki = core::base64_decode(pem->as_string());
        if (!spki) return line_error(n, "unreadable public key");
        auto key = core::PublicKey::from_spki_der(*spki);
        if (!key) return line_error(n, "unreadable public key: " + key.error().message);
        bool known = false;
        for (const auto& t : trusted) known = known || t == *key;
        if (!known)
            return line_error(n, "head signed by key " + tuf::notary_canonical_key_id(*key) +
                                     ", which is not a root key of the repository");
        auto raw = core::base64_decode(sig->as_string());
        if (!raw || !key->verify(natural_scheme(*key), core::as_bytes(message), *raw).ok())
            return line_error(n, "head signature by " + tuf::notary_canonical_key_id(*key) +
                                     " does not verify (the line was changed)");
        report.signer_key_ids.push_back(tuf::notary_canonical_key_id(*key));
    }
    ++report.head_signatures;
    return core::success();
}

// A transcript-merge line: each embedded foreign line hashes to the hash it is listed with, and
// the foreign head is the last one listed.
core::Result<void> check_merge_line(std::size_t n, const Json& line) {
    const Json* entries = line.find("foreign_lines");
    const Json* head = line.find("foreign_head");
    if (entries == nullptr || !entries->is_array() || entries->as_array().empty() || head == nullptr ||
        !head->is_string())
        return line_error(n, "transcript-merge line without foreign_lines or foreign_head");
    for (const Json& entry : entries->as_array()) {
        const Json* sha = entry.find("sha256");
        if (!entry.is_object() || sha == nullptr || !sha->is_string())
            return line_error(n, "transcript-merge entry without sha256");
        const Json* embedded = entry.find("line");
        if (embedded != nullptr && hash_line(tuf::canonical_json(*embedded)) != sha->as_string())
            return line_error(n, "an embedded line does not hash to its listed sha256 (it was changed)");
    }
    if (entries->as_array().back().find("sha256")->as_string() != head->as_string())
        return line_error(n, "foreign_head is not the last embedded line");
    return core::success();
}

}  // namespace

namespace detail {

std::string transcript_line_hash(std::string_view line) { return core::hex_encode(core::sha256(core::as_bytes(line))); }

std::vector<std::string> transcript_lines(std::string_view contents) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < contents.size()) {
        auto end = contents.find('\n', start);
        if (end == std::string_view::npos) end = contents.size();
        if (end > start) lines.emplace_back(contents.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace detail

core::SignatureScheme natural_scheme(const core::PublicKey& key) {
    switch (key.algorithm()) {
        case core::KeyAlgorithm::ecdsa_p384:
            return {core::HashAlgorithm::sha384, core::SignatureEncoding::ecdsa_der};
        case core::KeyAlgorithm::ed25519:
            return {core::HashAlgorithm::sha256, core::SignatureEncoding::ed25519};
        case core::KeyAlgorithm::rsa:
            return {core::HashAlgorithm::sha256, core::SignatureEncoding::rsa_pss};
        case core::KeyAlgorithm::ecdsa_p256:
            break;
    }
    return {core::HashAlgorithm::sha256, core::SignatureEncoding::ecdsa_der};
}

core::Result<std::vector<std::string>> Transcript::read_lines(const keystore::HomeTransaction& tx) const {
    TUFKEY_TRY(auto contents, tx.read(m_file, kMaxTranscriptSize));
    if (!contents) return std::vector<std::string>{};
    return split_lines(*contents);
}

void Transcript::complete(const std::vector<std::string>& lines, std::string_view step, JsonObject& fields) const {
    fields["gun"] = m_gun;
    fields["prev"] = lines.empty() ? kZeroHash : hash_line(lines.back());
    fields["seq"] = static_cast<std::int64_t>(lines.size() + 1);
    fields["step"] = std::string(step);
    fields["time"] = now_text();
    fields["tufkey"] = std::string(TUFKEY_VERSION);
}

core::Result<void> Transcript::write_with(keystore::HomeTransaction& tx, std::vector<std::string> lines,
                                          const JsonObject& fields) const {
    std::string line = tuf::canonical_json(Json(fields));
    if (line.find_first_of("\r\n") != std::string::npos)
        return core::Error(core::ErrorCode::internal, "a transcript field holds a line break");
    lines.push_back(std::move(line));
    return write_lines(tx, lines);
}

core::Result<void> Transcript::write_lines(keystore::HomeTransaction& tx, const std::vector<std::string>& lines) const {
    std::string contents;
    for (const auto& l : lines) contents += l + "\n";
    if (contents.size() > kMaxTranscriptSize)
        return core::Error(core::ErrorCode::refused, "the transcript " + m_file.string() + " would exceed " +
                                                         std::to_string(kMaxTranscriptSize >> 20) +
                                                         " MiB: keep a copy and start a new one");
    tx.write(m_file, std::move(contents), 0600);
    return core::success();
}

core::Result<void> Transcript::append(keystore::HomeTransaction& tx, std::string_view step, JsonObject fields) {
    TUFKEY_TRY(auto lines, read_lines(tx));
    complete(lines, step, fields);
    return write_with(tx, std::move(lines), fields);
}

core::Result<void> Transcript::sign_head(keystore::HomeTransaction& tx, std::vector<core::Signer*> signers) {
    TUFKEY_TRY(auto lines, read_lines(tx));
    if (lines.empty()) return core::Error(core::ErrorCode::internal, "cannot sign an empty transcript");
    JsonObject fields{{"head", hash_line(lines.back())}};
    complete(lines, "head-signature", fields);
    const std::string message = head_message(fields);
    JsonArray sigs;
    for (core::Signer* signer : signers) {
        TUFKEY_TRY(auto sig, signer->sign(natural_scheme(signer->public_key()), core::as_bytes(message)));
        sigs.push_back(JsonObject{{"key_id", tuf::notary_canonical_key_id(signer->public_key())},
                                  {"public_key", core::base64_encode(signer->public_key().spki_der())},
                                  {"sig", core::base64_encode(sig)}});
    }
    fields["signatures"] = std::move(sigs);
    return write_with(tx, std::move(lines), fields);
}

core::Result<TranscriptReport> verify_transcript(std::string_view contents,
                                                 const std::vector<core::PublicKey>& trusted_keys) {
    TranscriptReport report;
    std::string prev = kZeroHash;
    auto lines = split_lines(contents);
    if (lines.empty()) return core::Error(core::ErrorCode::trust, "the transcript is empty");
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::size_t n = i + 1;
        auto json = tuf::parse_json(lines[i]);
        if (!json) return line_error(n, json.error().message);
        if (tuf::canonical_json(*json) != lines[i]) return line_error(n, "not in canonical form (edited?)");
        const Json* seq = json->find("seq");
        const Json* p = json->find("prev");
        const Json* step = json->find("step");
        if (seq == nullptr || !seq->is_int() || seq->as_int() != static_cast<std::int64_t>(n))
            return line_error(n, "sequence number is not " + std::to_string(n) + " (a line was removed or moved)");
        if (p == nullptr || !p->is_string() || p->as_string() != prev) {
            if (n == 1) return line_error(n, "prev is not 64 zeros (the first line was changed)");
            return line_error(n, "does not chain to line " + std::to_string(n - 1) + " (line " + std::to_string(n - 1) +
                                     " or this line's prev was changed)");
        }
        if (step != nullptr && step->is_string() && step->as_string() == "head-signature")
            TUFKEY_TRY_VOID(check_head_signature(n, *json, prev, trusted_keys, report));
        if (step != nullptr && step->is_string() && step->as_string() == "transcript-merge")
            TUFKEY_TRY_VOID(check_merge_line(n, *json));
        prev = hash_line(lines[i]);
    }
    report.lines = lines.size();
    return report;
}

}  // namespace tufkey::ceremony
