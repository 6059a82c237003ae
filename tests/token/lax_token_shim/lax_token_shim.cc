// lax_token_shim: a TEST DOUBLE PKCS#11 module for a token that ignores part of a key template.
//
// Why: tufkey reads back every key it generates and deletes and refuses one that is not
// sensitive, not extractable, local and able to sign, whatever template the token accepted
// (pkcs11/keys.h, generate_key_pair). SoftHSM2 and the TPM both honour what tufkey asks for, so
// that refusal cannot be shown against them; a real token that quietly drops an attribute can.
//
// What: this library exports C_GetFunctionList, loads the real SoftHSM2 module and forwards
// EVERY call to it unchanged (SoftHSM does all the token work), except C_GenerateKeyPair,
// which removes CKA_SENSITIVE from the private key template before forwarding. SoftHSM then
// makes a key with CKA_SENSITIVE false (its default), as a lax token would.
//
//   TUFKEY_SHIM_TARGET  the real module (default /usr/lib/softhsm/libsofthsm2.so).
//
// Built only with the tests (tests/token/lax_token_shim/CMakeLists.txt); never installed.
#include <dlfcn.h>

#include <cstdlib>
#include <vector>

#include <p11-kit/pkcs11.h>
// p11-kit's compat mode #defines these plain names and leaves them defined.
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

void* g_target = nullptr;
CK_FUNCTION_LIST* g_real = nullptr;
CK_FUNCTION_LIST g_shim{};

CK_RV shim_generate_key_pair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism, CK_ATTRIBUTE_PTR pub,
                             CK_ULONG pub_count, CK_ATTRIBUTE_PTR priv, CK_ULONG priv_count,
                             CK_OBJECT_HANDLE_PTR pub_out, CK_OBJECT_HANDLE_PTR priv_out) {
    std::vector<CK_ATTRIBUTE> kept;
    for (CK_ULONG i = 0; i < priv_count; ++i)
        if (priv[i].type != CKA_SENSITIVE) kept.push_back(priv[i]);
    return g_real->C_GenerateKeyPair(session, mechanism, pub, pub_count, kept.data(), kept.size(), pub_out, priv_out);
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
    g_shim.C_GenerateKeyPair = shim_generate_key_pair;
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
