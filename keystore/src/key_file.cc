// Encrypted key blocks: inspection, decryption and Notary-compatible encryption.
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>

#include "notary_pkcs8.h"
#include "tufkey/core/openssl_handles.h"
#include "tufkey/core/pem.h"
#include "tufkey/keystore/key_file.h"

namespace tufkey::keystore {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

struct Pbe2ParamDeleter {
    void operator()(PBE2PARAM* p) const noexcept { PBE2PARAM_free(p); }
};
struct Pbkdf2ParamDeleter {
    void operator()(PBKDF2PARAM* p) const noexcept { PBKDF2PARAM_free(p); }
};
struct ScryptParamsDeleter {
    void operator()(SCRYPT_PARAMS* p) const noexcept { SCRYPT_PARAMS_free(p); }
};
struct PbeParamDeleter {
    void operator()(PBEPARAM* p) const noexcept { PBEPARAM_free(p); }
};

std::string short_name(const ASN1_OBJECT* obj) {
    int nid = OBJ_obj2nid(obj);
    if (nid != NID_undef) return OBJ_nid2sn(nid);
    char buf[128];
    OBJ_obj2txt(buf, sizeof buf, obj, 1);
    return buf;
}

bool read_uint64(const ASN1_INTEGER* in, std::uint64_t& out) {
    return in != nullptr && ASN1_INTEGER_get_uint64(&out, in) == 1;
}

// scrypt's N, r and p (RFC 7914 section 7.1).
bool inspect_scrypt(const ASN1_TYPE* parameter, KeyProtection& out) {
    std::unique_ptr<SCRYPT_PARAMS, ScryptParamsDeleter> params(
        static_cast<SCRYPT_PARAMS*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), parameter)));
    if (!params) return false;
    out.kdf = "scrypt";
    return read_uint64(params->costParameter, out.iterations) && read_uint64(params->blockSize, out.scrypt_r) &&
           read_uint64(params->parallelizationParameter, out.scrypt_p);
}

// A PBES1 scheme (PKCS#5 v1.5 or PKCS#12 PBE): its iteration count.
bool inspect_pbes1(const X509_ALGOR* alg, KeyProtection& out) {
    out.kdf = short_name(alg->algorithm);  // OpenSSL may still decrypt it
    std::unique_ptr<PBEPARAM, PbeParamDeleter> params(
        static_cast<PBEPARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), alg->parameter)));
    return params && read_uint64(params->iter, out.iterations);
}

core::X509SigPtr parse_x509_sig(const SecretBytes& der) {
    const unsigned char* p = der.reveal().data();
    core::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (sig && p != der.reveal().data() + der.size()) sig.reset();
    return sig;
}

// Reads the PBES2 parameters; false when the structure is not PBES2 as PKCS#5 defines it.
bool inspect_pbes2(const X509_SIG* sig, KeyProtection& out) {
    const X509_ALGOR* alg = nullptr;
    X509_SIG_get0(sig, &alg, nullptr);
    out.kind = KeyProtection::Kind::pbes2;
    if (OBJ_obj2nid(alg->algorithm) != NID_pbes2) return inspect_pbes1(alg, out);
    std::unique_ptr<PBE2PARAM, Pbe2ParamDeleter> pbe2(
        static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter)));
    if (!pbe2 || pbe2->keyfunc == nullptr || pbe2->encryption == nullptr) return false;
    out.cipher = short_name(pbe2->encryption->algorithm);
    int kdf_nid = OBJ_obj2nid(pbe2->keyfunc->algorithm);
    if (kdf_nid == NID_id_scrypt) return inspect_scrypt(pbe2->keyfunc->parameter, out);
    if (kdf_nid != NID_id_pbkdf2) {
        out.kdf = short_name(pbe2->keyfunc->algorithm);
        return true;
    }
    out.kdf = "pbkdf2";
    std::unique_ptr<PBKDF2PARAM, Pbkdf2ParamDeleter> kdf(
        static_cast<PBKDF2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
    if (!kdf) return false;
    if (!read_uint64(kdf->iter, out.iterations)) return false;
    out.prf_field = kdf->prf != nullptr;
    out.prf = kdf->prf != nullptr ? short_name(kdf->prf->algorithm) : std::string("hmacWithSHA1");
    return true;
}

Error corrupt(const std::string& origin, const std::string& what) {
    return Error(ErrorCode::key, "damaged key file " + origin + ": " + what +
                                     " (restore it from a backup or remove it with 'tufkey key remove')");
}

