// Passphrases for key files: environment variables in SPEC.md order, then a no-echo prompt.
//
// Environment, most specific first (ROLE = ROOT, TARGETS, SNAPSHOT, TIMESTAMP, DELEGATION):
//   TUFKEY_<ROLE>_PASSPHRASE
//   NOTARY_ROOT/TARGETS/SNAPSHOT/DELEGATION_PASSPHRASE (Notary has no timestamp variable)
//   DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE (root) or DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE
//   (every other key)
// Any role other than the four base roles (`targets/releases`, a signer name) is a delegation.
// A passphrase from the environment is tried once and never retried; a prompt is shown only
// when stdin is a terminal, up to three times for an existing key. A new passphrase from the
// prompt is asked twice and needs at least 8 characters (environment values are not checked,
// as in Notary).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/core/interaction.h"
#include "tufkey/core/result.h"
#include "tufkey/core/secret_bytes.h"

namespace tufkey::keystore {

enum class RoleClass { root, targets, snapshot, timestamp, delegation };

// root/targets/snapshot/timestamp by exact name; everything else is a delegation.
RoleClass classify_role(std::string_view role) noexcept;
// "ROOT", "TARGETS", "SNAPSHOT", "TIMESTAMP", "DELEGATION"
const char* role_class_name(RoleClass cls) noexcept;
// The environment variables consulted for a key of `cls`, most specific first.
std::vector<std::string> passphrase_variables(RoleClass cls);

inline constexpr std::size_t kMinimumPassphraseLength = 8;
inline constexpr int kPromptAttempts = 3;

// The user's terminal and the environment come from the interaction object cli/ owns
// (core/interaction.h); this module only reads through them.
using Terminal = core::Terminal;
using EnvLookup = core::EnvLookup;

// What the passphrase is for, for prompts and messages (never a secret).
struct KeyLabel final {
    std::string role;  // "targets", "targets/releases", "alice", ...
    std::string id;    // canonical key ID (shown as its first 7 digits)
    std::string file;  // where the key lives
};

class PassphraseSource final {
public:
    PassphraseSource(Terminal& terminal, EnvLookup env) : m_terminal(terminal), m_env(std::move(env)) {}

    // Returns true when `passphrase` opened the key; false means "wrong passphrase".
    using Attempt = std::function<core::Result<bool>(const core::SecretBytes& passphrase)>;

    // Finds the passphrase of an existing key: the first set environment variable (tried once;
    // wrong is ErrorCode::key naming the variable), else the prompt (kPromptAttempts tries),
    // else ErrorCode::key naming the variables to set. Returns the passphrase that worked.
    [[nodiscard]] core::Result<core::SecretBytes> unlock(const KeyLabel& key, const Attempt& attempt);

    // A new passphrase: from the environment when `allow_env` and a variable is set, else
    // from the prompt (asked twice, >= 8 characters, kPromptAttempts tries).
    [[nodiscard]] core::Result<core::SecretBytes> new_passphrase(const KeyLabel& key, bool allow_env = true);

    [[nodiscard]] Terminal& terminal() noexcept { return m_terminal; }

private:
    struct EnvValue final {
        std::string name;
        core::SecretBytes value;
    };
    [[nodiscard]] std::optional<EnvValue> from_environment(RoleClass cls) const;

    Terminal& m_terminal;
    EnvLookup m_env;
    std::vector<core::SecretBytes> m_accepted;  // prompted passphrases that opened a key before
};

}  // namespace tufkey::keystore
