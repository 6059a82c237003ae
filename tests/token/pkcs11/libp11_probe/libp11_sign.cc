// libp11_sign MODULE TOKEN_LABEL KEY_LABEL PIN_FILE MESSAGE_FILE SIGNATURE_OUT
//
// Signs MESSAGE_FILE with the token key KEY_LABEL through libp11 0.4.x and OpenSSL EVP
// (SHA-256; ECDSA gives DER, RSA uses PSS with MGF1-SHA256 and a 32-byte salt). Follows the
// call order of the PKCS#11 lab report (count slots first, skip uninitialised tokens, never
// PKCS11_update_slots). Exit 0 on success, 1 with a message on stderr otherwise.
#include <libp11.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int fail(const char* what) {
    std::fprintf(stderr, "libp11_sign: %s\n", what);
    return 1;
}

int sign_with(EVP_PKEY* key, const std::string& message, const char* out_path) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestSignInit(md, &pctx, EVP_sha256(), nullptr, key) != 1) return fail("EVP_DigestSignInit");
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256());
    }
    const auto* data = reinterpret_cast<const unsigned char*>(message.data());
    size_t length = 0;
    if (EVP_DigestSign(md, nullptr, &length, data, message.size()) != 1) return fail("EVP_DigestSign (size)");
    std::vector<unsigned char> sig(length);
    if (EVP_DigestSign(md, sig.data(), &length, data, message.size()) != 1) return fail("EVP_DigestSign");
    EVP_MD_CTX_free(md);
    std::ofstream(out_path, std::ios::binary)
        .write(reinterpret_cast<const char*>(sig.data()), static_cast<long>(length));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7) return fail("usage: libp11_sign MODULE TOKEN_LABEL KEY_LABEL PIN_FILE MESSAGE_FILE SIGNATURE_OUT");
    std::string pin = read_file(argv[4]);
    while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.pop_back();
    PKCS11_CTX* ctx = PKCS11_CTX_new();
    if (PKCS11_CTX_load(ctx, argv[1]) != 0) return fail("PKCS11_CTX_load");
    unsigned int nslots = 0;
    PKCS11_SLOT* slots = nullptr;
    if (PKCS11_enumerate_slots(ctx, nullptr, &nslots) != 0 || nslots == 0) return fail("no slots");
    if (PKCS11_enumerate_slots(ctx, &slots, &nslots) != 0) return fail("PKCS11_enumerate_slots");
    PKCS11_SLOT* slot = nullptr;
    for (unsigned int i = 0; i < nslots; ++i) {
        const PKCS11_TOKEN* t = slots[i].token;
        if (t != nullptr && t->initialized && std::strcmp(t->label, argv[2]) == 0) slot = &slots[i];
    }
    if (slot == nullptr) return fail("token not found");
    if (PKCS11_open_session(slot, 0) != 0) return fail("PKCS11_open_session");
    if (PKCS11_login(slot, 0, pin.c_str()) != 0) return fail("PKCS11_login");
    PKCS11_KEY* keys = nullptr;
    unsigned int nkeys = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &nkeys) != 0) return fail("PKCS11_enumerate_keys");
    EVP_PKEY* key = nullptr;
    for (unsigned int i = 0; i < nkeys && key == nullptr; ++i) {
        if (keys[i].label != nullptr && std::strcmp(keys[i].label, argv[3]) == 0)
            key = PKCS11_get_private_key(&keys[i]);
    }
    if (key == nullptr) return fail("key not found");
    const int rc = sign_with(key, read_file(argv[5]), argv[6]);
    EVP_PKEY_free(key);
    PKCS11_release_all_slots(ctx, slots, nslots);
    PKCS11_CTX_unload(ctx);
    PKCS11_CTX_free(ctx);
    return rc;
}
