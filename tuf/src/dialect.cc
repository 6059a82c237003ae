#include "tufkey/tuf/dialect.h"

#include <string>

namespace tufkey::tuf {

const char* to_string(Dialect dialect) noexcept { return dialect == Dialect::notary ? "notary" : "tuf"; }

core::Result<Dialect> parse_dialect(std::string_view text) {
    if (text == "notary") return Dialect::notary;
    if (text == "tuf") return Dialect::tuf;
    return core::Error(core::ErrorCode::usage, "unknown dialect \"" + std::string(text) + "\": use notary or tuf");
}

}  // namespace tufkey::tuf
