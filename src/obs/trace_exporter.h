#pragma once
// OpenTelemetry trace export (plugins[].name == "otel"): OTLP/HTTP with JSON encoding, POST
// <collector_url>/v1/traces. A sink of the hub: records are queued (bounded; full -> dropped and counted)
// and a background thread encodes them in batches (obs/otlp_json.h) and sends them with the upstream
// HTTP client (own io_context and pool on that thread), retrying 429 and 5xx and transport failures with
// exponential backoff. The settings are read from the live config for every batch, so a reload applies.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "config/snapshot.h"
#include "obs/hub.h"
#include "obs/otlp_json.h"

namespace hd::obs {

class Metrics;

class TraceExporter : public Sink {
public:
  TraceExporter(const config::Snapshot& snapshot, std::string version);
  ~TraceExporter() override;
  TraceExporter(const TraceExporter&) = delete;
  TraceExporter& operator=(const TraceExporter&) = delete;

  void start();
  // Sends what is queued (one try per batch, bounded by the export timeout; after a failure the rest is
  // dropped), then stops the thread.
  void stop();

  void onRequest(const std::shared_ptr<const RequestRecord>& record) override;
  void onMcpCall(const std::shared_ptr<const McpCallRecord>& record) override;

  // heimdall_otel_* counters on /metrics.
  void registerMetrics(Metrics& metrics) const;

  std::uint64_t droppedRecords() const { return dropped_records_.load(std::memory_order_relaxed); }
  std::uint64_t exportedSpans() const { return exported_spans_.load(std::memory_order_relaxed); }
  std::uint64_t failedSpans() const { return failed_spans_.load(std::memory_order_relaxed); }

private:
  using Item = std::variant<std::shared_ptr<const RequestRecord>, std::shared_ptr<const McpCallRecord>>;
  void enqueue(Item item, const config::OtelConfig& cfg);
  void run();
  // False when the collector did not take the batch.
  bool exportBatch(std::vector<Item>& batch);
  // HTTP status of the POST (0 with `error` set on a transport failure).
  unsigned post(const config::OtelConfig& cfg, const std::string& body, std::string& error);

  struct Client;
  const config::Snapshot& snapshot_;
  std::string version_;
  otlp::Attributes env_resource_; // from OTEL_RESOURCE_ATTRIBUTES
  std::unique_ptr<Client> client_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::size_t batch_size_ = 256;
  std::thread thread_;

  std::atomic<std::uint64_t> dropped_records_{0};
  std::atomic<std::uint64_t> exported_spans_{0};
  std::atomic<std::uint64_t> failed_spans_{0};
  std::chrono::steady_clock::time_point last_warning_{};
};

} // namespace hd::obs
