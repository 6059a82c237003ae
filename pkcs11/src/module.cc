#include "tufkey/pkcs11/module.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <fmt/core.h>

#include <fstream>
#include <map>
#include <mutex>

#include "cryptoki.h"
#include "tufkey/pkcs11/errors.h"
#include "tufkey/pkcs11/token.h"

namespace tufkey::pkcs11 {
namespace {

// What to check when C_Initialize fails: the modules that keep their tokens in a store on disk
// fail there when the store is gone (SoftHSM2's token directory, tpm2-pkcs11's sqlite store).
std::string initialise_hint(const std::string& path) {
    if (path.find("softhsm") != std::string::npos)
        return "; its token directory is missing or unreadable: check SOFTHSM2_CONF and its directories.tokendir, "
               "then run the command again";
    if (path.find("tpm2_pkcs11") != std::string::npos)
        return "; its token store is missing or unreadable, or the TPM cannot be reached: check TPM2_PKCS11_STORE "
               "and TPM2_PKCS11_TCTI (docs/tokens.md), then run the command again";
    return "; the module cannot reach its token or its configuration: plug the token in, check the vendor's "
           "configuration, then run the command again";
}

using core::Error;
using core::ErrorCode;

// The one process-wide table: module path -> the live Module.
struct Registry final {
    std::mutex mutex;
    std::map<std::string, std::weak_ptr<Module>> modules;
};

Registry& registry() {
    static Registry r;
    return r;
}

std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

core::Result<void> check_file(const std::string& path) {
    if (path.find('/') == std::string::npos) return core::success();  // left to the dlopen search path
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return Error(
            ErrorCode::token,
            fmt::format("no PKCS#11 module at {} (set --module or TUFKEY_PKCS11_MODULE to the module's .so)", path));
    }
    if (!S_ISREG(st.st_mode)) {
        return Error(ErrorCode::token, fmt::format("{} is not a file, so not a PKCS#11 module", path));
    }
    return core::success();
}

std::string version_text(const CK_VERSION& v) { return fmt::format("{}.{}", v.major, v.minor); }

}  // namespace

struct Module::Private final {
    static core::Result<std::shared_ptr<Module>> load(const std::string& path) {
        TUFKEY_TRY_VOID(check_file(path));
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            const char* why = ::dlerror();
            return Error(ErrorCode::token, one_line(fmt::format("{} is not a loadable PKCS#11 module: {}", path,
                                                                why ? why : "dlopen failed")));
        }
        auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
        if (get_list == nullptr) {
            ::dlclose(handle);
            return Error(ErrorCode::token,
                         fmt::format("{} is not a PKCS#11 module (it has no C_GetFunctionList)", path));
        }
        auto table = std::make_unique<detail::FunctionTable>();
        CK_RV rv = get_list(&table->f);
        if (rv != CKR_OK || table->f == nullptr) {
            ::dlclose(handle);
            return detail::ck_error(fmt::format("{}: C_GetFunctionList failed", path), rv);
        }
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;
        rv = table->f->C_Initialize(&args);
        const bool owns = rv == CKR_OK;
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            ::dlclose(handle);
            auto error = detail::ck_error(fmt::format("cannot initialise PKCS#11 module {}", path), rv);
            error.message += initialise_hint(path);
            return error;
        }
        ModuleInfo info;
        info.path = path;
        CK_INFO ck_info{};
        if (table->f->C_GetInfo(&ck_info) == CKR_OK) {
            info.manufacturer = detail::trim_padded(ck_info.manufacturerID, sizeof ck_info.manufacturerID);
            info.description = detail::trim_padded(ck_info.libraryDescription, sizeof ck_info.libraryDescription);
            info.library_version = version_text(ck_info.libraryVersion);
            info.cryptoki_version = version_text(ck_info.cryptokiVersion);
        }
        return std::shared_ptr<Module>(new Module(std::move(info), handle, std::move(table), owns));
    }
};

Module::Module(ModuleInfo info, void* handle, std::unique_ptr<detail::FunctionTable> functions, bool owns_init)
    : m_info(std::move(info)), m_handle(handle), m_functions(std::move(functions)), m_owns_initialization(owns_init) {}

