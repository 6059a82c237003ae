#include "staged_root_output.h"

#include <fmt/core.h>

namespace tufkey::cli {

JsonValue to_json(const ceremony::StagedRootSummary& s) {
    return JsonValue::object()
        .set("version", s.version)
        .set("signed", JsonValue::object()
                           .set("old", s.old_signed)
                           .set("old_threshold", s.old_threshold)
                           .set("new", s.new_signed)
                           .set("new_threshold", s.new_threshold))
        .set("complete", s.old_signed >= s.old_threshold && s.new_signed >= s.new_threshold)
        .set("promoted", s.promoted)
        .set("change", JsonValue::strings(s.change));
}

void print_staged_root(const ceremony::StagedRootSummary& s, const std::string& gun, const std::string& bundle) {
    const bool complete = s.old_signed >= s.old_threshold && s.new_signed >= s.new_threshold;
    fmt::print("  staged root version {}: signed by {} of {} old and {} of {} new root keys\n", s.version, s.old_signed,
               s.old_threshold, s.new_signed, s.new_threshold);
    if (s.promoted) {
        fmt::print("Root version {} of {} is now in use: publish it with 'tufkey publish {}'\n", s.version, gun, gun);
    } else if (complete) {
        fmt::print(
            "Both thresholds are met: import the bundle where the snapshot and timestamp keys of {} are "
            "('tufkey bundle import {}')\n",
            gun, bundle);
    } else {
        fmt::print(
            "Collect the other signatures: 'tufkey bundle export {} -o FILE', then 'tufkey root sign FILE "
            "--key URI' at each root token\n",
            gun);
    }
}

}  // namespace tufkey::cli
