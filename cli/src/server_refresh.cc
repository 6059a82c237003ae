#include "server_refresh.h"

#include <fmt/core.h>

#include "ceremony_context.h"
#include "output.h"
#include "tufkey/ceremony/pull.h"

namespace tufkey::cli {

core::Result<void> refresh_server_copy(const GlobalOptions& globals, const std::string& gun) {
    TUFKEY_TRY(auto context, CeremonyContext::create(globals));
    TUFKEY_TRY(auto refresh, ceremony::refresh_from_server(
                                 context->access(), gun,
                                 {globals.tls_ca, globals.tls_client_cert, globals.tls_client_key}, globals.offline));
    if (refresh.skipped_for_staged_changes)
        print_warning(
            fmt::format("{} has signed changes waiting for 'tufkey publish {}': showing the copy in this home "
                        "(the server's may be newer)",
                        gun, gun));
    else if (refresh.pulled && refresh.pulled->changed)
        fmt::print(stderr, "{}: the server had newer trust data; pulled and verified it\n", gun);
    return core::success();
}

}  // namespace tufkey::cli
