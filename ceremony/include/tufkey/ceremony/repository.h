// A repository (GUN) in the trust home: its settings and its current signed metadata.
//
//   <home>/tuf/<GUN>/metadata/<role>.json     the current signed metadata, exact file bytes
//                                             (Notary's cache layout: delegations nested, e.g.
//                                             metadata/targets/releases.json; tuf-dialect
//                                             delegated names are percent-encoded)
//   <home>/tufkey/<GUN>/repository.json        tufkey's settings for the GUN (below)
//   <home>/tufkey/<GUN>/roots/<N>.root.json    every root version ever signed (the chain that
//                                             clients walk; published with the repository)
//   <home>/tufkey/<GUN>/transcript.jsonl       the ceremony transcript (transcript.h)
//   <home>/tufkey/<GUN>/policy.json            the signed expiry policy (policy.h), whose
//                                             lifetimes repository.json `expires`/`warn` apply
//   <home>/tufkey/<GUN>/staged-root.json       a root rotation still collecting signatures
//
// repository.json (canonical JSON, written atomically):
//   {"dialect":"notary"|"tuf","expires":{"root":"10y",...},"gun":"...","published":{...},
//    "root_keys":[{"key_id","token_label","token_serial","uri"}],"synced":{...},"version":1,
//    "warn":{...}}
// plus "origin":URL for a repository the home pulled rather than made (root_keys then empty)
// or that lives on a Notary server, "tls":{"ca","client_cert","client_key"} (file paths, no
// secret) for reaching it, and "server_managed":["snapshot","timestamp"] naming the roles whose
// keys the Notary server at origin holds (a server repository; see outgoing_dir()),
// "publish_to":DIR, the absolute static directory the last `publish --to` (or `init
// --publish-to`) wrote, which a later `publish GUN` without --to uses again,
// and "role_keys":{ROLE:[{"key_id","token_label","token_serial","uri"}]} when a role other than
// root is signed by a token key (`rotate GUN ROLE --key pkcs11:...`). A role_keys entry is used
// only while root lists its key for that role; a later rotation drops the entries it replaces.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tufkey/ceremony/duration.h"
#include "tufkey/core/result.h"
#include "tufkey/keystore/home_transaction.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/tuf/dialect.h"
#include "tufkey/tuf/role_name.h"

namespace tufkey::ceremony {

// Refuses GUNs that cannot be a path under the home: empty, absolute, "." or ".." components,
// empty components, characters outside [A-Za-z0-9._:/-], longer than 255. ErrorCode::usage.
core::Result<void> check_gun(std::string_view gun);

// Every repository in the home, sorted: those tufkey manages (tufkey/<GUN>/repository.json)
// and those the notary client or docker cached (tuf/<GUN>/metadata/root.json) alike.
std::vector<std::string> home_guns(const keystore::TrustHome& home);

// The GUNs of `known` nearest to `gun` when close enough to be a typo (edit distance at most 2,
// or the same letters in another case); several only when equally near.
std::vector<std::string> close_guns(std::string_view gun, const std::vector<std::string>& known);

// A root key that lives on a token, as the repository remembers it (never a PIN).
struct TokenKeyRef final {
    std::string uri;  // RFC 7512 URI naming the token and the key
    std::string token_label;
    std::string token_serial;
    std::string key_id;  // canonical key ID of its public key
};

// TLS settings for a repository's server: PEM files, remembered as absolute paths.
struct TlsSettings final {
    std::string ca_file;      // --tls-ca: a private CA ("" = the system store)
    std::string client_cert;  // --tls-client-cert: TLS client authentication
    std::string client_key;   // --tls-client-key: its (unencrypted) private key file
};

struct RepositoryConfig final {
    std::string gun;
    tuf::Dialect dialect = tuf::Dialect::notary;
    std::vector<TokenKeyRef> root_keys;
    std::map<std::string, std::vector<TokenKeyRef>> role_keys;  // role -> its token keys (not root)
    RolePolicy expires = RolePolicy::default_expiry();
    RolePolicy warn = RolePolicy::default_warning();
    std::map<std::string, std::uint64_t> published;  // role -> version last published
    // role -> version last shared with another place: brought in (pull, bundle import) or
    // handed out (bundle export). A targets-type role or root above both maps is this home's
    // own staged work (staged_work.h).
    std::map<std::string, std::uint64_t> synced;
    std::string origin;  // pulled repositories: where `tufkey pull` fetched them from ("" otherwise)
    // Static repositories: the directory `publish` writes when it is given no --to (absolute;
    // remembered by `publish --to` and `init --publish-to`; "" none).
    std::string publish_to{};
    TlsSettings tls;  // how to reach origin over https (remembered by pull and init --server)
    // Roles ("snapshot", "timestamp") whose keys the Notary server at `origin` holds. Not empty:
    // a server repository, whose signed changes wait in outgoing/ until `publish`.
    std::vector<std::string> server_managed;

