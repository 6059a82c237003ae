// A targets role with 10,000 targets, in both dialects, signed with a software ECDSA P-256 key
// (core::SoftwareSigner): what `tufkey sign` and `tufkey verify` do in memory, without files,
// tokens or key decryption.
//
//   BM_SignTargets        encode the model to the dialect's JSON, sign (canonical JSON + SHA-256
//                         + one ECDSA signature), serialize the file bytes
//   BM_VerifyTargets      parse the file bytes, check the signature against a trusted root
//                         (canonical JSON of the parsed signed part + one ECDSA verify)
//   BM_ParseDecodeTargets parse the file bytes and decode them into the typed model
//   BM_LoadTargets        the client path: parse, verify, decode
//
// Each target is what `tufkey sign --batch` writes: a sha256 hash and a length.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include <benchmark/benchmark.h>

#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/codec.h"
#include "tufkey/tuf/envelope.h"
#include "tufkey/tuf/key.h"
#include "tufkey/tuf/model.h"
#include "tufkey/tuf/sign.h"
#include "tufkey/tuf/verify.h"

namespace {

using namespace tufkey;
using tuf::Dialect;

constexpr int kTargets = 10000;

core::Bytes pseudo_random_bytes(std::uint64_t seed, std::size_t length) {
    core::Bytes out(length);
    for (auto& b : out) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        b = static_cast<std::uint8_t>(seed >> 56);
    }
    return out;
}

tuf::Expiry expiry() { return *tuf::Expiry::parse("2030-01-01T00:00:00Z"); }

tuf::Targets targets_model(Dialect dialect, int count) {
    tuf::Targets targets;
    if (dialect == Dialect::notary) targets.spec_version.clear();
    targets.version = *tuf::Version::create(42);
    targets.expires = expiry();
    if (dialect == Dialect::notary) targets.delegations = tuf::Delegations{};
    for (int i = 0; i < count; ++i) {
        char name[48];
        std::snprintf(name, sizeof name, "release-%d.%d.%05d", i / 1000, (i / 10) % 100, i);
        tuf::TargetFile file;
        file.length = 1000 + static_cast<std::uint64_t>(i) * 37;
        file.hashes.emplace("sha256", pseudo_random_bytes(static_cast<std::uint64_t>(i), 32));
        targets.targets.emplace(name, std::move(file));
    }
    return targets;
}

// One software key, its metadata form, and a root that trusts it for targets.
struct Fixture {
    std::unique_ptr<core::SoftwareSigner> signer;
    tuf::Key key;
    tuf::Root root;
    tuf::Targets model;
    std::string file_bytes;  // the signed targets file

    static Fixture make(Dialect dialect) {
        auto signer = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
        tuf::Key key = dialect == Dialect::notary ? tuf::Key::notary((*signer)->public_key())
                                                  : tuf::Key::tuf((*signer)->public_key());
        tuf::Root root;
        if (dialect == Dialect::notary) root.spec_version.clear();
        root.expires = expiry();
        root.keys.emplace(key.id(), key);
        tuf::RoleKeys role;
        role.keyids.push_back(key.id());
        root.root = root.targets = root.snapshot = root.timestamp = role;
        Fixture f{std::move(*signer), std::move(key), std::move(root), targets_model(dialect, kTargets), {}};
        tuf::Envelope envelope = tuf::make_envelope(*tuf::encode_targets(dialect, f.model));
        const tuf::SigningKey keys[] = {tuf::SigningKey{f.key, *f.signer}};
        if (!tuf::sign_envelope(dialect, envelope, keys, tuf::KeyMap{}).ok()) std::abort();
        f.file_bytes = *tuf::serialize_envelope(dialect, envelope);
        return f;
    }
};

const Fixture& fixture(Dialect dialect) {
    static const Fixture notary = Fixture::make(Dialect::notary);
    static const Fixture tuf_f = Fixture::make(Dialect::tuf);
    return dialect == Dialect::notary ? notary : tuf_f;
}

