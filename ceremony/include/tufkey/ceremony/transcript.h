// The ceremony transcript: an append-only, hash-chained JSON-lines log of every ceremony step,
// whose head is signed by the token keys the ceremony used.
//
// Each line is the canonical JSON of one object:
//   {"gun":G,"prev":HEX,"seq":N,"step":S,"time":RFC3339,"tufkey":VERSION, ...step fields}
// where `prev` is the SHA-256 of the previous line's bytes (64 zeros for the first line) and
// step fields name token serials and labels, key IDs, and the SHA-256 of each metadata file
// read or written. A head signature is a line with step "head-signature" carrying
// {"head":HEX,"signatures":[{"key_id","public_key"(base64 DER SPKI),"sig"(base64)}]}, HEX being the
// hash of the line before it; each signature is over the domain-separated message
// "tufkey-transcript-head-v2\n" + the canonical JSON of the head-signature line WITHOUT its
// "signatures" member, so every field of the signed line (head, seq, time, ...) is covered.
// Metadata signatures are over canonical JSON, which starts with '{', so neither kind of
// signature can pass as the other.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/public_key.h"
#include "tufkey/core/result.h"
#include "tufkey/core/signer.h"
#include "tufkey/keystore/home_transaction.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/json.h"

namespace tufkey::ceremony {

inline constexpr std::string_view kTranscriptDomain = "tufkey-transcript-head-v2\n";

class Transcript final {
public:
    Transcript(std::filesystem::path file, std::string gun) : m_file(std::move(file)), m_gun(std::move(gun)) {}

    // Appends one step (fields merged into the line; reserved names are overwritten): the
    // whole file with the new line is staged in `tx`, so the line commits with the change it
    // records. Lines staged earlier in `tx` are kept.
    [[nodiscard]] core::Result<void> append(keystore::HomeTransaction& tx, std::string_view step,
                                            tuf::JsonObject fields);
    // Signs the current head (as staged in `tx`) with each signer and appends the
    // head-signature line.
    [[nodiscard]] core::Result<void> sign_head(keystore::HomeTransaction& tx, std::vector<core::Signer*> signers);

private:
    [[nodiscard]] core::Result<std::vector<std::string>> read_lines(const keystore::HomeTransaction& tx) const;
    // Sets the reserved fields of the next line after `lines`.
    void complete(const std::vector<std::string>& lines, std::string_view step, tuf::JsonObject& fields) const;
    [[nodiscard]] core::Result<void> write_with(keystore::HomeTransaction& tx, std::vector<std::string> lines,
                                                const tuf::JsonObject& fields) const;

    std::filesystem::path m_file;
    std::string m_gun;
};

struct TranscriptReport final {
    std::size_t lines = 0;
    std::size_t head_signatures = 0;          // signature lines checked
    std::vector<std::string> signer_key_ids;  // canonical key IDs that signed a head
};

// Checks a transcript file: every line canonical JSON, `seq` consecutive from 1, `prev` the
// hash of the line before, every head signature over the head it names (which must be the
// hash of the line before it) by a key in `trusted_keys`. Any failure is ErrorCode::trust
// naming the line.
core::Result<TranscriptReport> verify_transcript(std::string_view contents,
                                                 const std::vector<core::PublicKey>& trusted_keys);

// The signature scheme tufkey uses for a key outside metadata (transcripts).
core::SignatureScheme natural_scheme(const core::PublicKey& key);

}  // namespace tufkey::ceremony
