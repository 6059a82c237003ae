#include "ceremony_context.h"

#include "output.h"

namespace tufkey::cli {

core::Result<std::unique_ptr<CeremonyContext>> CeremonyContext::create(const GlobalOptions& globals) {
    TUFKEY_TRY(auto pins, pkcs11::CliPinSource::create(globals.pin_files, globals.interaction.terminal(),
                                                       globals.interaction.environment()));
    return std::unique_ptr<CeremonyContext>(new CeremonyContext(globals, std::move(pins)));
}

CeremonyContext::CeremonyContext(const GlobalOptions& globals, std::unique_ptr<pkcs11::CliPinSource> pins)
    : m_home(globals.resolved_home()),
      m_passphrases(globals.interaction.terminal(), globals.interaction.environment()),
      m_pins(std::move(pins)),
      m_access{m_home,
               m_passphrases,
               *m_pins,
               module_settings(globals),
               globals.yes,
               [](std::string_view w) { print_warning(w); },
               [](std::string_view line) { print_note(line); }} {}

ceremony::ModuleSettings module_settings(const GlobalOptions& globals) {
    return ceremony::ModuleSettings{globals.module, globals.module_environment(),
                                    globals.interaction.variable("SOFTHSM2_CONF")};
}

}  // namespace tufkey::cli
