// Crash safety and secrecy of the real binary: SIGKILL at random moments during generate,
// import and passwd leaves the old or the new state, never a partial key file; and no
// plaintext private key (PEM or raw bytes) is ever found in the home.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <chrono>
#include <random>
#include <thread>

#include "fake_terminal.h"
#include "child.h"
#include "cli_env.h"
#include "temp_dir.h"
#include "tufkey/core/public_key.h"
#include "tufkey/keystore/key_operations.h"
#include "tufkey/tuf/key_id.h"

namespace {

namespace core = tufkey::core;
namespace keystore = tufkey::keystore;
namespace tt = tufkey::testing;
namespace fs = std::filesystem;

constexpr int kRounds = 14;
const std::string kVar = "TUFKEY_DELEGATION_PASSPHRASE";

keystore::PassphraseSource source_with(keystore::Terminal& term, const std::string& pass) {
    return keystore::PassphraseSource(term, [pass](const std::string& name) -> std::optional<core::SecretBytes> {
        if (name == kVar || name == "TUFKEY_TARGETS_PASSPHRASE") return core::SecretBytes::copy_of(pass);
        return std::nullopt;
    });
}

// Every key file is a whole encrypted block; every .pub is whole and has its private key.
void expect_consistent(const fs::path& home, const fs::path& pub_dir) {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(home / "private", ec)) {
        if (!e.is_regular_file()) continue;
        const auto name = e.path().filename().string();
        if (name.starts_with(".")) {
            EXPECT_NE(name.find(".tmp-"), std::string::npos) << "unexpected file " << e.path();
            continue;
        }
        ASSERT_EQ(e.path().extension(), ".key") << e.path();
        auto text = keystore::read_secret_file(e.path());
        ASSERT_TRUE(text.ok());
        auto blocks = keystore::parse_key_pem(*text, e.path().string());
        ASSERT_TRUE(blocks.ok()) << blocks.error().message;
        ASSERT_EQ(blocks->size(), 1u) << e.path();
        auto block = keystore::PrivateKeyBlock::from_pem(std::move(blocks->front()), e.path().string());
        ASSERT_TRUE(block.ok()) << block.error().message;
        EXPECT_TRUE(block->encrypted());
    }
    if (pub_dir.empty()) return;
    for (const auto& e : fs::directory_iterator(pub_dir, ec)) {
        if (e.path().extension() != ".pub") continue;
        auto pub = core::PublicKey::from_pem(tt::read_text(e.path()));
        ASSERT_TRUE(pub.ok()) << "partial public key file " << e.path();
        EXPECT_TRUE(fs::exists(home / "private" / (tufkey::tuf::notary_canonical_key_id(*pub) + ".key")));
    }
}

void expect_all_keys_open(const fs::path& home, const std::string& pass) {
    keystore::TrustHome h(home);
    auto keys = h.list_keys();
    ASSERT_TRUE(keys.ok());
    tt::FakeTerminal term(false);  // environment only, never a prompt
    auto source = source_with(term, pass);
    for (const auto& key : *keys) EXPECT_TRUE(keystore::load_signer(h, source, key).ok()) << key.file;
}

void expect_no_temporaries(const fs::path& home) {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(home, ec)) {
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
    }
}

// Runs `argv` kRounds times, killing it after a random delay; returns how many were killed.
template <typename Check>
int kill_at_random(const std::function<std::vector<std::string>(int)>& argv,
                   const std::map<std::string, std::string>& env, int max_delay_ms, Check check,
                   const std::function<std::string(int)>& typed = nullptr) {
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<int> delay(0, max_delay_ms);
    int killed = 0;
    for (int i = 0; i < kRounds; ++i) {
        tt::Child child(argv(i), env, typed != nullptr);
        if (typed) child.type(typed(i));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
        child.kill_now();
        if (child.wait() == -SIGKILL) ++killed;
        check(i);
    }
    return killed;
}

