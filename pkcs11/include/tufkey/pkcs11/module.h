// Module: one loaded PKCS#11 library (dlopen + C_GetFunctionList + C_Initialize).
//
// There is at most one Module per module path per process: Module::open() hands out the live
// instance if one exists (Cryptoki allows one initialisation per process, and a second user
// finalising the module would kill the first one's sessions). The last shared_ptr to go calls
// C_Finalize (only if this Module did the C_Initialize) and dlclose, so SoftHSM re-reads
// SOFTHSM2_CONF on the next open. Sessions keep their Module alive.
//
// Failures are ErrorCode::token with one-line messages: no file at the path (checked with stat
// before dlopen), a file that is not a PKCS#11 module, C_Initialize refused (raw CK_RV kept).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tufkey/core/result.h"

namespace tufkey::pkcs11 {

namespace detail {
struct FunctionTable;  // Cryptoki's function list; defined only inside pkcs11/
}

struct ModuleInfo final {
    std::string path;
    std::string manufacturer;      // CK_INFO.manufacturerID, e.g. "SoftHSM"
    std::string description;       // CK_INFO.libraryDescription
    std::string library_version;   // "2.6"
    std::string cryptoki_version;  // "2.40"
};

// SoftHSM2 answers C_Initialize with a bare CKR_GENERAL_ERROR when its token store is gone.
// Given its configuration file (SOFTHSM2_CONF, read by the caller; "" for the default
// /etc/softhsm/softhsm2.conf), the sentence naming the store and the next step when the store
// that `directories.tokendir` names does not exist; nullopt otherwise (or when the file cannot
// be read).
std::optional<std::string> missing_softhsm_store(const std::string& conf_path);

class Module final {
public:
    // Loads and initialises the module at `path`, or returns the instance already loaded.
    static core::Result<std::shared_ptr<Module>> open(const std::string& path);

    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    [[nodiscard]] const ModuleInfo& info() const noexcept { return m_info; }
    [[nodiscard]] const std::string& path() const noexcept { return m_info.path; }
    // True for Yubico's ykcs11 (PIV): minimal key templates, fixed labels, slot by CKA_ID.
    [[nodiscard]] bool is_yubico_piv() const noexcept;
    // For pkcs11/ internals only.
    [[nodiscard]] const detail::FunctionTable& functions() const noexcept { return *m_functions; }

    struct Private;  // construction details, defined in module.cc

private:
    Module(ModuleInfo info, void* handle, std::unique_ptr<detail::FunctionTable> functions, bool owns_init);

    ModuleInfo m_info;
    void* m_handle;
    std::unique_ptr<detail::FunctionTable> m_functions;
    bool m_owns_initialization;
};

// The modules probed when none is configured, in this order: SoftHSM2, Yubico ykcs11, OpenSC
// (Debian paths).
std::vector<std::string> default_module_paths();

// What one candidate module showed when probed.
struct ModuleProbe final {
    std::string path;
    bool installed = false;
    std::size_t tokens = 0;              // slots holding an initialised token
    std::optional<std::string> problem;  // one line, e.g. "cannot reach PC/SC (is pcscd running?)"
};

// Probes `candidates` (loading each briefly) for initialised tokens.
std::vector<ModuleProbe> probe_modules(const std::vector<std::string>& candidates);

// `configured` (from --module or TUFKEY_PKCS11_MODULE) when not empty; otherwise the one
// candidate with a token. None: an error saying what each candidate showed. Several: an error
// listing them that asks for --module.
core::Result<std::string> resolve_module_path(const std::string& configured,
                                              const std::vector<std::string>& candidates = default_module_paths());

}  // namespace tufkey::pkcs11
