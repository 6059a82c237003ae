// PinSource: --pin-file LABEL=FILE / FILE, TUFKEY_PKCS11_PIN, and no prompt without a terminal.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

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

// Like a key file, a PIN file that anyone but its owner can read or write is refused (ErrorCode::
// refused, exit 5), naming the chmod that fixes it and never the PIN; 0600 and 0400 are read.
TEST_F(PinSourceTest, APinFileOthersCanReachIsRefused) {
    const auto file = dir / "loose.pin";
    write_secret_text(file, "5555-loose\n");
    for (const ::mode_t mode : {0640, 0620, 0604, 0602, 0660, 0644, 0610}) {
        ASSERT_EQ(::chmod(file.c_str(), mode), 0);
        auto refused = pkcs11::read_pin_file(file.string());
        ASSERT_FALSE(refused.ok()) << std::oct << mode;
        EXPECT_EQ(refused.error().code, core::ErrorCode::refused) << std::oct << mode;
        EXPECT_NE(refused.error().message.find("chmod 600 " + file.string()), std::string::npos)
            << refused.error().message;
        EXPECT_EQ(refused.error().message.find("5555"), std::string::npos) << "the PIN leaked into the error";
        // The same refusal through the PIN source the commands use.
        auto pins = pkcs11::CliPinSource::create({file.string()}, no_terminal, env_of({}));
        if (pins.ok()) {
            auto pin = (*pins)->pin_for(token("alpha"));
            EXPECT_FALSE(pin.ok()) << std::oct << mode;
        }
    }
    for (const ::mode_t mode : {0600, 0400}) {
        ASSERT_EQ(::chmod(file.c_str(), mode), 0);
        auto pin = pkcs11::read_pin_file(file.string());
        ASSERT_TRUE(pin.ok()) << std::oct << mode << ": " << pin.error().message;
        EXPECT_EQ(pin->reveal_as_chars(), "5555-loose");
    }
}

TEST_F(PinSourceTest, AFifoAsPinFileIsRefusedNotWaitedOn) {
    const auto fifo = dir / "pin.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto start = std::chrono::steady_clock::now();
    auto refused = pkcs11::read_pin_file(fifo.string());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::io);
    EXPECT_NE(refused.error().message.find("not a regular file"), std::string::npos) << refused.error().message;
}

TEST_F(PinSourceTest, RecognisesWellKnownDefaults) {
    EXPECT_TRUE(pkcs11::is_well_known_default_pin(core::SecretBytes::copy_of(std::string_view("123456"))));
    EXPECT_FALSE(pkcs11::is_well_known_default_pin(core::SecretBytes::copy_of(std::string_view("24681357"))));
}

}  // namespace
}  // namespace tufkey::testing
