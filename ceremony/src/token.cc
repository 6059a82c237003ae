#include "tufkey/ceremony/token.h"

#include <unistd.h>

#include "tufkey/core/encoding.h"
#include "tufkey/pkcs11/keys.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token.h"
#include "tufkey/pkcs11/uri.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;

// A PKCS#11 URI, or a bare token label; "" names no token (the only one).
Result<pkcs11::Uri> token_uri(std::string_view text) {
    if (text.empty()) return pkcs11::Uri{};
    if (!text.starts_with("pkcs11:")) {
        pkcs11::Uri uri;
        uri.token = std::string(text);
        return uri;
    }
    return pkcs11::Uri::parse(text);
}

TokenSlotReport slot_report(const std::string& module, const pkcs11::SlotInfo& slot) {
    TokenSlotReport out;
    out.module = module;
    out.slot_id = slot.id;
    out.slot_description = slot.description;
    out.token_present = slot.token.has_value();
    if (slot.token) {
        const auto& t = *slot.token;
        out.initialized = t.flags.initialized;
        out.label = t.label;
        out.serial = t.serial;
        out.model = t.model;
        out.manufacturer = t.manufacturer;
        out.flags = t.flags.names();
        out.uri = t.uri().to_string();
    }
    return out;
}

ModuleReport module_report(const ModuleSettings& settings, const std::string& path) {
    ModuleReport report;
    report.path = path;
    auto module = open_module(settings, path);
    if (!module) {
        report.problem = module.error().message;
        report.unusable = true;
        return report;
    }
    const auto& info = (*module)->info();
    report.manufacturer = info.manufacturer;
    report.description = info.description;
    report.library_version = info.library_version;
    auto slots = pkcs11::list_slots(**module);
    if (!slots) {
        report.problem = slots.error().message;
        return report;
    }
    for (const auto& slot : *slots) report.slots.push_back(slot_report(path, slot));
    return report;
}

TokenKeyReport key_report(const pkcs11::KeyObject& key) {
    TokenKeyReport out;
    if (key.public_key) {
        out.canonical_id = tuf::notary_canonical_key_id(*key.public_key);
        out.tuf_id = tuf::Key::tuf(*key.public_key).id().str();
    }
    out.label = key.label;
    out.ck_id = core::hex_encode(key.id);
    out.type = key.type;
    out.uri = key.uri.to_string();
    out.has_private_key = key.has_private_key;
    if (key.attributes) {
        out.attributes = key.attributes->names();
        out.generated_on_token = key.attributes->generated_on_token();
    }
    return out;
}

Result<pkcs11::KeyGenRequest> keygen_request(const TokenGenerateRequest& request) {
    pkcs11::KeyGenRequest out;
    out.type = request.type;
    out.label = request.label;
    if (!request.id.empty()) {
        auto id = core::hex_decode(request.id);
        if (!id || id->empty()) return Error(ErrorCode::usage, "--id must be hex digits, e.g. 01");
        out.id = std::move(*id);
    }
    return out;
}

}  // namespace

Result<TokenListReport> list_tokens(const ModuleSettings& settings) {
    TokenListReport report;
    if (auto configured = configured_module_path(settings, nullptr)) {
        report.modules.push_back(module_report(settings, *configured));
        if (report.modules.front().problem) return Error(ErrorCode::token, *report.modules.front().problem);
        return report;
    }
    for (const auto& path : pkcs11::default_module_paths()) {
        if (::access(path.c_str(), F_OK) != 0) continue;  // not installed
        report.modules.push_back(module_report(settings, path));
    }
    return report;
}

Result<TokenKeysReport> list_token_keys(KeyAccess& access, std::string_view token) {
    TUFKEY_TRY(auto uri, token_uri(token));
    TUFKEY_TRY(auto session, open_token_session(access, uri, false, Login::when_required));
    std::vector<pkcs11::KeyObject> keys;
    if (uri.names_object()) {
        TUFKEY_TRY(auto key, pkcs11::find_key(*session, uri));
        keys.push_back(std::move(key));
    } else {
        TUFKEY_TRY(keys, pkcs11::list_keys(*session));
    }
    TokenKeysReport report;
    report.token = session->token().describe();
    for (const auto& key : keys) report.keys.push_back(key_report(key));
    return report;
}

Result<TokenGenerateReport> generate_token_key(KeyAccess& access, const TokenGenerateRequest& request) {
    TUFKEY_TRY(auto keygen, keygen_request(request));
    TUFKEY_TRY(auto uri, token_uri(request.token));
    TUFKEY_TRY(auto path, module_path_for(access, &uri));
    TUFKEY_TRY(auto module, open_module(access.module, path));
    TUFKEY_TRY(auto slot, pkcs11::select_token(module, uri));
    TUFKEY_TRY(auto info, slot.token_info());
    TUFKEY_TRY(bool yes, access.confirm("Generate an " + std::string(core::to_string(request.type)) +
                                        " key labelled '" + request.label + "' on token " + info.describe() + "?"));
    if (!yes) return Error(ErrorCode::refused, "not confirmed; nothing was generated");
    TUFKEY_TRY(auto session, open_token_session(access, uri, true, Login::always));
    TUFKEY_TRY(auto key, pkcs11::generate_key_pair(*session, keygen));
    TokenGenerateReport report{session->token().describe(), key_report(key), {}, {}};
    if (key.generation) {
        report.template_profile = std::string(pkcs11::to_string(key.generation->profile));
        for (const auto& [profile, rv] : key.generation->refused)
            report.refused_profiles.push_back(std::string(pkcs11::to_string(profile)) + ": " + rv);
    }
    if (!report.key.generated_on_token) {
        access.warn("the token does not report key " + key.describe() +
                    " as generated on it and never extractable; tufkey will refuse it as a root key");
    }
    return report;
}

}  // namespace tufkey::ceremony