// A file may ask for any work factor; one far above what any writer uses would hold the home
// lock for minutes or hours (2^31-1 PBKDF2 rounds: about 20 minutes) before failing. Checked on
// the parameters alone, before any derivation.
Result<void> check_work_factor(const KeyProtection& p, const std::string& origin) {
    const std::string restore = ": a damaged or hostile key file; restore it from a backup";
    if (p.kdf == "scrypt") {
        const std::uint64_t n = p.iterations, r = p.scrypt_r, q = p.scrypt_p;
        const bool shape_ok = n >= 2 && (n & (n - 1)) == 0 && n <= kMaxScryptN && r >= 1 && r <= kMaxScryptR &&
                              q >= 1 && q <= kMaxScryptP;
        if (!shape_ok || 128 * r * (n + q + 2) > kMaxScryptMemory)
            return Error(ErrorCode::key, origin + " asks for scrypt N=" + std::to_string(n) +
                                             " r=" + std::to_string(r) + " p=" + std::to_string(q) +
                                             ", beyond what tufkey accepts (N a power of two up to 2^20, r up to 32, "
                                             "p up to 16, at most 32 MiB)" +
                                             restore);
        return core::success();
    }
    if (p.iterations > kMaxKdfIterations)
        return Error(ErrorCode::key, origin + " asks for " + std::to_string(p.iterations) + " " +
                                         (p.kdf == "pbkdf2" ? "PBKDF2" : p.kdf) + " iterations, more than the " +
                                         std::to_string(kMaxKdfIterations) +
                                         " tufkey accepts (it writes 600,000; Notary 2,048)" + restore);
    return core::success();
}

Error wrong_passphrase(const std::string& origin) { return Error(ErrorCode::key, "wrong passphrase for " + origin); }

int pem_password_callback(char* buf, int size, int /*rwflag*/, void* userdata) {
    const auto* pass = static_cast<const SecretBytes*>(userdata);
    if (pass->size() > static_cast<std::size_t>(size)) return -1;
    std::copy(pass->reveal().begin(), pass->reveal().end(), reinterpret_cast<std::uint8_t*>(buf));
    return static_cast<int>(pass->size());
}

// RFC 1423 ("traditional") encryption: OpenSSL's PEM reader does it; hand it only the
// Proc-Type and DEK-Info headers, which are the only ones it accepts.
Result<std::unique_ptr<core::SoftwareSigner>> decrypt_rfc1423(const KeyPemBlock& block, const SecretBytes& pass,
                                                              const std::string& origin) {
    core::PemBlock armour;
    armour.type = block.type;
    armour.headers = {{"Proc-Type", block.header("Proc-Type").value_or("")},
                      {"DEK-Info", block.header("DEK-Info").value_or("")}};
    armour.der.assign(block.der.reveal().begin(), block.der.reveal().end());
    const std::string text = core::encode_pem(armour);
    core::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) return Error(ErrorCode::internal, "out of memory");
    core::EvpPkeyPtr pkey(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, pem_password_callback, const_cast<SecretBytes*>(&pass)));
    ERR_clear_error();
    if (!pkey) return wrong_passphrase(origin);
    return core::SoftwareSigner::adopt(std::move(pkey), origin);
}

}  // namespace

Result<PrivateKeyBlock> PrivateKeyBlock::from_pem(KeyPemBlock block, std::string origin) {
    KeyProtection protection;
    if (block.type == "ENCRYPTED PRIVATE KEY") {
        auto sig = parse_x509_sig(block.der);
        if (!sig || !inspect_pbes2(sig.get(), protection)) {
            ERR_clear_error();
            return corrupt(origin, "the encrypted key is not a valid PKCS#8 EncryptedPrivateKeyInfo");
        }
        TUFKEY_TRY_VOID(check_work_factor(protection, origin));
        return PrivateKeyBlock(std::move(block), std::move(protection), std::move(origin));
    }
    if (block.type != "PRIVATE KEY" && block.type != "EC PRIVATE KEY" && block.type != "RSA PRIVATE KEY") {
        return Error(ErrorCode::key, origin + ": a \"" + block.type + "\" PEM block is not a private key tufkey reads");
    }
    auto proc = block.header("Proc-Type");
    if (proc && proc->find("ENCRYPTED") != std::string::npos) {
        auto dek = block.header("DEK-Info");
        if (!dek || block.type == "PRIVATE KEY") return corrupt(origin, "an encrypted legacy block without DEK-Info");
        protection.kind = KeyProtection::Kind::rfc1423;
        protection.kdf = "EVP_BytesToKey-MD5";
        protection.iterations = 1;
        protection.cipher = dek->substr(0, dek->find(','));
    }
    return PrivateKeyBlock(std::move(block), std::move(protection), std::move(origin));
}