    [[nodiscard]] bool on_server() const noexcept { return !server_managed.empty(); }
    [[nodiscard]] bool server_manages(std::string_view role) const;
};

class Repository final {
public:
    Repository(const keystore::TrustHome& home, std::string gun);

    [[nodiscard]] const std::string& gun() const noexcept { return m_gun; }
    [[nodiscard]] std::filesystem::path metadata_dir() const;
    [[nodiscard]] std::filesystem::path state_dir() const;
    [[nodiscard]] std::filesystem::path config_file() const { return state_dir() / "repository.json"; }
    [[nodiscard]] std::filesystem::path roots_dir() const { return state_dir() / "roots"; }
    [[nodiscard]] std::filesystem::path transcript_file() const { return state_dir() / "transcript.jsonl"; }
    // A proposed next root still collecting signatures (ceremony/src/root_rotation.h).
    [[nodiscard]] std::filesystem::path staged_root_file() const { return state_dir() / "staged-root.json"; }
    // The metadata file of `role` (see the header comment for delegated names).
    [[nodiscard]] std::filesystem::path metadata_file(tuf::Dialect dialect, const tuf::RoleName& role) const;
    // A server repository's signed changes that wait for `publish` (the server signs the
    // timestamp, so they cannot join metadata/ before it has): tufkey/<GUN>/outgoing/<role>.json,
    // named as in metadata/. metadata/ keeps exactly what the server serves, verified, so the
    // notary client and docker go on using the same trust directory. Reads of a role's current
    // file (read_metadata) see an outgoing file first; read_served() sees only metadata/.
    [[nodiscard]] std::filesystem::path outgoing_dir() const { return state_dir() / "outgoing"; }
    [[nodiscard]] std::filesystem::path outgoing_file(tuf::Dialect dialect, const tuf::RoleName& role) const;

    // Whether tufkey manages this GUN (repository.json exists).
    [[nodiscard]] bool exists() const;
    // Reads repository.json. Missing: unknown_repository().
    [[nodiscard]] core::Result<RepositoryConfig> load_config() const;
    // repository.json as it will be once `tx` commits (what `tx` staged, else the file).
    [[nodiscard]] core::Result<RepositoryConfig> load_config(const keystore::HomeTransaction& tx) const;
    // The one refusal for a GUN this home does not hold, in every command: ErrorCode::usage
    // (exit 2; the fix is `tufkey pull` or `tufkey init`), naming the GUN and both commands,
    // and first the home's repositories with a close name ("did you mean ...?").
    [[nodiscard]] core::Error unknown_repository() const;
    [[nodiscard]] core::Result<void> save_config(keystore::HomeTransaction& tx, const RepositoryConfig& config) const;

    // The current file bytes of a role (an outgoing file first), or nullopt when it has none.
    [[nodiscard]] core::Result<std::optional<std::string>> read_metadata(tuf::Dialect dialect,
                                                                         const tuf::RoleName& role) const;
    // The role's file in metadata/ only: what was last published or fetched.
    [[nodiscard]] core::Result<std::optional<std::string>> read_served(tuf::Dialect dialect,
                                                                       const tuf::RoleName& role) const;
    // Stages a server repository's signed change of `role` in outgoing/ (0600).
    void write_outgoing(keystore::HomeTransaction& tx, tuf::Dialect dialect, const tuf::RoleName& role,
                        std::string_view bytes) const;
    // The roles with a file in outgoing/, and staging their removal (after a publish, or when a
    // pull discards them).
    [[nodiscard]] std::vector<std::filesystem::path> outgoing_files() const;
    void clear_outgoing(keystore::HomeTransaction& tx) const;
    // The same as it will be once `tx` commits (what `tx` staged, else the file).
    [[nodiscard]] core::Result<std::optional<std::string>> read_metadata(const keystore::HomeTransaction& tx,
                                                                         tuf::Dialect dialect,
                                                                         const tuf::RoleName& role) const;
    // Stages a role's file (0600) in `tx`.
    void write_metadata(keystore::HomeTransaction& tx, tuf::Dialect dialect, const tuf::RoleName& role,
                        std::string_view bytes) const;
    // Stages a root version for the chain (roots/<N>.root.json) in `tx`.
    void keep_root_version(keystore::HomeTransaction& tx, std::uint64_t version, std::string_view bytes) const;
    // metadata/root.json (the same file in both dialects), or nullopt when there is none.
    [[nodiscard]] core::Result<std::optional<std::string>> read_current_root() const;
    // Every kept root version, ascending.
    [[nodiscard]] core::Result<std::vector<std::uint64_t>> root_versions() const;
    [[nodiscard]] core::Result<std::string> read_root_version(std::uint64_t version) const;

private:
    [[nodiscard]] core::Result<RepositoryConfig> parse_config(std::string_view bytes) const;

    std::filesystem::path m_home;
    std::string m_gun;
};

}  // namespace tufkey::ceremony