TEST(KeyCrash, SigkillDuringGenerateLeavesNoPartialFile) {
    tt::TempDir dir;
    const auto home = dir / "home";
    fs::create_directories(dir / "pub");
    auto argv = [&](int i) {
        return std::vector<std::string>{tt::tufkey_binary(),     "--home", home.string(),         "key", "generate",
                                        "k" + std::to_string(i), "--dir",  (dir / "pub").string()};
    };
    int killed =
        kill_at_random(argv, {{kVar, "generate pass"}}, 900, [&](int) { expect_consistent(home, dir / "pub"); });
    EXPECT_GT(killed, 0);
    auto last =
        tt::tufkey_in(home, {"key", "generate", "last", "--dir", (dir / "pub").string()}, {{kVar, "generate pass"}});
    ASSERT_EQ(last.exit_code, 0) << last.err;
    expect_consistent(home, dir / "pub");
    expect_no_temporaries(home);
    expect_all_keys_open(home, "generate pass");
}

TEST(KeyCrash, SigkillDuringImportLeavesNoPartialFile) {
    tt::TempDir dir;
    const auto home = dir / "home";
    for (int i = 0; i < kRounds; ++i) {
        const auto file = dir / ("plain" + std::to_string(i) + ".pem");
        auto r = tt::run_process(
            {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file.string()});
        ASSERT_EQ(r.exit_code, 0);
        ::chmod(file.c_str(), 0600);
    }
    auto argv = [&](int i) {
        return std::vector<std::string>{tt::tufkey_binary(),
                                        "--home",
                                        home.string(),
                                        "key",
                                        "import",
                                        (dir / ("plain" + std::to_string(i) + ".pem")).string(),
                                        "--role",
                                        "targets/ci"};
    };
    int killed = kill_at_random(argv, {{kVar, "import pass"}}, 800, [&](int) { expect_consistent(home, {}); });
    EXPECT_GT(killed, 0);
    auto last = tt::tufkey_in(home, {"key", "import", (dir / "plain0.pem").string(), "--role", "targets/ci"},
                              {{kVar, "import pass"}});
    ASSERT_EQ(last.exit_code, 0) << last.err;
    expect_no_temporaries(home);
    expect_all_keys_open(home, "import pass");
}

