// Encrypted key files (keystore/key_file.h): the cost of the key derivation. tufkey writes
// PBKDF2-HMAC-SHA1 with 600,000 iterations (keystore::kMinimumIterations); Notary 0.7 writes
// 2048. Both forms are the same PKCS#8 PBES2 / AES-256-CBC file, so the difference is the KDF.
//
//   BM_KeyDecrypt/<iterations>  parse the PEM file and decrypt it into a SoftwareSigner: what
//                               every `tufkey sign` does once per key it opens (targets,
//                               snapshot, timestamp)
//   BM_KeyEncrypt/<iterations>  encrypt a P-256 key into a key file (what `init`, `key generate`
//                               and `key passwd` do once per key)
#include <cstdint>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "tufkey/core/secret_bytes.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/keystore/key_file.h"

namespace {

using namespace tufkey;

constexpr std::int64_t kNotaryIterations = 2048;
constexpr std::int64_t kTufkeyIterations = keystore::kMinimumIterations;

core::SecretBytes passphrase() { return core::SecretBytes::copy_of(std::string_view("bench-passphrase-0123456789")); }

void BM_KeyDecrypt(benchmark::State& state) {
    auto key = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
    const keystore::KeyHeaders headers{"targets", "registry.example.com/bench/app", ""};
    auto pem = keystore::encrypt_key_pem(**key, passphrase(), headers, static_cast<std::uint32_t>(state.range(0)));
    if (!pem.ok()) {
        state.SkipWithError(pem.error().message.c_str());
        return;
    }
    const core::SecretBytes text = core::SecretBytes::copy_of(std::string_view(*pem));
    const core::SecretBytes secret = passphrase();
    for (auto _ : state) {
        auto blocks = keystore::parse_key_pem(text, "bench.key");
        if (!blocks.ok() || blocks->size() != 1) {
            state.SkipWithError("key file did not parse");
            break;
        }
        auto block = keystore::PrivateKeyBlock::from_pem(std::move(blocks->front()), "bench.key");
        if (!block.ok()) {
            state.SkipWithError(block.error().message.c_str());
            break;
        }
        auto signer = block->decrypt(secret);
        if (!signer.ok()) {
            state.SkipWithError(signer.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(signer);
    }
    state.SetLabel("ECDSA P-256, PBKDF2-HMAC-SHA1 x" + std::to_string(state.range(0)) + ", AES-256-CBC");
}
BENCHMARK(BM_KeyDecrypt)
    ->ArgName("iterations")
    ->Arg(kNotaryIterations)
    ->Arg(kTufkeyIterations)
    ->Unit(benchmark::kMillisecond);

void BM_KeyEncrypt(benchmark::State& state) {
    auto key = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
    const keystore::KeyHeaders headers{"targets", "registry.example.com/bench/app", ""};
    const core::SecretBytes secret = passphrase();
    for (auto _ : state) {
        auto pem = keystore::encrypt_key_pem(**key, secret, headers, static_cast<std::uint32_t>(state.range(0)));
        if (!pem.ok()) {
            state.SkipWithError(pem.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(pem);
    }
    state.SetLabel("ECDSA P-256, PBKDF2-HMAC-SHA1 x" + std::to_string(state.range(0)) + ", AES-256-CBC");
}
BENCHMARK(BM_KeyEncrypt)
    ->ArgName("iterations")
    ->Arg(kNotaryIterations)
    ->Arg(kTufkeyIterations)
    ->Unit(benchmark::kMillisecond);

}  // namespace
