// CeremonyContext: what a ceremony command needs from the command line and the process: the
// trust home, passphrases (environment, then prompt), token PINs (--pin-file,
// TUFKEY_PKCS11_PIN, then prompt) and the module settings; bundled as a ceremony::KeyAccess.
// The terminal and the environment behind the passphrase and PIN sources are the interaction
// object's (interaction.h).
#pragma once

#include <memory>

#include "command.h"
#include "tufkey/ceremony/key_access.h"
#include "tufkey/keystore/passphrase.h"
#include "tufkey/keystore/trust_home.h"
#include "tufkey/pkcs11/pin_source.h"

namespace tufkey::cli {

class CeremonyContext final {
public:
    static core::Result<std::unique_ptr<CeremonyContext>> create(const GlobalOptions& globals);

    [[nodiscard]] ceremony::KeyAccess& access() noexcept { return m_access; }
    [[nodiscard]] const keystore::TrustHome& home() const noexcept { return m_home; }

private:
    CeremonyContext(const GlobalOptions& globals, std::unique_ptr<pkcs11::CliPinSource> pins);

    keystore::TrustHome m_home;
    keystore::PassphraseSource m_passphrases;
    std::unique_ptr<pkcs11::CliPinSource> m_pins;
    ceremony::KeyAccess m_access;
};

// --module and $TUFKEY_PKCS11_MODULE as the ceremonies rank them.
ceremony::ModuleSettings module_settings(const GlobalOptions& globals);

}  // namespace tufkey::cli