Module::~Module() {
    if (m_owns_initialization) m_functions->f->C_Finalize(nullptr);
    ::dlclose(m_handle);
}

bool Module::is_yubico_piv() const noexcept { return m_info.manufacturer.rfind("Yubico", 0) == 0; }

std::optional<std::string> missing_softhsm_store(const std::string& conf_path) {
    const std::string conf = conf_path.empty() ? "/etc/softhsm/softhsm2.conf" : conf_path;
    std::ifstream in(conf);
    std::string line;
    while (in && std::getline(in, line)) {
        const auto key = line.find("directories.tokendir");
        if (key == std::string::npos || line.find_first_not_of(" \t") != key) continue;
        const auto eq = line.find('=', key);
        if (eq == std::string::npos) continue;
        std::string dir = line.substr(eq + 1);
        dir.erase(0, dir.find_first_not_of(" \t"));
        dir.erase(dir.find_last_not_of(" \t\r") + 1);
        struct stat st {};
        if (dir.empty() || ::stat(dir.c_str(), &st) == 0) return std::nullopt;
        return fmt::format(
            "the SoftHSM2 token store {} (directories.tokendir in {}) does not exist: it was removed or moved; "
            "restore it from a backup, or check SOFTHSM2_CONF names the configuration of your store, then run the "
            "command again",
            dir, conf);
    }
    return std::nullopt;
}

core::Result<std::shared_ptr<Module>> Module::open(const std::string& path) {
    if (path.empty()) return Error(ErrorCode::usage, "no PKCS#11 module given (use --module PATH)");
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    if (auto it = r.modules.find(path); it != r.modules.end()) {
        if (auto live = it->second.lock()) return live;
    }
    TUFKEY_TRY(auto module, Private::load(path));
    r.modules[path] = module;
    return module;
}

std::vector<std::string> default_module_paths() {
    return {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/libykcs11.so",
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"};
}

std::vector<ModuleProbe> probe_modules(const std::vector<std::string>& candidates) {
    std::vector<ModuleProbe> probes;
    for (const auto& path : candidates) {
        ModuleProbe probe;
        probe.path = path;
        struct stat st {};
        probe.installed = ::stat(path.c_str(), &st) == 0;
        if (!probe.installed) {
            probe.problem = "not installed";
            probes.push_back(std::move(probe));
            continue;
        }
        auto module = Module::open(path);
        if (!module) {
            probe.problem = module.error().message;
        } else if (auto slots = list_slots(**module); !slots) {
            probe.problem = slots.error().message;
        } else {
            for (const auto& slot : *slots) {
                if (slot.token && slot.token->flags.initialized) ++probe.tokens;
            }
            if (probe.tokens == 0) probe.problem = "no initialised token";
        }
        probes.push_back(std::move(probe));
    }
    return probes;
}

core::Result<std::string> resolve_module_path(const std::string& configured,
                                              const std::vector<std::string>& candidates) {
    if (!configured.empty()) return configured;
    std::vector<std::string> with_token;
    std::string tried;
    for (const auto& probe : probe_modules(candidates)) {
        if (probe.tokens > 0) with_token.push_back(probe.path);
        if (!tried.empty()) tried += "; ";
        tried += fmt::format("{}: {}", probe.path,
                             probe.problem ? *probe.problem : fmt::format("{} token(s)", probe.tokens));
    }
    if (with_token.size() == 1) return with_token.front();
    if (with_token.empty()) {
        return Error(
            ErrorCode::token,
            fmt::format("no PKCS#11 module with a token found ({}); plug in the token or pass --module PATH", tried));
    }
    std::string list;
    for (const auto& p : with_token) list += (list.empty() ? "" : ", ") + p;
    return Error(
        ErrorCode::token,
        fmt::format("several PKCS#11 modules have a token ({}); choose one with --module PATH or TUFKEY_PKCS11_MODULE",
                    list));
}

}  // namespace tufkey::pkcs11
