// verify_transcript_file(): a transcript checked against its repository's root keys.
#include <filesystem>

#include "tufkey/ceremony/verify.h"
#include "tufkey/core/atomic_file.h"
#include "tufkey/tuf/json.h"

namespace tufkey::ceremony {
namespace {

core::Error trust(const std::string& message) { return core::Error(core::ErrorCode::trust, message); }

struct LineFacts final {
    std::vector<std::string> guns;        // the gun of each line ("" when absent)
    std::vector<std::string> steps;       // the step of each line ("" when absent)
    std::size_t last_head_signature = 0;  // 1-based line number; 0: none
};

// Reads what the chain check does not: each line's gun and the last head-signature line.
LineFacts line_facts(std::string_view contents) {
    LineFacts facts;
    std::size_t start = 0;
    while (start < contents.size()) {
        auto end = contents.find('\n', start);
        if (end == std::string_view::npos) end = contents.size();
        if (end > start) {
            auto json = tuf::parse_json(contents.substr(start, end - start));
            const tuf::Json* gun = json ? json->find("gun") : nullptr;
            const tuf::Json* step = json ? json->find("step") : nullptr;
            facts.guns.push_back(gun != nullptr && gun->is_string() ? gun->as_string() : std::string());
            facts.steps.push_back(step != nullptr && step->is_string() ? step->as_string() : std::string());
            if (step != nullptr && step->is_string() && step->as_string() == "head-signature")
                facts.last_head_signature = facts.guns.size();
        }
        start = end + 1;
    }
    return facts;
}

core::Result<void> check_guns(const LineFacts& facts, const std::string& gun) {
    for (std::size_t i = 0; i < facts.guns.size(); ++i) {
        if (facts.guns[i] != gun)
            return trust("transcript line " + std::to_string(i + 1) + ": names repository \"" + facts.guns[i] +
                         "\", not " + gun);
    }
    return core::success();
}

}  // namespace

core::Result<TranscriptCheck> verify_transcript_file(const keystore::TrustHome& home, const std::filesystem::path& file,
                                                     std::string gun) {
    TUFKEY_TRY(auto bytes, core::read_file(file, kMaxTranscriptSize));
    const std::string contents = core::to_string(bytes);
    const LineFacts facts = line_facts(contents);
    if (facts.guns.empty()) return trust("the transcript " + file.string() + " is empty");
    if (gun.empty()) gun = facts.guns.front();
    if (gun.empty())
        return core::Error(core::ErrorCode::usage, "transcript line 1 names no repository: pass --gun GUN");
    TUFKEY_TRY_VOID(check_gun(gun));
    Repository repo(home, gun);
    TUFKEY_TRY(auto keys, repository_root_keys(repo));
    TranscriptCheck check;
    check.gun = gun;
    TUFKEY_TRY(check.report, verify_transcript(contents, keys));
    TUFKEY_TRY_VOID(check_guns(facts, gun));
    if (check.report.head_signatures == 0) {
        return trust("transcript line " + std::to_string(facts.guns.size()) +
                     ": no line of the transcript is a head signature by a root key (the last line is not one)");
    }
    check.signed_through = facts.last_head_signature;
    check.steps = facts.steps;
    return check;
}

}  // namespace tufkey::ceremony