Result<std::optional<std::unique_ptr<core::SoftwareSigner>>> PrivateKeyBlock::try_decrypt(
    const SecretBytes& passphrase) const {
    using Opened = std::optional<std::unique_ptr<core::SoftwareSigner>>;
    if (m_protection.kind == KeyProtection::Kind::plain) {
        TUFKEY_TRY(auto signer, load_plain());
        return Opened(std::move(signer));
    }
    if (m_protection.kind == KeyProtection::Kind::rfc1423) {
        auto signer = decrypt_rfc1423(m_block, passphrase, m_origin);
        if (!signer) return Opened();
        return Opened(std::move(signer).value());
    }
    auto sig = parse_x509_sig(m_block.der);
    if (!sig) return corrupt(m_origin, "the encrypted key does not parse");
    core::Pkcs8InfoPtr p8(
        PKCS8_decrypt(sig.get(), passphrase.reveal_as_chars().data(), static_cast<int>(passphrase.size())));
    ERR_clear_error();
    if (!p8) return Opened();
    auto signer = detail::signer_from_pkcs8(p8.get(), m_origin);
    if (!signer) return Opened();  // a wrong passphrase can pass the padding check
    return Opened(std::move(signer).value());
}

Result<std::unique_ptr<core::SoftwareSigner>> PrivateKeyBlock::decrypt(const SecretBytes& passphrase) const {
    TUFKEY_TRY(auto opened, try_decrypt(passphrase));
    if (!opened) return wrong_passphrase(m_origin);
    return std::move(*opened);
}

Result<std::unique_ptr<core::SoftwareSigner>> PrivateKeyBlock::load_plain() const {
    if (encrypted()) return Error(ErrorCode::internal, "load_plain on an encrypted key block");
    auto signer = parse_private_key_der(m_block.der, m_origin);
    if (!signer) return corrupt(m_origin, "the private key does not parse");
    return signer;
}

std::string PrivateKeyBlock::rearmour(const KeyHeaders& headers) const {
    core::PemBlock block;
    block.type = m_block.type;
    if (!headers.gun.empty()) block.headers.emplace_back("gun", headers.gun);
    if (!headers.path.empty()) block.headers.emplace_back("path", headers.path);
    if (!headers.role.empty()) block.headers.emplace_back("role", headers.role);
    for (const auto& [k, v] : m_block.headers) {
        if (k == "Proc-Type" || k == "DEK-Info") block.headers.emplace_back(k, v);
    }
    std::sort(block.headers.begin(), block.headers.end());
    block.der.assign(m_block.der.reveal().begin(), m_block.der.reveal().end());
    return core::encode_pem(block);
}

Result<std::string> encrypt_key_pem(const core::SoftwareSigner& key, const SecretBytes& passphrase,
                                    const KeyHeaders& headers, std::uint32_t iterations) {
    TUFKEY_TRY(SecretBytes plain, notary_pkcs8_der(key));
    const unsigned char* p = plain.reveal().data();
    core::Pkcs8InfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(plain.size())));
    if (!p8) return Error(ErrorCode::internal, "cannot encode the private key: " + core::openssl_error_text());
    // NID_hmacWithSHA1 makes OpenSSL leave the PRF field out, which is what Notary reads.
    core::X509AlgorPtr pbe(
        PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), static_cast<int>(iterations), nullptr, 16, nullptr, NID_hmacWithSHA1));
    if (!pbe) return Error(ErrorCode::internal, "cannot set up PBES2: " + core::openssl_error_text());
    core::X509SigPtr sig(
        PKCS8_set0_pbe(passphrase.reveal_as_chars().data(), static_cast<int>(passphrase.size()), p8.get(), pbe.get()));
    if (!sig) return Error(ErrorCode::internal, "cannot encrypt the private key: " + core::openssl_error_text());
    (void)pbe.release();  // owned by `sig` now
    unsigned char* der = nullptr;
    int len = i2d_X509_SIG(sig.get(), &der);
    if (len <= 0) return Error(ErrorCode::internal, "cannot encode the encrypted key");
    core::PemBlock block;
    block.type = "ENCRYPTED PRIVATE KEY";
    if (!headers.gun.empty()) block.headers.emplace_back("gun", headers.gun);
    if (!headers.path.empty()) block.headers.emplace_back("path", headers.path);
    if (!headers.role.empty()) block.headers.emplace_back("role", headers.role);
    block.der.assign(der, der + len);
    OPENSSL_free(der);
    return core::encode_pem(block);
}

}  // namespace tufkey::keystore
