#include "test_token.h"

namespace tufkey::testing {
namespace {

class SoftHsmToken final : public TestToken {
public:
    SoftHsmToken(const std::string& label, std::vector<std::string> labels)
        : m_store(SoftHsmOptions{std::move(labels)}), m_label(label) {}
    [[nodiscard]] TokenModule kind() const noexcept override { return TokenModule::softhsm; }
    [[nodiscard]] std::string module_path() const override { return k_softhsm_module; }
    [[nodiscard]] std::string label() const override { return m_label; }
    [[nodiscard]] std::map<std::string, std::optional<std::string>> env() const override { return m_store.env(); }
    [[nodiscard]] std::filesystem::path store_dir() const override { return m_store.dir() / "tokens"; }
    [[nodiscard]] bool offers(core::KeyType) const noexcept override { return true; }

protected:
    [[nodiscard]] std::filesystem::path scratch_dir() const override { return m_store.dir(); }

private:
    SoftHsmStore m_store;
    std::string m_label;
};

class TpmTestToken final : public TestToken {
public:
    explicit TpmTestToken(const std::string& label) : m_tpm(label) {}
    [[nodiscard]] TokenModule kind() const noexcept override { return TokenModule::tpm; }
    [[nodiscard]] std::string module_path() const override { return k_tpm_module; }
    [[nodiscard]] std::string label() const override { return m_tpm.label(); }
    [[nodiscard]] std::map<std::string, std::optional<std::string>> env() const override { return m_tpm.env(); }
    [[nodiscard]] std::filesystem::path store_dir() const override { return m_tpm.store_dir(); }
    // tpm2-pkcs11 1.9 on a TPM 2.0: ECDSA P-256/P-384, RSA up to 3072 bits; no EdDSA.
    [[nodiscard]] bool offers(core::KeyType type) const noexcept override {
        return type != core::KeyType::ed25519 && type != core::KeyType::rsa_4096;
    }

protected:
    [[nodiscard]] std::filesystem::path scratch_dir() const override { return m_tpm.dir(); }

private:
    TpmToken m_tpm;
};

}  // namespace

std::string to_string(TokenModule module) { return module == TokenModule::tpm ? "Tpm" : "SoftHsm"; }

std::filesystem::path TestToken::write_pin_file(const std::string& pin, const std::string& name) const {
    const auto path = scratch_dir() / name;
    write_secret_text(path, pin + "\n");
    return path;
}

std::unique_ptr<TestToken> make_test_token(TokenModule module, const std::string& label,
                                           const std::vector<std::string>& more_softhsm_labels) {
    if (module == TokenModule::tpm) return std::make_unique<TpmTestToken>(label);
    std::vector<std::string> labels{label};
    labels.insert(labels.end(), more_softhsm_labels.begin(), more_softhsm_labels.end());
    return std::make_unique<SoftHsmToken>(label, std::move(labels));
}

}  // namespace tufkey::testing
