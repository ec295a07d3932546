// Micro-benchmarks for hd_tokenize (Google Benchmark): ninja hd_tokenize_bench && ./src/tokenize/hd_tokenize_bench
// Reports bytes/s and tokens/s for English prose, source code, CJK text and a long whitespace run.
#include <benchmark/benchmark.h>

#include <string>

#include "tokenize/bpe.h"
#include "tokenize/tokenize.h"

namespace {

using hd::tokenize::Encoding;

std::string repeat(std::string_view unit, std::size_t bytes) {
  std::string out;
  while (out.size() < bytes) {
    out += unit;
  }
  return out;
}

const std::string& prose() {
  static const std::string text = repeat(
      "The gateway forwards each request to the configured upstream, translating between the Anthropic and OpenAI "
      "wire formats when needed. Token counts for OpenAI models are computed locally: the text is split by a "
      "regular expression, and every piece is merged byte pair by byte pair until no adjacent pair is in the "
      "vocabulary. It's fast, isn't it? Numbers like 1234567 and 3.14159 are split into groups of three digits.\n\n",
      1 << 20);
  return text;
}

const std::string& code() {
  static const std::string text = repeat("std::size_t countTokens(Encoding encoding, std::string_view text) {\n"
                                         "  const EncodingData* data = encodingData(encoding);\n"
                                         "  if (data == nullptr) {\n"
                                         "    return 0; // no vocabulary: the caller estimates\n"
                                         "  }\n"
                                         "  for (auto& [key, value] : map) { total += value * 2 + key.size(); }\n"
                                         "}\n\n",
                                         1 << 20);
  return text;
}

const std::string& cjk() {
  static const std::string text =
      repeat("トークン数はローカルで計算されます。ゲートウェイは各リクエストを上流に転送します。"
             "令牌计数在本地计算，网关将每个请求转发到上游。",
             1 << 20);
  return text;
}

const std::string& spaces() {
  static const std::string text = std::string(1 << 20, ' ') + "x";
  return text;
}

void run(benchmark::State& state, Encoding encoding, const std::string& text) {
  hd::tokenize::hasVocabulary(encoding); // build the tables outside the timed loop
  std::size_t tokens = 0;
  for (auto _ : state) {
    tokens = hd::tokenize::countTokens(encoding, text);
    benchmark::DoNotOptimize(tokens);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(tokens * state.iterations()), benchmark::Counter::kIsRate);
}

void BM_O200kProse(benchmark::State& state) {
  run(state, Encoding::O200k, prose());
}
void BM_Cl100kProse(benchmark::State& state) {
  run(state, Encoding::Cl100k, prose());
}
void BM_O200kCode(benchmark::State& state) {
  run(state, Encoding::O200k, code());
}
void BM_O200kCjk(benchmark::State& state) {
  run(state, Encoding::O200k, cjk());
}
void BM_O200kSpaces(benchmark::State& state) {
  run(state, Encoding::O200k, spaces());
}

void BM_O200kLoad(benchmark::State& state) {
  for (auto _ : state) {
    auto vocab = hd::tokenize::detail::Vocabulary::fromBlob(hd::tokenize::detail::embeddedBlob(), Encoding::O200k);
    benchmark::DoNotOptimize(vocab.get());
  }
}

BENCHMARK(BM_O200kProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Cl100kProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_O200kCode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_O200kCjk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_O200kSpaces)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_O200kLoad)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
