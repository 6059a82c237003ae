// Passphrase lookup: environment variables in SPEC.md order, then the prompt.
#include "tufkey/keystore/passphrase.h"

namespace tufkey::keystore {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

std::string short_id(const std::string& id) { return id.substr(0, 7); }

std::string describe(const KeyLabel& key) {
    std::string text = key.role + " key";
    if (!key.id.empty()) text += " " + short_id(key.id);
    if (!key.file.empty()) text += " (" + key.file + ")";
    return text;
}

std::string join(const std::vector<std::string>& items, const std::string& last_separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? last_separator : ", ";
        out += items[i];
    }
    return out;
}

}  // namespace

RoleClass classify_role(std::string_view role) noexcept {
    if (role == "root") return RoleClass::root;
    if (role == "targets") return RoleClass::targets;
    if (role == "snapshot") return RoleClass::snapshot;
    if (role == "timestamp") return RoleClass::timestamp;
    return RoleClass::delegation;
}

const char* role_class_name(RoleClass cls) noexcept {
    switch (cls) {
        case RoleClass::root:
            return "ROOT";
        case RoleClass::targets:
            return "TARGETS";
        case RoleClass::snapshot:
            return "SNAPSHOT";
        case RoleClass::timestamp:
            return "TIMESTAMP";
        case RoleClass::delegation:
            return "DELEGATION";
    }
    return "DELEGATION";
}

std::vector<std::string> passphrase_variables(RoleClass cls) {
    const std::string name = role_class_name(cls);
    std::vector<std::string> vars{"TUFKEY_" + name + "_PASSPHRASE"};
    if (cls != RoleClass::timestamp) vars.push_back("NOTARY_" + name + "_PASSPHRASE");
    vars.push_back(cls == RoleClass::root ? "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"
                                          : "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE");
    return vars;
}

std::optional<PassphraseSource::EnvValue> PassphraseSource::from_environment(RoleClass cls) const {
    for (const auto& name : passphrase_variables(cls)) {
        if (auto value = m_env(name)) return EnvValue{name, std::move(*value)};
    }
    return std::nullopt;
}

Result<SecretBytes> PassphraseSource::unlock(const KeyLabel& key, const Attempt& attempt) {
    const RoleClass cls = classify_role(key.role);
    if (auto env = from_environment(cls)) {
        TUFKEY_TRY(bool opened, attempt(env->value));
        if (opened) return std::move(env->value);
        return Error(ErrorCode::key, "the passphrase in " + env->name + " is wrong for " + describe(key) +
                                         "; correct the variable, or unset it to be asked at a terminal");
    }
    for (const auto& cached : m_accepted) {
        TUFKEY_TRY(bool opened, attempt(cached));
        if (opened) return cached.clone();
    }
    if (!m_terminal.interactive()) {
        return Error(ErrorCode::key, "no passphrase for " + describe(key) + ": set " +
                                         join(passphrase_variables(cls), " or ") + ", or run tufkey at a terminal");
    }
    for (int i = 1; i <= kPromptAttempts; ++i) {
        TUFKEY_TRY(SecretBytes pass, m_terminal.read_secret("Enter passphrase for " + key.role + " key with ID " +
                                                            short_id(key.id) + ": "));
        TUFKEY_TRY(bool opened, attempt(pass));
        if (opened) {
            m_accepted.push_back(pass.clone());
            return pass;
        }
        if (i < kPromptAttempts) m_terminal.tell("Passphrase incorrect. Please retry.");
    }
    return Error(ErrorCode::key, "wrong passphrase for " + describe(key) + " (" + std::to_string(kPromptAttempts) +
                                     " attempts); nothing was changed");
}

Result<SecretBytes> PassphraseSource::new_passphrase(const KeyLabel& key, bool allow_env) {
    const RoleClass cls = classify_role(key.role);
    if (allow_env) {
        if (auto env = from_environment(cls)) return std::move(env->value);
    }
    if (!m_terminal.interactive()) {
        if (!allow_env) {
            return Error(ErrorCode::usage, "a new passphrase for " + describe(key) +
                                               " is only read at a terminal; run tufkey at a terminal");
        }
        return Error(ErrorCode::key, "no passphrase for the new " + describe(key) + ": set " +
                                         join(passphrase_variables(cls), " or ") + ", or run tufkey at a terminal");
    }
    const std::string what = key.role + " key" + (key.id.empty() ? std::string() : " with ID " + short_id(key.id));
    for (int i = 1; i <= kPromptAttempts; ++i) {
        TUFKEY_TRY(SecretBytes first, m_terminal.read_secret("Enter passphrase for new " + what + ": "));
        if (first.size() < kMinimumPassphraseLength) {
            m_terminal.tell("Passphrase is too short: use at least " + std::to_string(kMinimumPassphraseLength) +
                            " characters (a password manager helps). Please retry.");
            continue;
        }
        TUFKEY_TRY(SecretBytes second, m_terminal.read_secret("Repeat passphrase for new " + what + ": "));
        if (!first.equals(second)) {
            m_terminal.tell("Passphrases do not match. Please retry.");
            continue;
        }
        return first;
    }
    return Error(ErrorCode::key, "no new passphrase for " + describe(key) + " after " +
                                     std::to_string(kPromptAttempts) + " attempts; nothing was changed");
}

}  // namespace tufkey::keystore
