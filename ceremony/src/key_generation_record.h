// Internal: how a ceremony transcript records a key generated on a token (init, rotate root):
// the template profile the token accepted, the profiles it refused before it, and the private
// key's attributes as read back (pkcs11/keys.h, KeyGeneration).
//
//   {"template_profile": "token-usages", "refused_profiles": {"strict": "CKR_GENERAL_ERROR"},
//    "attributes_read_back": {"CKA_LOCAL": "true", "CKA_SENSITIVE": "true", ...}}
#pragma once

#include <string>

#include "tufkey/pkcs11/keys.h"
#include "tufkey/tuf/json.h"

namespace tufkey::ceremony::detail {

inline tuf::JsonObject key_generation_json(const pkcs11::KeyGeneration& generation) {
    tuf::JsonObject refused;
    for (const auto& [profile, rv] : generation.refused) refused[std::string(pkcs11::to_string(profile))] = rv;
    tuf::JsonObject attributes;
    for (const auto& [name, value] : generation.attributes) attributes[name] = value;
    return tuf::JsonObject{{"template_profile", std::string(pkcs11::to_string(generation.profile))},
                           {"refused_profiles", std::move(refused)},
                           {"attributes_read_back", std::move(attributes)}};
}

}  // namespace tufkey::ceremony::detail
