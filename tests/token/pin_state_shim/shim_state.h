// Test-side view of pin_state_shim's state file (see pin_state_shim.cc): the emulated PIV
// retry counter, how many C_Login calls the shim saw, and whether it reports PIN flags.
//
// Tests write a state before running tufkey (e.g. tries=1 for "final try", tries=0 for
// "locked") and read it back afterwards to prove how many login attempts were made.
// Needs TUFKEY_PIN_STATE_SHIM (the built module's path) from the test's CMakeLists.txt.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tufkey::testing {

// The shim module under test; pass it with --module, TUFKEY_PKCS11_MODULE or Module::open.
inline const char* pin_state_shim_path() { return TUFKEY_PIN_STATE_SHIM; }

struct ShimState final {
    long tries = 3;            // PIN tries left: 2 count-low, 1 final-try, 0 locked
    long logins = 0;           // C_Login calls made so far (every user type)
    bool report_flags = true;  // false: the shim reports no PIN flags at all
};

// A missing file reads as the shim's defaults (tries=3, logins=0, flags reported).
inline ShimState read_shim_state(const std::filesystem::path& path) {
    ShimState s;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        long value = 0;
        if (std::sscanf(line.c_str(), "tries=%ld", &value) == 1)
            s.tries = value;
        else if (std::sscanf(line.c_str(), "logins=%ld", &value) == 1)
            s.logins = value;
        else if (std::sscanf(line.c_str(), "report_flags=%ld", &value) == 1)
            s.report_flags = value != 0;
    }
    return s;
}

inline void write_shim_state(const std::filesystem::path& path, const ShimState& s) {
    std::ofstream out(path, std::ios::trunc);
    out << "tries=" << s.tries << "\nlogins=" << s.logins << "\nreport_flags=" << (s.report_flags ? 1 : 0) << "\n";
    if (!out) throw std::runtime_error("cannot write shim state " + path.string());
}

}  // namespace tufkey::testing
