// PinSource: --pin-file LABEL=FILE / FILE, TUFKEY_PKCS11_PIN, and no prompt without a terminal.
#include <gtest/gtest.h>

#include "fake_terminal.h"
#include "temp_dir.h"
#include "tufkey/pkcs11/pin_source.h"

namespace tufkey::testing {
namespace {

pkcs11::TokenInfo token(const std::string& label) {
    pkcs11::TokenInfo t;
    t.label = label;
    t.serial = "0001";
    return t;
}

class PinSourceTest : public ::testing::Test {
protected:
    TempDir dir{"tufkey-pin"};
    FakeTerminal no_terminal{false};
};

TEST_F(PinSourceTest, LabelledFileWinsOverPlainFileAndEnvironment) {
    write_secret_text(dir / "a.pin", "1111-a\n");
    write_secret_text(dir / "any.pin", "2222-any\r\n");
    auto pins = pkcs11::CliPinSource::create({"alpha=" + (dir / "a.pin").string(), (dir / "any.pin").string()},
                                             no_terminal, env_of({{"TUFKEY_PKCS11_PIN", "3333-env"}}));
    ASSERT_TRUE(pins.ok());
    auto a = (*pins)->pin_for(token("alpha"));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->reveal_as_chars(), "1111-a");
    auto b = (*pins)->pin_for(token("beta"));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->reveal_as_chars(), "2222-any");
}

TEST_F(PinSourceTest, EnvironmentIsUsedWithoutFiles) {
    auto pins = pkcs11::CliPinSource::create({}, no_terminal, env_of({{"TUFKEY_PKCS11_PIN", "3333-env"}}));
    ASSERT_TRUE(pins.ok());
    auto pin = (*pins)->pin_for(token("alpha"));
    ASSERT_TRUE(pin.ok());
    EXPECT_EQ(pin->reveal_as_chars(), "3333-env");
}

TEST_F(PinSourceTest, NoPinAndNoTerminalNamesTheOptions) {
    auto pins = pkcs11::CliPinSource::create({}, no_terminal, env_of({}));
    ASSERT_TRUE(pins.ok());
    auto pin = (*pins)->pin_for(token("alpha"));
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().message.find("--pin-file"), std::string::npos);
    EXPECT_NE(pin.error().message.find("TUFKEY_PKCS11_PIN"), std::string::npos);
    EXPECT_NE(pin.error().message.find("'alpha'"), std::string::npos);
    EXPECT_TRUE(no_terminal.prompts.empty());
}

TEST_F(PinSourceTest, PromptsOnTheTerminalItIsGivenNamingTheToken) {
    FakeTerminal terminal(true);
    terminal.answer("4444-typed");
    auto pins = pkcs11::CliPinSource::create({}, terminal, env_of({}));
    ASSERT_TRUE(pins.ok());
    auto pin = (*pins)->pin_for(token("alpha"));
    ASSERT_TRUE(pin.ok());
    EXPECT_EQ(pin->reveal_as_chars(), "4444-typed");
    ASSERT_EQ(terminal.prompts.size(), 1U);
    EXPECT_NE(terminal.prompts.front().find("'alpha'"), std::string::npos);
}

TEST_F(PinSourceTest, BadSpecsAndFilesAreErrorsThatDoNotShowThePin) {
    EXPECT_FALSE(pkcs11::CliPinSource::create({"a=x", "a=y"}, no_terminal, env_of({})).ok());
    EXPECT_FALSE(pkcs11::CliPinSource::create({"x", "y"}, no_terminal, env_of({})).ok());
    write_secret_text(dir / "empty.pin", "\n");
    EXPECT_FALSE(pkcs11::read_pin_file((dir / "empty.pin").string()).ok());
    auto missing = pkcs11::read_pin_file((dir / "missing.pin").string());
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("missing.pin"), std::string::npos);
}

TEST_F(PinSourceTest, RecognisesWellKnownDefaults) {
    EXPECT_TRUE(pkcs11::is_well_known_default_pin(core::SecretBytes::copy_of(std::string_view("123456"))));
    EXPECT_FALSE(pkcs11::is_well_known_default_pin(core::SecretBytes::copy_of(std::string_view("24681357"))));
}

}  // namespace
}  // namespace tufkey::testing
