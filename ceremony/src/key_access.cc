#include "tufkey/ceremony/key_access.h"

#include <filesystem>

#include "tufkey/keystore/key_file.h"
#include "tufkey/pkcs11/module.h"
#include "tufkey/pkcs11/session.h"
#include "tufkey/pkcs11/token_signer.h"
#include "tufkey/pkcs11/uri.h"
#include "tufkey/tuf/key_id.h"

namespace tufkey::ceremony {
namespace {

bool key_matches(const pkcs11::KeyObject& key, const pkcs11::Uri& uri) {
    if (!key.has_private_key) return false;
    if (uri.object && key.label != *uri.object) return false;
    if (uri.id && key.id != *uri.id) return false;
    return true;
}

core::Result<void> check_generated_on_token(const pkcs11::KeyObject& key) {
    if (key.attributes && key.attributes->generated_on_token()) return core::success();
    return core::Error(core::ErrorCode::token,
                       "key " + key.describe() + " was not generated on the token or can leave it " +
                           "(CKA_LOCAL, CKA_NEVER_EXTRACTABLE and CKA_ALWAYS_SENSITIVE must hold): " +
                           "a root key must be made on the token; generate one with 'tufkey token generate'");
}

}  // namespace

std::optional<std::string> configured_module_path(const ModuleSettings& settings, const pkcs11::Uri* uri) {
    if (!settings.option.empty()) return settings.option;
    if (uri != nullptr && uri->module_path && !uri->module_path->empty()) return *uri->module_path;
    if (!settings.environment.empty()) return settings.environment;
    return std::nullopt;
}

core::Result<std::shared_ptr<pkcs11::Module>> open_module(const ModuleSettings& settings, const std::string& path) {
    auto module = pkcs11::Module::open(path);
    if (module || !module.error().ck_rv || path.find("softhsm") == std::string::npos) return module;
    auto store = pkcs11::missing_softhsm_store(settings.softhsm_conf);
    if (!store) return module;
    core::Error error = module.error();
    error.message = "cannot initialise PKCS#11 module " + path + ": " + *store;
    return error;
}

core::Result<std::string> module_path_for(const KeyAccess& access, const pkcs11::Uri* uri) {
    if (auto configured = configured_module_path(access.module, uri)) return *configured;
    return pkcs11::resolve_module_path("");
}

core::Result<std::shared_ptr<pkcs11::Session>> open_token_session(KeyAccess& access, const pkcs11::Uri& uri,
                                                                  bool read_write, Login login) {
    TUFKEY_TRY(auto path, module_path_for(access, &uri));
    TUFKEY_TRY(auto module, open_module(access.module, path));
    TUFKEY_TRY(auto slot, pkcs11::select_token(module, uri));
    TUFKEY_TRY(auto session, pkcs11::Session::open(slot, read_write));
    if (login == Login::always || session->token().flags.login_required) {
        TUFKEY_TRY(auto report, session->login(access.pins));
        for (const auto& w : report.warnings) access.warn(w);
    }
    return session;
}

bool token_present(KeyAccess& access, const std::string& uri) {
    auto parsed = pkcs11::Uri::parse(uri);
    if (!parsed) return false;
    auto path = module_path_for(access, &*parsed);
    if (!path) return false;
    auto module = open_module(access.module, *path);
    return module && pkcs11::select_token(*module, *parsed).ok();
}

core::Result<bool> KeyAccess::confirm(std::string_view question) const {
    if (assume_yes) return true;
    auto& terminal = passphrases.terminal();
    if (!terminal.interactive())
        return core::Error(core::ErrorCode::usage,
                           std::string(question) + " (no terminal to ask: pass --yes to confirm)");
    return terminal.confirm(question);
}

core::Result<PreparedTokenKey> prepare_token_key(KeyAccess& access, const TokenKeyRequest& request) {
    TUFKEY_TRY(auto uri, pkcs11::Uri::parse(request.uri));
    TUFKEY_TRY(auto session, open_token_session(access, uri, request.generate, Login::always));
    TUFKEY_TRY(auto keys, pkcs11::list_keys(*session));
    std::optional<pkcs11::KeyObject> found;
    std::size_t matches = 0;
    for (const auto& key : keys) {
        if (key_matches(key, uri)) {
            found = key;
            ++matches;
        }
    }
    if (matches == 0 && request.generate) {
        if (!uri.object)
            return core::Error(core::ErrorCode::usage, "no key on token " + session->token().describe() +
                                                           " matches the URI; to generate one, name it with "
                                                           "object=LABEL");
        TUFKEY_TRY(bool yes, access.confirm("Generate a new " + std::string(core::to_string(request.type)) + " key '" +
                                            *uri.object + "' on token " + session->token().describe() + "?"));
        if (!yes) return core::Error(core::ErrorCode::refused, "key generation declined; nothing was changed");
    } else if (matches != 1) {
        TUFKEY_TRY(auto key, pkcs11::find_key(*session, uri));  // its error lists what is there
        found = std::move(key);
    }
    if (found && request.require_on_token) TUFKEY_TRY_VOID(check_generated_on_token(*found));
    return PreparedTokenKey{std::move(session), std::move(uri), std::move(found), request};
}

core::Result<TokenKey> finish_token_key(PreparedTokenKey prepared) {
    bool generated = false;
    if (!prepared.existing) {
        pkcs11::KeyGenRequest generate;
        generate.type = prepared.request.type;
        generate.label = *prepared.uri.object;
        if (prepared.uri.id) generate.id = *prepared.uri.id;
        TUFKEY_TRY(auto key, pkcs11::generate_key_pair(*prepared.session, generate));
        prepared.existing = std::move(key);
        generated = true;
        if (prepared.request.require_on_token) TUFKEY_TRY_VOID(check_generated_on_token(*prepared.existing));
    }
    const pkcs11::KeyObject& key = *prepared.existing;
    TUFKEY_TRY(auto signer, pkcs11::TokenSigner::create(prepared.session, key));
    TokenKey out{std::move(signer), prepared.session->token(), key, key.uri.to_string(), generated};
    return out;
}

core::Result<TokenKey> open_token_key(KeyAccess& access, const TokenKeyRequest& request) {
    TUFKEY_TRY(auto prepared, prepare_token_key(access, request));
    return finish_token_key(std::move(prepared));
}

core::Result<PreparedFileKey> prepare_file_key(KeyAccess& access, const std::string& role, const std::string& gun,
                                               core::KeyType type) {
    TUFKEY_TRY(auto signer, core::SoftwareSigner::generate(type));
    std::string id = tuf::notary_canonical_key_id(signer->public_key());
    keystore::KeyHeaders headers;
    headers.role = role;
    if (keystore::role_needs_gun(role)) headers.gun = gun;
    auto file = access.home.private_dir() / (id + ".key");
    TUFKEY_TRY(auto passphrase, access.passphrases.new_passphrase({role, id, file.string()}));
    TUFKEY_TRY(auto pem, keystore::encrypt_key_pem(*signer, passphrase, headers));
    keystore::StoredKey stored{id, role, headers.gun, file, keystore::KeyLayout::flat};
    return PreparedFileKey{std::move(signer), std::move(stored), std::move(pem)};
}

core::Result<FileKey> store_file_key(KeyAccess& access, keystore::HomeTransaction& tx, PreparedFileKey prepared) {
    TUFKEY_TRY_VOID(access.home.write_key(tx, prepared.stored, prepared.pem));
    prepared.signer->set_description(prepared.stored.file.string());
    return FileKey{std::move(prepared.signer), prepared.stored.id};
}

core::Result<FileKey> create_file_key(KeyAccess& access, keystore::HomeTransaction& tx, const std::string& role,
                                      const std::string& gun, core::KeyType type) {
    TUFKEY_TRY(auto prepared, prepare_file_key(access, role, gun, type));
    return store_file_key(access, tx, std::move(prepared));
}

core::Result<std::unique_ptr<core::SoftwareSigner>> open_file_key(KeyAccess& access, const std::string& id) {
    TUFKEY_TRY(auto stored, access.home.find_key(id));
    return keystore::load_signer(access.home, access.passphrases, stored);
}

bool has_file_key(const keystore::TrustHome& home, const std::string& id) { return home.find_key(id).ok(); }

}  // namespace tufkey::ceremony
