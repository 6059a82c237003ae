// verify, inspect and status of a repository on a Notary server ask the server first, as the
// notary client and docker do (ceremony::refresh_from_server): a verified pull when the server
// moved on. Says so on stderr when it updated the home, and when staged changes kept it to the
// copy in the home.
#pragma once

#include <string>

#include "command.h"
#include "tufkey/core/result.h"

namespace tufkey::cli {

core::Result<void> refresh_server_copy(const GlobalOptions& globals, const std::string& gun);

}  // namespace tufkey::cli
