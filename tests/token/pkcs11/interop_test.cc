// Interop both ways: keys tufkey generates are usable by libp11 + OpenSSL EVP and by
// pkcs11-tool; a key pkcs11-tool generates is usable by tufkey. (ECDSA keys through libp11 and
// pkcs11-tool on SoftHSM and the TPM: across_tokens_test.cc.)
#include <gtest/gtest.h>

#include "token_fixture.h"
#include "tufkey/core/digest.h"

namespace tufkey::testing {
namespace {

using core::HashAlgorithm;
using core::SignatureEncoding;

ProcessOptions with_store(const SoftHsmStore& store) {
    ProcessOptions po;
    po.env = store.env();
    po.timeout = std::chrono::seconds(60);
    return po;
}

core::Bytes read_bytes(const std::filesystem::path& path) { return core::to_bytes(read_text(path)); }

TEST(TokenInterop, Libp11SignsRsaPssWithAnRsaKeyTufkeyGenerated) {
    std::optional<core::PublicKey> pub;
    auto store = SoftHsmStore::copy_of_template("rsa3072-v1", SoftHsmOptions{}, [] {
        auto session = open_logged_in();
        ASSERT_TRUE(session);
        pkcs11::KeyGenRequest request;
        request.type = core::KeyType::rsa_3072;
        request.label = "root-rsa";
        request.id = {0x03};
        ASSERT_TRUE(pkcs11::generate_key_pair(*session, request).ok());
    });
    {
        auto session = open_logged_in();
        ASSERT_TRUE(session);
        auto key = pkcs11::find_key(*session, *pkcs11::Uri::parse("pkcs11:object=root-rsa"));
        ASSERT_TRUE(key.ok()) << key.error().message;
        pub = key->public_key;
    }
    TempDir dir("tufkey-libp11");
    write_text(dir / "msg", "rsa-pss by libp11");
    const auto run = run_process({TUFKEY_LIBP11_SIGN, k_softhsm_module, "tufkey-test", "root-rsa",
                                  store->write_pin_file().string(), (dir / "msg").string(), (dir / "sig").string()},
                                 with_store(*store));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(pub->verify({HashAlgorithm::sha256, SignatureEncoding::rsa_pss}, core::as_bytes(read_text(dir / "msg")),
                            read_bytes(dir / "sig"))
                    .ok());
}

TEST(TokenInterop, TufkeyUsesAKeyPkcs11ToolGenerated) {
    SoftHsmStore store;
    const auto gen = run_process(
        {"pkcs11-tool", "--module", k_softhsm_module, "--token-label", "tufkey-test", "--login", "--pin",
         k_test_user_pin, "--keypairgen", "--key-type", "EC:prime256v1", "--label", "tool-p256", "--id", "10"},
        with_store(store));
    ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
    auto session = open_logged_in();
    ASSERT_TRUE(session);
    auto key = pkcs11::find_key(*session, *pkcs11::Uri::parse("pkcs11:token=tufkey-test;object=tool-p256;id=%10"));
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->type, "ecdsa-p256");
    ASSERT_TRUE(key->attributes.has_value());
    EXPECT_TRUE(key->attributes->local);
    auto signer = pkcs11::TokenSigner::create(session, *key);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    const core::SignatureScheme scheme{HashAlgorithm::sha256, SignatureEncoding::ecdsa_der};
    auto sig = (*signer)->sign(scheme, core::as_bytes("tufkey signs with a pkcs11-tool key"));
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(key->public_key->verify(scheme, core::as_bytes("tufkey signs with a pkcs11-tool key"), *sig).ok());
}

}  // namespace
}  // namespace tufkey::testing
