// A client over a TestRepository: MemoryFetcher + MemoryStore + tuf::Updater, one fresh
// Updater per run (as each `tufkey client` invocation is).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "test_repository.h"
#include "tufkey/tuf/updater.h"

namespace tufkey::testing {

inline ::testing::AssertionResult succeeded(const core::Result<void>& result) {
    if (result) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << result.error().message;
}

// A trust failure for exactly `reason` (the message is printed when it is not).
template <typename T>
::testing::AssertionResult refused(const core::Result<T>& result, core::TrustReason reason) {
    if (result) return ::testing::AssertionFailure() << "accepted; expected a refusal for " << core::to_string(reason);
    if (result.error().code == core::ErrorCode::trust && result.error().reason == reason)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "refused for " << core::to_string(result.error().reason) << " (expected "
                                         << core::to_string(reason) << "): " << result.error().message;
}

class Client final {
public:
    explicit Client(const TestRepository& repo) : m_fetcher(repo) { store.files["root.json"] = repo.initial_root(); }

    tuf::UpdaterLimits limits;
    MemoryStore store;

    core::Result<tuf::Updater> updater(std::chrono::hours later = std::chrono::hours(0)) {
        m_fetcher.requests.clear();
        return tuf::Updater::create(tuf::Dialect::tuf, kMemoryMetadataUrl, m_fetcher, store,
                                    std::chrono::system_clock::now() + later, limits);
    }
    core::Result<void> refresh(std::chrono::hours later = std::chrono::hours(0)) {
        auto u = updater(later);
        if (!u) return u.error();
        return u->refresh();
    }
    // Finds and downloads `path`; the verified bytes.
    core::Result<std::string> download(const std::string& path) {
        TUFKEY_TRY(tuf::Updater u, updater());
        TUFKEY_TRY(auto found, u.find_target(path));
        if (!found) return core::Error(core::ErrorCode::trust, path + ": not found");
        return u.download_target(*found, kMemoryTargetsUrl);
    }
    // Whether `path` is found; the metadata requests made are in requests().
    core::Result<bool> find(const std::string& path) {
        TUFKEY_TRY(tuf::Updater u, updater());
        TUFKEY_TRY(auto found, u.find_target(path));
        return found.has_value();
    }
    [[nodiscard]] const std::vector<std::string>& requests() const { return m_fetcher.requests; }
    // The byte cap the client gave the fetcher for `path` (0 when it never asked for it).
    [[nodiscard]] std::size_t cap(const std::string& path) const {
        auto it = m_fetcher.caps.find(path);
        return it == m_fetcher.caps.end() ? 0 : it->second;
    }
    // The requests made after the four top-level ones.
    [[nodiscard]] std::vector<std::string> delegated_requests() const {
        const auto& all = m_fetcher.requests;
        return all.size() <= 4 ? std::vector<std::string>{} : std::vector<std::string>(all.begin() + 4, all.end());
    }
    [[nodiscard]] std::int64_t version(const std::string& file_name) const { return stored_version(store, file_name); }

private:
    MemoryFetcher m_fetcher;
};

}  // namespace tufkey::testing
