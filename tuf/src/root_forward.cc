#include "tufkey/tuf/root_forward.h"

#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/trusted_set.h"

namespace tufkey::tuf {
namespace {

struct ParsedRoot final {
    std::int64_t version = 0;
    std::string body;
};

core::Result<ParsedRoot> parse_root(Dialect dialect, std::string_view bytes, std::string_view context) {
    TUFKEY_TRY(auto set, TrustedSet::create(dialect, bytes, std::chrono::system_clock::now()));
    TUFKEY_TRY(auto envelope, parse_envelope(dialect, bytes, context));
    return ParsedRoot{set.root().version.value(), envelope.signing_bytes()};
}

std::string v(std::int64_t version) { return "version " + std::to_string(version); }

core::Error refused(const std::string& problem, std::string_view start_over) {
    return core::Error(core::ErrorCode::refused, problem + "; trusted roots only move forward, so nothing was " +
                                                     "changed. To start over on purpose, " + std::string(start_over));
}

}  // namespace

core::Result<RootPin> compare_root_pin(Dialect dialect, std::string_view trusted, std::string_view candidate,
                                       std::string_view what, std::string_view start_over) {
    TUFKEY_TRY(auto t, parse_root(dialect, trusted, "trusted root"));
    TUFKEY_TRY(auto c, parse_root(dialect, candidate, "pinned root"));
    if (c.version < t.version)
        return refused(
            "the pinned root is " + v(c.version) + ", older than " + std::string(what) + " (" + v(t.version) + ")",
            start_over);
    if (c.version == t.version && c.body != t.body)
        return refused("the pinned root is " + v(c.version) + " but differs from " + std::string(what) + " (" +
                           v(t.version) + "): a fork",
                       start_over);
    return RootPin{t.version, c.version, std::move(c.body)};
}

core::Result<void> check_pin_reached(Dialect dialect, const RootPin& pin,
                                     const std::map<std::uint64_t, std::string>& chain, std::string_view what,
                                     std::string_view start_over) {
    if (pin.same()) return core::success();
    auto it = chain.find(static_cast<std::uint64_t>(pin.candidate_version));
    if (it != chain.end()) {
        auto envelope = parse_envelope(dialect, it->second, "root");
        if (envelope && envelope->signing_bytes() == pin.candidate_body) return core::success();
    }
    return refused("the pinned root (" + v(pin.candidate_version) + ") is not reachable from " + std::string(what) +
                       " (" + v(pin.trusted_version) + ") through the root chain the source serves",
                   start_over);
}

core::Result<bool> check_root_successor(Dialect dialect, std::string_view trusted, std::string_view candidate,
                                        Instant now, std::string_view what, std::string_view start_over) {
    TUFKEY_TRY(auto pin, compare_root_pin(dialect, trusted, candidate, what, start_over));
    if (pin.same()) return false;
    if (pin.candidate_version != pin.trusted_version + 1)
        return refused("the new root is " + v(pin.candidate_version) + " but " + std::string(what) + " is " +
                           v(pin.trusted_version) + ", and the versions between cannot be checked here (run " +
                           "'refresh' to follow the chain from the trusted root)",
                       start_over);
    TUFKEY_TRY(auto set, TrustedSet::create(dialect, trusted, now));
    if (auto updated = set.update_root(candidate); !updated)
        return refused("the new root (" + v(pin.candidate_version) + ") is not signed by the threshold of " +
                           std::string(what) + " (" + v(pin.trusted_version) + "): " + updated.error().message,
                       start_over);
    return true;
}

}  // namespace tufkey::tuf
