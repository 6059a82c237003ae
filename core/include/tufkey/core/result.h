// Result<T> and Error: the one error style of every tufkey layer.
//
// An Error carries an ErrorCode (which decides the process exit code, see exit_code()),
// a one-line message that names the problem and the next step, and the raw PKCS#11 CK_RV
// when a token call produced it. Third-party exceptions are caught at module edges and
// turned into Errors; nothing in tufkey throws across a module boundary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tufkey::core {

enum class ErrorCode {
    trust,     // bad or missing signatures, threshold not met, expired, rollback, no trust data
    usage,     // bad command line or bad input the user gave
    key,       // wrong passphrase, key not found, corrupt key file
    token,     // token absent, locked, wrong PIN, mechanism unsupported
    io,        // disk full, permission denied, unreadable file
    remote,    // server unreachable, refusing, TLS failure
    refused,   // lock held, would overwrite, version conflict
    expiring,  // `status` only: a role is inside its warning window
    internal,  // a bug in tufkey
};

// Why a trust failure (ErrorCode::trust) refused what it refused: one value per rule of the
// client workflow, so that callers and tests can tell the failures apart without reading the
// message (which is for people). `none` on every error that is not a trust failure.
enum class TrustReason {
    none,
    malformed,         // not JSON, a missing or ill-typed member, an invalid key or key ID
    wrong_type,        // `_type` is not the role's
    unknown_key,       // an authorised key ID missing from the keys, or not the ID of its key
    threshold,         // valid signatures from fewer distinct keys than the threshold
    rollback,          // a version lower than (or not greater than) the trusted one
    version_mismatch,  // a version other than the one the timestamp or snapshot lists
    expired,           // past its expiry at the reference time
    length_mismatch,   // more or fewer bytes than listed
    hash_mismatch,     // a listed hash does not match the bytes
    unsupported,       // a hash algorithm, key type or scheme tufkey cannot check
    not_listed,        // a role the trusted snapshot (or timestamp) does not list
    missing,           // no trust data: no trusted root, a listed file absent
    delegation,        // a delegation that breaks the rules (paths, names, threshold, depth)
    certificate,       // notary: a root certificate the notary client would refuse
    dialect_mismatch,  // the metadata's dialect is not the one recorded for the repository
    not_found,         // no trusted role lists the target
};

// The process exit code of SPEC.md for an error code.
int exit_code(ErrorCode code) noexcept;
const char* to_string(ErrorCode code) noexcept;
const char* to_string(TrustReason reason) noexcept;

struct Error final {
    ErrorCode code = ErrorCode::internal;
    std::string message;
    std::optional<std::uint64_t> ck_rv;      // raw CK_RV when a PKCS#11 call failed
    TrustReason reason = TrustReason::none;  // set exactly when code == ErrorCode::trust

    Error() = default;
    Error(ErrorCode c, std::string msg, std::optional<std::uint64_t> rv = std::nullopt)
        : code(c), message(std::move(msg)), ck_rv(rv) {
        if (c == ErrorCode::trust) reason = TrustReason::malformed;
    }
    // A trust failure (ErrorCode::trust) for `why`.
    Error(TrustReason why, std::string msg) : code(ErrorCode::trust), message(std::move(msg)), reason(why) {}

    // The same error with `context: ` put in front of its message.
    [[nodiscard]] Error with_context(const std::string& context) const {
        Error out = *this;
        out.message = context + ": " + message;
        return out;
    }
};

template <typename T>
class [[nodiscard]] Result final {
public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : m_value(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    [[nodiscard]] bool ok() const noexcept { return m_value.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(m_value); }
    const T& value() const& { return std::get<0>(m_value); }
    T&& value() && { return std::get<0>(std::move(m_value)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& { return std::get<1>(m_value); }
    Error&& error() && { return std::get<1>(std::move(m_value)); }

private:
    std::variant<T, Error> m_value;
};

template <>
class [[nodiscard]] Result<void> final {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return !m_error.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const& { return *m_error; }
    Error&& error() && { return std::move(*m_error); }

private:
    std::optional<Error> m_error;
};

inline Result<void> success() { return {}; }

}  // namespace tufkey::core

// Propagate an error: `TUFKEY_TRY(auto x, f());` or `TUFKEY_TRY_VOID(g());`
#define TUFKEY_CONCAT_INNER(a, b) a##b
#define TUFKEY_CONCAT(a, b) TUFKEY_CONCAT_INNER(a, b)
#define TUFKEY_TRY_IMPL(tmp, decl, expr)          \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return std::move(tmp).error(); \
    decl = std::move(tmp).value()
#define TUFKEY_TRY(decl, expr) TUFKEY_TRY_IMPL(TUFKEY_CONCAT(tufkey_try_, __LINE__), decl, expr)
#define TUFKEY_TRY_VOID(expr)                                                   \
    do {                                                                        \
        auto tufkey_try_void_ = (expr);                                         \
        if (!tufkey_try_void_.ok()) return std::move(tufkey_try_void_).error(); \
    } while (0)