void label(benchmark::State& state, const Fixture& f) {
    state.SetLabel(std::to_string(kTargets) + " targets, " + std::to_string(f.file_bytes.size()) + " B file");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(f.file_bytes.size()));
}

void BM_SignTargets(benchmark::State& state, Dialect dialect) {
    const Fixture& f = fixture(dialect);
    const tuf::SigningKey keys[] = {tuf::SigningKey{f.key, *f.signer}};
    for (auto _ : state) {
        auto signed_part = tuf::encode_targets(dialect, f.model);
        if (!signed_part.ok()) {
            state.SkipWithError(signed_part.error().message.c_str());
            break;
        }
        tuf::Envelope envelope = tuf::make_envelope(std::move(*signed_part));
        auto signed_ok = tuf::sign_envelope(dialect, envelope, keys, tuf::KeyMap{});
        if (!signed_ok.ok()) {
            state.SkipWithError(signed_ok.error().message.c_str());
            break;
        }
        auto bytes = tuf::serialize_envelope(dialect, envelope);
        benchmark::DoNotOptimize(bytes);
    }
    label(state, f);
}
BENCHMARK_CAPTURE(BM_SignTargets, notary, Dialect::notary)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SignTargets, tuf, Dialect::tuf)->Unit(benchmark::kMillisecond);

void BM_VerifyTargets(benchmark::State& state, Dialect dialect) {
    const Fixture& f = fixture(dialect);
    for (auto _ : state) {
        auto envelope = tuf::parse_envelope(dialect, f.file_bytes, "targets");
        if (!envelope.ok()) {
            state.SkipWithError(envelope.error().message.c_str());
            break;
        }
        auto report = tuf::verify_top_level(dialect, f.root, tuf::RoleName::targets(), *envelope);
        if (!report.ok() || report->distinct_keys != 1) {
            state.SkipWithError("targets did not verify");
            break;
        }
        benchmark::DoNotOptimize(report);
    }
    label(state, f);
}
BENCHMARK_CAPTURE(BM_VerifyTargets, notary, Dialect::notary)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_VerifyTargets, tuf, Dialect::tuf)->Unit(benchmark::kMillisecond);

void BM_ParseDecodeTargets(benchmark::State& state, Dialect dialect) {
    const Fixture& f = fixture(dialect);
    for (auto _ : state) {
        auto envelope = tuf::parse_envelope(dialect, f.file_bytes, "targets");
        if (!envelope.ok()) {
            state.SkipWithError(envelope.error().message.c_str());
            break;
        }
        auto targets = tuf::decode_targets(dialect, envelope->signed_part);
        if (!targets.ok() || targets->targets.size() != kTargets) {
            state.SkipWithError("targets did not decode");
            break;
        }
        benchmark::DoNotOptimize(targets);
    }
    label(state, f);
}
BENCHMARK_CAPTURE(BM_ParseDecodeTargets, notary, Dialect::notary)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParseDecodeTargets, tuf, Dialect::tuf)->Unit(benchmark::kMillisecond);

void BM_LoadTargets(benchmark::State& state, Dialect dialect) {
    const Fixture& f = fixture(dialect);
    for (auto _ : state) {
        auto envelope = tuf::parse_envelope(dialect, f.file_bytes, "targets");
        if (!envelope.ok()) {
            state.SkipWithError(envelope.error().message.c_str());
            break;
        }
        auto report = tuf::verify_top_level(dialect, f.root, tuf::RoleName::targets(), *envelope);
        auto targets = tuf::decode_targets(dialect, envelope->signed_part);
        if (!report.ok() || !targets.ok() || targets->targets.size() != kTargets) {
            state.SkipWithError("targets did not load");
            break;
        }
        benchmark::DoNotOptimize(targets);
    }
    label(state, f);
}
BENCHMARK_CAPTURE(BM_LoadTargets, notary, Dialect::notary)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadTargets, tuf, Dialect::tuf)->Unit(benchmark::kMillisecond);

}  // namespace
