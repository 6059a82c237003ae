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

// The process exit code of SPEC.md for an error code.
int exit_code(ErrorCode code) noexcept;
const char* to_string(ErrorCode code) noexcept;

struct Error final {
    ErrorCode code = ErrorCode::internal;
    std::string message;
    std::optional<std::uint64_t> ck_rv;  // raw CK_RV when a PKCS#11 call failed

    Error() = default;
    Error(ErrorCode c, std::string msg, std::optional<std::uint64_t> rv = std::nullopt)
        : code(c), message(std::move(msg)), ck_rv(rv) {}

    // The same error with `context: ` put in front of its message.
    [[nodiscard]] Error with_context(const std::string& context) const {
        return Error(code, context + ": " + message, ck_rv);
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
