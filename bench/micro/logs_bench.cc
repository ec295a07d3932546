// Micro-benchmark of the request log's writer (Google Benchmark): the CPU one record costs from the
// moment the worker hands it over to the committed SQLite row — conversion, inserts, commits and
// checkpoints, frees. ninja hd_logs_bench && ./src/hd_logs_bench
//
// Each iteration queues a burst of records (as a loaded gateway does: the writer then takes full
// batches) and waits for the writer to store them; "cpu_us_per_record" is the process's CPU time per
// record, which is what the writer takes from the proxy's cores.
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdlib>
#include <filesystem>

#include "logs/db.h"
#include "logs/log_store.h"
#include "logs/stream_output.h"
#include "logs/writer.h"

namespace {

using namespace hd;

// A passthrough request as bench/logging.sh sends it (one attempt, priced, no labels).
obs::RequestRecord passthrough(bool stream, bool content) {
  obs::RequestRecord r;
  r.inbound = "anthropic.messages";
  r.method = "POST";
  r.path = "/anthropic/v1/messages";
  r.provider = "azure";
  r.model = "azure/claude-sonnet-4-6";
  r.served_model = "claude-sonnet-4-6";
  r.deployment = "bench-claude";
  r.key_id = "azure-k1";
  r.key_name = "k1";
  r.status_code = 200;
  r.latency_ms = 1.734;
  r.stream = stream;
  r.ttft_ms = stream ? 1.2 : -1;
  r.stop_reason = "end_turn";
  r.usage.input_tokens = 8;
  r.usage.output_tokens = 7;
  r.cost_usd = 0.000129;
  r.priced = true;
  r.trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.trace.span_id = "00f067aa0ba902b7";
  obs::AttemptRecord a;
  a.provider = "azure";
  a.model = "claude-sonnet-4-6";
  a.deployment = "bench-claude";
  a.key_id = "azure-k1";
  a.key_name = "k1";
  a.span_id = "53995c3f42cd8ad8";
  a.status = 200;
  r.attempts.push_back(a);
  r.capture_content = content;
  if (content) {
    r.request_content = stream ? R"({"model":"azure/claude-sonnet-4-6","max_tokens":64,"stream":true,)"
                                 R"("messages":[{"role":"user","content":"hi"}]})"
                               : R"({"model":"azure/claude-sonnet-4-6","max_tokens":64,)"
                                 R"("messages":[{"role":"user","content":"hi"}]})";
    r.response_content =
        stream
            ? "event: message_start\ndata: "
              R"({"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant",)"
              R"("model":"bench-claude","content":[],"stop_reason":null,"stop_sequence":null,)"
              R"("usage":{"input_tokens":8,"output_tokens":1}}})"
              "\n\nevent: content_block_start\ndata: "
              R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
              "\n\nevent: content_block_delta\ndata: "
              R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})"
              "\n\nevent: content_block_delta\ndata: "
              R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" from the bench upstream."}})"
              "\n\nevent: content_block_stop\ndata: "
              R"({"type":"content_block_stop","index":0})"
              "\n\nevent: message_delta\ndata: "
              R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}})"
              "\n\nevent: message_stop\ndata: "
              R"({"type":"message_stop"})"
              "\n\n"
            : R"({"id":"msg_bench","type":"message","role":"assistant","model":"bench-claude",)"
              R"("content":[{"type":"text","text":"Hello from the bench upstream."}],"stop_reason":"end_turn",)"
              R"("stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":7}})";
  }
  return r;
}

double processCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void BM_WriterRecord(benchmark::State& state) {
  const bool stream = state.range(0) != 0;
  const bool content = state.range(1) != 0;
  constexpr int kBurst = 20000;
  auto dir = std::filesystem::temp_directory_path() / ("hd_logs_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = logs::openSqliteDb((dir / "logs.db").string());
  auto store = logs::LogStore::open(std::move(db.value()));
  logs::WriterOptions opts;
  opts.queue_size = kBurst;
  if (const char* b = std::getenv("HD_BENCH_BATCH")) { // to compare batch sizes
    opts.batch_size = std::stoul(b);
  }
  auto writer = std::make_unique<logs::LogWriter>(std::move(store.value()), opts);
  const auto proto = passthrough(stream, content);
  std::int64_t next_id = 0;
  double cpu = 0;
  std::int64_t records = 0;
  for (auto _ : state) {
    // The records are built outside the measured CPU (the worker builds them with logging off too).
    state.PauseTiming();
    std::vector<std::shared_ptr<const obs::RequestRecord>> burst;
    burst.reserve(kBurst);
    for (int i = 0; i < kBurst; ++i) {
      auto r = std::make_shared<obs::RequestRecord>(proto);
      r->id = "bench-" + std::to_string(next_id++);
      r->start_unix_ns = 1796608342699000000 + next_id * 1000;
      r->end_unix_ns = r->start_unix_ns + 1734000;
      r->attempts[0].start_unix_ns = r->start_unix_ns + 100000;
      r->attempts[0].end_unix_ns = r->end_unix_ns - 50000;
      burst.push_back(std::move(r));
    }
    state.ResumeTiming();
    double before = processCpuSeconds();
    for (auto& r : burst) {
      writer->onRequest(r);
    }
    burst.clear(); // the writer now holds the only references, as in the gateway
    // Stopping writes what is queued; closing checkpoints the WAL into the database file, which a
    // running gateway does every wal_autocheckpoint pages.
    writer.reset();
    cpu += processCpuSeconds() - before;
    records += kBurst;
    state.PauseTiming();
    auto reopened = logs::LogStore::open(std::move(logs::openSqliteDb((dir / "logs.db").string()).value()));
    writer = std::make_unique<logs::LogWriter>(std::move(reopened.value()), opts);
    state.ResumeTiming();
  }
  state.counters["cpu_us_per_record"] = cpu * 1e6 / static_cast<double>(records);
  writer.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WriterRecord)
    ->ArgNames({"stream", "content"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond);

// The writer's rebuild of a streamed answer alone: the bench stream (7 events), and a long answer of
// 400 text deltas (as Claude Code's turns are), with and without characters to unescape.
void BM_ReconstructStream(benchmark::State& state) {
  std::string sse = *passthrough(true, true).response_content;
  if (state.range(0) > 0) {
    auto cut = sse.find("event: content_block_stop");
    std::string deltas;
    for (int i = 0; i < 400; ++i) {
      deltas += state.range(0) == 1 ? R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" words of the answer"}}

)"
                                    : R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"if (a) {\n  \"b\";\n}"}}

)";
    }
    sse.insert(cut, deltas);
  }
  for (auto _ : state) {
    auto out = logs::reconstructStream(sse);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sse.size()));
}
BENCHMARK(BM_ReconstructStream)->ArgName("long")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
