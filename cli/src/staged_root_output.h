// Output of a staged root rotation (bundle import, root sign): JSON and the lines for people.
#pragma once

#include <string>

#include "json.h"
#include "tufkey/ceremony/bundle.h"

namespace tufkey::cli {

JsonValue to_json(const ceremony::StagedRootSummary& s);

// "Staged root version N: signed by ..." and the next step, on stdout.
void print_staged_root(const ceremony::StagedRootSummary& s, const std::string& gun, const std::string& bundle);

}  // namespace tufkey::cli
