// pin_state_shim: a TEST DOUBLE PKCS#11 module for PIN states SoftHSM2 cannot reach.
//
// Why: SoftHSM2 never locks a user PIN and never reports CKF_USER_PIN_FINAL_TRY or
// CKF_USER_PIN_LOCKED (docs: ../shared/reference/pkcs11-lab.md §2, §5), so tufkey's handling of a
// locked PIN, of the final-try / count-low warnings and of "never retry after
// CKR_PIN_INCORRECT" cannot be shown against it. A YubiKey (ykcs11) can, but is not in CI.
//
// What: this library exports C_GetFunctionList, loads the real SoftHSM2 module and forwards
// EVERY call to it unchanged (SoftHSM does all the token work and all the cryptography), except
// for three functions that emulate a PIV-style user-PIN retry counter the way ykcs11 reports it:
//
//   C_Login(CKU_USER)  counter == 0: CKR_PIN_LOCKED, and the call is NOT forwarded;
//                      otherwise forwarded; CKR_PIN_INCORRECT from SoftHSM decrements the
//                      counter; CKR_OK (or CKR_USER_ALREADY_LOGGED_IN) resets it to 3.
//                      Every C_Login call (any user type) is counted in `logins`; other user
//                      types (SO, context-specific) are forwarded and leave the counter alone.
//   C_GetTokenInfo     SoftHSM's own CKF_USER_PIN_COUNT_LOW / _FINAL_TRY / _LOCKED bits are
//                      cleared and replaced from the counter, as ykcs11 computes them live:
//                      2 left -> COUNT_LOW, 1 -> FINAL_TRY, 0 -> LOCKED (none at 3 or more).
//                      With report_flags=0 no PIN bits are reported at all (a module that
//                      says nothing about the PIN until C_Login fails).
//   C_GetInfo          libraryDescription says "tufkey pin-state test shim" (manufacturerID
//                      stays SoftHSM's, so tufkey treats the token as SoftHSM).
//
// The counter lives in a small text file so that it survives across processes (a CLI test runs
// tufkey several times against one "token"):
//
//   TUFKEY_SHIM_STATE   path of the state file (required; C_Initialize fails without it).
//                       Content, one "key=value" per line:  tries=3  logins=0  report_flags=1
//                       A missing file means tries=3, logins=0, report_flags=1. Written with
//                       a temp file and rename. Not locked: one process at a time.
//   TUFKEY_SHIM_TARGET  the real module (default /usr/lib/softhsm/libsofthsm2.so).
//
// The counter is per state file, not per token: use one token per state file.
// Built only with the tests (tests/token/pin_state_shim/CMakeLists.txt); never installed.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <p11-kit/pkcs11.h>
// p11-kit's compat mode #defines these plain names and leaves them defined
// (pkcs11-lab.md §9); none is used here, but keep this file safe to extend.
#undef hash_alg
#undef s_len
#undef source_data
#undef source_data_len
#undef counter_bits
#undef iv_ptr
#undef iv_len
#undef iv_bits
#undef aad_ptr
#undef aad_len
#undef tag_bits
#undef shared_data
#undef shared_data_len
#undef public_data
#undef public_data_len
#undef string_data
#undef string_data_len
#undef data_params

extern "C" CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

