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
//
// A transcript travels in bundles (docs/bundle.md) and is merged into the importing home's by
// Transcript::merge (rule below and in docs/ceremony.md). When both machines appended after a
// common prefix, the home keeps its chain and appends one "transcript-merge" line:
//   {"common":K,"foreign_head":HEX,"foreign_lines":[{"line":{...},"sha256":HEX}|{"sha256":HEX}],...}
// `common` is how many leading lines both share; `foreign_lines` are the other machine's lines
// after them, in order: the line itself (its canonical JSON hashes to `sha256`) or, for a line
// this home already holds (as a line or inside an earlier merge line), only its hash;
// `foreign_head` is the hash of the other machine's last line.
#pragma once

#include <cstddef>
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
// The largest transcript file tufkey reads or writes.
inline constexpr std::size_t kMaxTranscriptSize = 256u << 20;
// The largest transcript a bundle carries (the bundle itself is at most 256 MiB, base64 inside).
inline constexpr std::size_t kMaxBundledTranscriptSize = 64u << 20;

// What Transcript::merge did.
struct TranscriptMerge final {
    enum class Kind {
        unchanged,  // nothing new: the foreign transcript is a prefix of this one, or all its lines are known
        adopted,    // this home had no transcript: the foreign one is its transcript now
        appended,   // this transcript was a prefix of the foreign one: the missing lines were appended
        merged,     // both appended after a common prefix: one transcript-merge line was appended
    };
    Kind kind = Kind::unchanged;
    std::size_t common = 0;  // leading lines both transcripts share
    std::size_t added = 0;   // lines appended (adopted, appended) or foreign lines embedded (merged)
};

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

    // Merges `foreign` (another machine's transcript of this repository, e.g. from a bundle) into
    // the transcript as staged in `tx`. `foreign` must pass verify_transcript with
    // `trusted_keys` (every line canonical and chained, head signatures by those keys) and name
    // this GUN on every line, else ErrorCode::trust naming the line. Then, with H this
    // transcript and F the foreign one:
    //   - F empty, or F a prefix of H (same lines): unchanged;
    //   - H empty: F becomes the transcript (adopted);
    //   - H a prefix of F: F's further lines are appended as they are (appended);
    //   - F's first line is an "init" step and so is H's, but they differ: another repository's
    //     history, ErrorCode::trust;
    //   - else (both appended after K >= 0 common lines; K = 0 when one side joined through
    //     pull or an import that carried no transcript): one "transcript-merge" line embeds F's
    //     lines after K (merged), or nothing happens when this home already holds all of them.
    // The result above kMaxTranscriptSize is ErrorCode::refused. Nothing is staged on error.
    [[nodiscard]] core::Result<TranscriptMerge> merge(keystore::HomeTransaction& tx, std::string_view foreign,
                                                      const std::vector<core::PublicKey>& trusted_keys);

private:
    [[nodiscard]] core::Result<std::vector<std::string>> read_lines(const keystore::HomeTransaction& tx) const;
    // Sets the reserved fields of the next line after `lines`.
    void complete(const std::vector<std::string>& lines, std::string_view step, tuf::JsonObject& fields) const;
    [[nodiscard]] core::Result<void> write_with(keystore::HomeTransaction& tx, std::vector<std::string> lines,
                                                const tuf::JsonObject& fields) const;
    [[nodiscard]] core::Result<void> write_lines(keystore::HomeTransaction& tx,
                                                 const std::vector<std::string>& lines) const;

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
// hash of the line before it) by a key in `trusted_keys`, every transcript-merge line's
// embedded lines hashing to the hashes they are listed with. Any failure is ErrorCode::trust
// naming the line.
core::Result<TranscriptReport> verify_transcript(std::string_view contents,
                                                 const std::vector<core::PublicKey>& trusted_keys);

// The signature scheme tufkey uses for a key outside metadata (transcripts).
core::SignatureScheme natural_scheme(const core::PublicKey& key);

}  // namespace tufkey::ceremony
