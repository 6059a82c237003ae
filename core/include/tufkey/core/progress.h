// Progress of long work (many tags, many files, a large file to hash), for the person at a
// terminal. The CLI hands a reporter down only when stderr is a terminal and --json is off
// (cli/src/interaction.h); everywhere else the pointer is null and nothing is reported, so no
// script, log or JSON output ever sees it.
#pragma once

#include <cstdint>
#include <string_view>

namespace tufkey::core {

class Progress {
public:
    virtual ~Progress() = default;
    Progress() = default;
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // `what` has reached `done` of `total` units (total 0: not known). Cheap to call often.
    virtual void update(std::string_view what, std::uint64_t done, std::uint64_t total) = 0;
    // The work is over: the line goes away.
    virtual void finish() = 0;
};

inline void report_progress(Progress* progress, std::string_view what, std::uint64_t done, std::uint64_t total) {
    if (progress != nullptr) progress->update(what, done, total);
}

}  // namespace tufkey::core
