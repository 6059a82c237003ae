// Transcript::merge: another machine's transcript of the same repository (carried in a bundle)
// merged into this home's, keeping one linear chain (rule: transcript.h, docs/ceremony.md).
#include <set>

#include "transcript_lines.h"
#include "tufkey/ceremony/transcript.h"

namespace tufkey::ceremony {
namespace {

using tuf::Json;
using tuf::JsonArray;
using tuf::JsonObject;

constexpr std::string_view kMergeStep = "transcript-merge";

core::Error refused_transcript(const std::string& what) {
    return core::Error(core::ErrorCode::trust, "the carried transcript is refused: " + what);
}

std::string string_member(const Json& json, std::string_view name) {
    const Json* v = json.find(name);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::string step_of(const std::string& line) {
    auto json = tuf::parse_json(line);
    return json ? string_member(*json, "step") : std::string();
}

// The foreign transcript must be a valid chain of this repository, head-signed (where it is)
// by root keys of the repository.
core::Result<void> check_foreign(std::string_view contents, const std::vector<std::string>& lines,
                                 const std::string& gun, const std::vector<core::PublicKey>& trusted_keys) {
    if (auto report = verify_transcript(contents, trusted_keys); !report)
        return refused_transcript(report.error().message);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto json = tuf::parse_json(lines[i]);
        const std::string named = json ? string_member(*json, "gun") : std::string();
        if (named != gun)
            return refused_transcript("line " + std::to_string(i + 1) + " names repository \"" + named + "\", not " +
                                      gun);
    }
    return core::success();
}

// The hash of every line this transcript holds: its own lines and the lines embedded in (or
// referenced by) its transcript-merge lines.
std::set<std::string> known_hashes(const std::vector<std::string>& lines) {
    std::set<std::string> known;
    for (const auto& line : lines) {
        known.insert(detail::transcript_line_hash(line));
        auto json = tuf::parse_json(line);
        if (!json || string_member(*json, "step") != kMergeStep) continue;
        const Json* entries = json->find("foreign_lines");
        if (entries == nullptr || !entries->is_array()) continue;
        for (const Json& entry : entries->as_array()) {
            if (const std::string h = string_member(entry, "sha256"); !h.empty()) known.insert(h);
        }
    }
    return known;
}

}  // namespace

core::Result<TranscriptMerge> Transcript::merge(keystore::HomeTransaction& tx, std::string_view foreign,
                                                const std::vector<core::PublicKey>& trusted_keys) {
    TranscriptMerge out;
    if (foreign.size() > kMaxTranscriptSize) return refused_transcript("it is larger than this home reads");
    const std::vector<std::string> theirs = detail::transcript_lines(foreign);
    if (theirs.empty()) return out;
    TUFKEY_TRY_VOID(check_foreign(foreign, theirs, m_gun, trusted_keys));
    TUFKEY_TRY(auto ours, read_lines(tx));
    std::size_t common = 0;
    while (common < ours.size() && common < theirs.size() && ours[common] == theirs[common]) ++common;
    out.common = common;
    if (common == theirs.size()) return out;
    if (common == ours.size()) {
        out.kind = ours.empty() ? TranscriptMerge::Kind::adopted : TranscriptMerge::Kind::appended;
        out.added = theirs.size() - common;
        ours.insert(ours.end(), theirs.begin() + static_cast<std::ptrdiff_t>(common), theirs.end());
        TUFKEY_TRY_VOID(write_lines(tx, ours));
        return out;
    }
    if (common == 0 && step_of(ours.front()) == "init" && step_of(theirs.front()) == "init")
        return refused_transcript(
            "it starts with another init ceremony than this home's transcript, so it is the "
            "history of another repository named " +
            m_gun);

    const std::set<std::string> known = known_hashes(ours);
    JsonArray entries;
    std::size_t embedded = 0;
    for (std::size_t i = common; i < theirs.size(); ++i) {
        const std::string hash = detail::transcript_line_hash(theirs[i]);
        if (known.contains(hash)) {
            entries.push_back(JsonObject{{"sha256", hash}});
            continue;
        }
        TUFKEY_TRY(auto line, tuf::parse_json(theirs[i]));
        entries.push_back(JsonObject{{"line", std::move(line)}, {"sha256", hash}});
        ++embedded;
    }
    if (embedded == 0) return out;
    JsonObject fields{{"common", static_cast<std::int64_t>(common)},
                      {"foreign_head", detail::transcript_line_hash(theirs.back())},
                      {"foreign_lines", std::move(entries)}};
    complete(ours, kMergeStep, fields);
    TUFKEY_TRY_VOID(write_with(tx, std::move(ours), fields));
    out.kind = TranscriptMerge::Kind::merged;
    out.added = embedded;
    return out;
}

}  // namespace tufkey::ceremony
