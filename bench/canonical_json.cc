// Canonical JSON throughput on a targets-like document with 10,000 targets, built in code:
// parse only, canonical encode only, and the verify path (parse + canonical encode).
#include <cstdint>
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

#include "tufkey/tuf/json.h"

namespace {

using tufkey::tuf::Json;
using tufkey::tuf::JsonArray;
using tufkey::tuf::JsonObject;

std::string hex_of(std::uint64_t seed, std::size_t length) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(length, '0');
    for (std::size_t i = 0; i < length; ++i) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        out[i] = digits[(seed >> 60) & 0x0F];
    }
    return out;
}

Json targets_document(int count) {
    JsonObject targets;
    for (int i = 0; i < count; ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "releases/v%d.%d/app-linux-amd64-%05d.tar.gz", i / 100, i % 100, i);
        JsonObject hashes{{"sha256", hex_of(static_cast<std::uint64_t>(i), 64)},
                          {"sha512", hex_of(static_cast<std::uint64_t>(i) + 1u, 128)}};
        JsonObject target{{"length", Json(static_cast<std::int64_t>(1000 + i * 37))}, {"hashes", std::move(hashes)}};
        if (i % 10 == 0) target.emplace("custom", JsonObject{{"note", "caf\xC3\xA9 \"quoted\" \\ <tag>"}});
        targets.emplace(name, std::move(target));
    }
    JsonObject signed_part{{"_type", "targets"},
                           {"spec_version", "1.0.0"},
                           {"version", 42},
                           {"expires", "2030-01-01T00:00:00Z"},
                           {"targets", std::move(targets)}};
    JsonArray signatures{JsonObject{{"keyid", hex_of(7, 64)}, {"sig", hex_of(8, 128)}}};
    return Json(JsonObject{{"signed", std::move(signed_part)}, {"signatures", std::move(signatures)}});
}

constexpr int kTargets = 10000;

void BM_CanonicalEncode(benchmark::State& state) {
    const Json doc = targets_document(kTargets);
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string out = tufkey::tuf::canonical_json(doc);
        bytes += out.size();
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_CanonicalEncode)->Unit(benchmark::kMillisecond);

void BM_Parse(benchmark::State& state) {
    const std::string text = tufkey::tuf::canonical_json(targets_document(kTargets));
    for (auto _ : state) {
        auto parsed = tufkey::tuf::parse_json(text);
        if (!parsed.ok()) state.SkipWithError(parsed.error().message.c_str());
        benchmark::DoNotOptimize(parsed);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);

void BM_ParseAndCanonicalEncode(benchmark::State& state) {
    const std::string text = tufkey::tuf::canonical_json(targets_document(kTargets));
    for (auto _ : state) {
        auto parsed = tufkey::tuf::parse_json(text);
        if (!parsed.ok()) {
            state.SkipWithError(parsed.error().message.c_str());
            break;
        }
        std::string out = tufkey::tuf::canonical_json(*parsed);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseAndCanonicalEncode)->Unit(benchmark::kMillisecond);

}  // namespace
