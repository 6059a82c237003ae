#include "pin_check.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/dialect_profile.h"
#include "tufkey/tuf/envelope.h"

namespace tufkey::ceremony::detail {
namespace {

struct RootSummary final {
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::uint64_t version = 0;
    std::vector<std::string> root_keys;  // canonical IDs, sorted
};

std::optional<RootSummary> summarize(std::string_view bytes) {
    auto profile = tuf::DialectProfile::detect(bytes);
    if (!profile) return std::nullopt;
    RootSummary out;
    out.dialect = (*profile)->dialect();
    auto envelope = tuf::parse_envelope(out.dialect, bytes, "root");
    if (!envelope) return std::nullopt;
    auto root = tuf::decode_root(out.dialect, envelope->signed_part);
    if (!root) return std::nullopt;
    out.version = static_cast<std::uint64_t>(root->version.value());
    for (const auto& id : root->root.keyids) {
        auto key = root->keys.find(id);
        if (key != root->keys.end()) out.root_keys.push_back(key->second.canonical_id().str());
    }
    std::sort(out.root_keys.begin(), out.root_keys.end());
    return out;
}

std::string describe(const RootSummary& r) {
    std::string keys;
    for (const auto& id : r.root_keys) keys += (keys.empty() ? "" : ", ") + id.substr(0, 12);
    return "version " + std::to_string(r.version) + ", root key" + (r.root_keys.size() == 1 ? " " : "s ") +
           (keys.empty() ? "(none)" : keys);
}

std::string next_step(std::string_view gun) {
    return "pin the root.json from " + std::string(gun) + "'s root ceremony (tufkey/" + std::string(gun) +
           "/roots/1.root.json in the home that ran 'tufkey init', carried out with the transcript)";
}

}  // namespace

core::Result<void> check_pin_dialect(std::string_view pin, std::string_view pin_name, std::string_view served,
                                     std::string_view where, std::string_view gun) {
    auto pinned = tuf::DialectProfile::detect(pin);
    auto theirs = tuf::DialectProfile::detect(served);
    if (!pinned || !theirs || (*pinned)->dialect() == (*theirs)->dialect()) return core::success();
    return core::Error(core::TrustReason::dialect_mismatch,
                       "the pinned root " + std::string(pin_name) + " is a " + (*pinned)->name() +
                           "-dialect root, but " + std::string(where) + " holds " + std::string(gun) + " in the " +
                           (*theirs)->name() + " dialect: " + next_step(gun));
}

core::Error explain_pin_failure(core::Error failure, std::string_view pin, std::string_view pin_name,
                                std::string_view served, std::string_view where, std::string_view gun) {
    const auto pinned = summarize(pin);
    const auto theirs = summarize(served);
    if (!pinned || !theirs) return failure;
    const bool shared = std::any_of(pinned->root_keys.begin(), pinned->root_keys.end(), [&](const std::string& id) {
        return std::binary_search(theirs->root_keys.begin(), theirs->root_keys.end(), id);
    });
    if (shared) return failure;
    core::Error out = failure;
    out.message = "the pinned root " + std::string(pin_name) + " (" + describe(*pinned) + ") is not a root of " +
                  std::string(gun) + " as " + std::string(where) + " serves it (" + describe(*theirs) +
                  "; no root key in common): " + next_step(gun);
    return out;
}

}  // namespace tufkey::ceremony::detail
