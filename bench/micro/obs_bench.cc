// Micro-benchmarks of the metrics and trace sinks (Google Benchmark): what one request costs the worker
// that publishes it. ninja hd_obs_bench && ./src/hd_obs_bench
#include <benchmark/benchmark.h>

#include "config/loader.h"
#include "obs/metrics.h"
#include "obs/otlp_json.h"

namespace {

using namespace hd;

std::shared_ptr<const obs::RequestRecord> record() {
  auto r = std::make_shared<obs::RequestRecord>();
  r->inbound = "anthropic.messages";
  r->method = "POST";
  r->path = "/anthropic/v1/messages";
  r->provider = "azure";
  r->model = "azure/claude-sonnet-4-6";
  r->key_id = "azure-k1";
  r->key_name = "k1";
  r->virtual_key_id = "vk-1";
  r->virtual_key_name = "team-a";
  r->status_code = 200;
  r->latency_ms = 850;
  r->stream = true;
  r->ttft_ms = 320;
  r->chunk_gaps_ms.assign(30, 12.5f);
  r->usage.input_tokens = 12000;
  r->usage.output_tokens = 400;
  r->usage.cache_read_input_tokens = 9000;
  r->cost_usd = 0.01;
  r->priced = true;
  r->labels.emplace_back("team", "core");
  r->trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r->trace.span_id = "1111111111111111";
  obs::AttemptRecord a;
  a.provider = "azure";
  a.model = "claude-sonnet-4-6";
  a.span_id = "2222222222222222";
  a.status = 200;
  r->attempts.push_back(a);
  return r;
}

config::Snapshot& snapshot() {
  static config::Snapshot s(std::make_shared<const config::Config>(*config::fromText(
      R"({"client":{"prometheus_labels":["team"]}})", [](const std::string&) { return std::nullopt; })));
  return s;
}

void BM_MetricsOnRequest(benchmark::State& state) {
  static obs::Metrics metrics(snapshot());
  auto r = record();
  for (auto _ : state) {
    metrics.onRequest(r);
  }
}
BENCHMARK(BM_MetricsOnRequest)->Threads(1)->Threads(2);

void BM_MetricsOnHttp(benchmark::State& state) {
  static obs::Metrics metrics(snapshot());
  http::AccessRecord a{"POST", "/anthropic/v1/messages", 200, std::chrono::microseconds(850000), "id", 10000,
                       2000,   "/anthropic/v1/messages"};
  for (auto _ : state) {
    metrics.onHttp(a);
  }
}
BENCHMARK(BM_MetricsOnHttp)->Threads(1)->Threads(2);

void BM_MetricsRender(benchmark::State& state) {
  obs::Metrics metrics(snapshot());
  for (int i = 0; i < 50; ++i) {
    auto r = std::make_shared<obs::RequestRecord>(*record());
    r->labels[0].second = "team-" + std::to_string(i);
    metrics.onRequest(r);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(metrics.render());
  }
}
BENCHMARK(BM_MetricsRender);

void BM_OtlpEncodeOneRequest(benchmark::State& state) {
  auto r = record();
  auto resource = obs::otlp::resourceAttributes("heimdall", std::nullopt);
  for (auto _ : state) {
    benchmark::DoNotOptimize(obs::otlp::encodeExportRequest(resource, obs::otlp::requestSpans(*r), "1"));
  }
}
BENCHMARK(BM_OtlpEncodeOneRequest);

} // namespace

BENCHMARK_MAIN();
