#include "tufkey/core/interaction.h"

namespace tufkey::core {

std::string env_text(const EnvLookup& env, const std::string& name) {
    if (!env) return {};
    auto value = env(name);
    return value ? std::string(value->reveal_as_chars()) : std::string();
}

}  // namespace tufkey::core