TEST(KeyCrash, SigkillDuringPasswdLeavesTheOldOrTheNewPassphrase) {
    tt::TempDir dir;
    const auto home = dir / "home";
    auto made = tt::tufkey_in(home, {"key", "generate", "pw", "--dir", dir.path().string()}, {{kVar, "passphrase A"}});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string id = made.out.substr(0, 64);
    const auto file = home / "private" / (id + ".key");
    std::string current = "passphrase A";
    auto other = [&] { return current == "passphrase A" ? std::string("passphrase B") : std::string("passphrase A"); };
    int changed = 0;
    auto check = [&](int) {
        expect_consistent(home, {});
        keystore::TrustHome h(home);
        auto block = h.read_key(*h.find_key(id));
        ASSERT_TRUE(block.ok()) << block.error().message;
        const bool old_opens = block->decrypt(core::SecretBytes::copy_of(current)).ok();
        const bool new_opens = block->decrypt(core::SecretBytes::copy_of(other())).ok();
        ASSERT_NE(old_opens, new_opens) << "the key must open with exactly one of the two passphrases";
        if (new_opens) {
            current = other();
            ++changed;
        }
    };
    // One uninterrupted run measures how long a passwd takes on this machine.
    const auto start = std::chrono::steady_clock::now();
    {
        const std::string next = other();
        tt::Child child({tt::tufkey_binary(), "--home", home.string(), "key", "passwd", id.substr(0, 7)},
                        {{kVar, current}}, /*on_pty=*/true);
        child.type(next + "\n" + next + "\n");
        ASSERT_EQ(child.wait(), 0);
        check(-1);
        ASSERT_EQ(changed, 1);
    }
    const auto full_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::mt19937 rng(777);
    std::uniform_int_distribution<int> delay(0, static_cast<int>(full_ms.count() * 11 / 10));
    int killed = 0;
    for (int i = 0; i < kRounds; ++i) {
        const std::string next = other();
        tt::Child child({tt::tufkey_binary(), "--home", home.string(), "key", "passwd", id.substr(0, 7)},
                        {{kVar, current}}, /*on_pty=*/true);
        child.type(next + "\n" + next + "\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
        child.kill_now();
        if (child.wait() == -SIGKILL) ++killed;
        check(i);
    }
    EXPECT_GT(killed, 0);
}

// The private material of a key, in the raw forms a leak would show.
std::vector<core::Bytes> secrets_of(const core::SoftwareSigner& key) {
    std::vector<core::Bytes> out;
    EVP_PKEY* pkey = key.evp_pkey();
    if (key.public_key().algorithm() == core::KeyAlgorithm::ed25519) {
        core::Bytes seed(32);
        std::size_t len = seed.size();
        EXPECT_EQ(EVP_PKEY_get_raw_private_key(pkey, seed.data(), &len), 1);
        out.push_back(seed);
    } else {
        const char* name =
            key.public_key().algorithm() == core::KeyAlgorithm::rsa ? OSSL_PKEY_PARAM_RSA_D : OSSL_PKEY_PARAM_PRIV_KEY;
        BIGNUM* bn = nullptr;
        EXPECT_EQ(EVP_PKEY_get_bn_param(pkey, name, &bn), 1);
        core::Bytes raw(static_cast<std::size_t>(BN_num_bytes(bn)));
        BN_bn2bin(bn, raw.data());
        BN_clear_free(bn);
        out.push_back(raw);
    }
    auto der = key.to_pkcs8_der();
    EXPECT_TRUE(der.ok());
    out.emplace_back(der->reveal().begin(), der->reveal().end());
    return out;
}

bool contains(const std::string& hay, const core::Bytes& needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

TEST(KeySecrecy, NoPlaintextPrivateKeyAnywhereInTheHome) {
    tt::TempDir dir;
    const auto home = dir / "home";
    const std::map<std::string, std::string> env{{kVar, "secret pass"}, {"TUFKEY_TARGETS_PASSPHRASE", "secret pass"}};
    std::vector<fs::path> inputs;
    const std::vector<std::vector<std::string>> genpkey = {{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"},
                                                           {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"},
                                                           {"-algorithm", "ED25519"}};
    for (std::size_t i = 0; i < genpkey.size(); ++i) {
        const auto file = dir / ("in" + std::to_string(i) + ".pem");
        std::vector<std::string> argv{"openssl", "genpkey"};
        argv.insert(argv.end(), genpkey[i].begin(), genpkey[i].end());
        argv.insert(argv.end(), {"-out", file.string()});
        ASSERT_EQ(tt::run_process(argv).exit_code, 0);
        ::chmod(file.c_str(), 0600);
        inputs.push_back(file);
        auto r =
            tt::tufkey_in(home, {"key", "import", file.string(), "--role", "targets", "--gun", "example.com/app"}, env);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    for (const char* type : {"ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-3072"}) {
        auto r = tt::tufkey_in(
            home, {"key", "generate", std::string("gen-") + type, "--dir", dir.path().string(), "--type", type}, env);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_EQ(tt::tufkey_in(home, {"key", "export", "-o", (home / "export.pem").string()}).exit_code, 0);

    std::vector<core::Bytes> secrets;
    keystore::TrustHome h(home);
    tt::FakeTerminal term(false);  // environment only, never a prompt
    auto source = source_with(term, "secret pass");
    auto keys = h.list_keys();
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(keys->size(), 7u);
    for (const auto& key : *keys) {
        auto signer = keystore::load_signer(h, source, key);
        ASSERT_TRUE(signer.ok()) << signer.error().message;
        for (auto& s : secrets_of(**signer)) secrets.push_back(std::move(s));
    }
    std::error_code ec;
    int scanned = 0;
    for (const auto& e : fs::recursive_directory_iterator(home, ec)) {
        if (!e.is_regular_file()) continue;
        ++scanned;
        const std::string text = tt::read_text(e.path());
        for (std::size_t at = text.find("PRIVATE KEY-----"); at != std::string::npos;
             at = text.find("PRIVATE KEY-----", at + 1)) {
            ASSERT_GE(at, 10u);
            EXPECT_EQ(text.substr(at - 10, 10), "ENCRYPTED ") << e.path();
        }
        for (const auto& s : secrets) EXPECT_FALSE(contains(text, s)) << "private key bytes in " << e.path();
        for (const auto& input : inputs) {
            const std::string plain = tt::read_text(input);
            const auto second_line = plain.substr(plain.find('\n', plain.find('\n') + 1) + 1, 64);
            EXPECT_EQ(text.find(second_line), std::string::npos) << "plain PEM text in " << e.path();
        }
    }
    EXPECT_GE(scanned, 8);
}

}  // namespace