namespace {

constexpr const char* k_default_target = "/usr/lib/softhsm/libsofthsm2.so";
constexpr long k_full_tries = 3;  // a YubiKey PIV PIN's default retry count
constexpr CK_FLAGS k_pin_state_bits = CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED;

struct State {
    long tries = k_full_tries;
    long logins = 0;
    long report_flags = 1;
};

// The real module and its function table; our table is a copy with a few entries replaced.
void* g_target = nullptr;
CK_FUNCTION_LIST* g_real = nullptr;
CK_FUNCTION_LIST g_shim{};

const char* state_path() {
    const char* path = std::getenv("TUFKEY_SHIM_STATE");
    return (path != nullptr && *path != '\0') ? path : nullptr;
}

State read_state() {
    State s;
    const char* path = state_path();
    if (path == nullptr) return s;
    std::FILE* f = std::fopen(path, "r");
    if (f == nullptr) return s;
    char line[128];
    while (std::fgets(line, sizeof line, f) != nullptr) {
        long value = 0;
        if (std::sscanf(line, "tries=%ld", &value) == 1)
            s.tries = value;
        else if (std::sscanf(line, "logins=%ld", &value) == 1)
            s.logins = value;
        else if (std::sscanf(line, "report_flags=%ld", &value) == 1)
            s.report_flags = value;
    }
    std::fclose(f);
    return s;
}

bool write_state(const State& s) {
    const char* path = state_path();
    if (path == nullptr) return false;
    const std::string tmp = std::string(path) + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr) return false;
    const bool ok = std::fprintf(f, "tries=%ld\nlogins=%ld\nreport_flags=%ld\n", s.tries, s.logins, s.report_flags) > 0;
    if (std::fclose(f) != 0 || !ok) return false;
    return std::rename(tmp.c_str(), path) == 0;
}

CK_RV shim_initialize(CK_VOID_PTR args) {
    if (state_path() == nullptr) {
        std::fprintf(stderr, "pin_state_shim: TUFKEY_SHIM_STATE is not set\n");
        return CKR_GENERAL_ERROR;
    }
    return g_real->C_Initialize(args);
}

CK_RV shim_get_info(CK_INFO_PTR info) {
    const CK_RV rv = g_real->C_GetInfo(info);
    if (rv == CKR_OK && info != nullptr) {
        static constexpr char description[] = "tufkey pin-state test shim";
        std::memset(info->libraryDescription, ' ', sizeof info->libraryDescription);
        std::memcpy(info->libraryDescription, description, sizeof description - 1);
    }
    return rv;
}

CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    const CK_RV rv = g_real->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK || info == nullptr || (info->flags & CKF_TOKEN_INITIALIZED) == 0) return rv;
    const State s = read_state();
    info->flags &= ~k_pin_state_bits;
    if (s.report_flags == 0) return rv;
    if (s.tries <= 0)
        info->flags |= CKF_USER_PIN_LOCKED;
    else if (s.tries == 1)
        info->flags |= CKF_USER_PIN_FINAL_TRY;
    else if (s.tries == 2)
        info->flags |= CKF_USER_PIN_COUNT_LOW;
    return rv;
}

CK_RV shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len) {
    State s = read_state();
    ++s.logins;
    if (user != CKU_USER) {
        write_state(s);
        return g_real->C_Login(session, user, pin, pin_len);
    }
    if (s.tries <= 0) {  // blocked: the real token is not even asked
        write_state(s);
        return CKR_PIN_LOCKED;
    }
    const CK_RV rv = g_real->C_Login(session, user, pin, pin_len);
    if (rv == CKR_PIN_INCORRECT)
        --s.tries;
    else if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
        s.tries = k_full_tries;
    if (!write_state(s)) return CKR_GENERAL_ERROR;
    return rv;
}

bool load_target() {
    if (g_real != nullptr) return true;
    const char* target = std::getenv("TUFKEY_SHIM_TARGET");
    if (target == nullptr || *target == '\0') target = k_default_target;
    void* handle = ::dlopen(target, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return false;
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
    CK_FUNCTION_LIST* real = nullptr;
    if (get_list == nullptr || get_list(&real) != CKR_OK || real == nullptr) {
        ::dlclose(handle);
        return false;
    }
    g_target = handle;
    g_real = real;
    g_shim = *real;                                // forward everything ...
    g_shim.C_GetFunctionList = C_GetFunctionList;  // ... except these
    g_shim.C_Initialize = shim_initialize;
    g_shim.C_GetInfo = shim_get_info;
    g_shim.C_GetTokenInfo = shim_get_token_info;
    g_shim.C_Login = shim_login;
    return true;
}

__attribute__((destructor)) void unload_target() {
    if (g_target != nullptr) ::dlclose(g_target);
    g_target = nullptr;
    g_real = nullptr;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    if (list == nullptr) return CKR_ARGUMENTS_BAD;
    if (!load_target()) return CKR_GENERAL_ERROR;
    *list = &g_shim;
    return CKR_OK;
}
