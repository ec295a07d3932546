#include "obs/trace_exporter.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>

#include "core/thread_name.h"
#include "obs/metrics.h"
#include "upstream/client.h"

namespace hd::obs {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
constexpr int kMaxTries = 4;
constexpr milliseconds kFirstBackoff{500};
constexpr std::size_t kMaxResponseBody = 64 * 1024;
} // namespace

// The exporter thread's HTTP client: an io_context run only while a POST is in flight, and its pool
// (keep-alive connections to the collector survive between batches).
struct TraceExporter::Client {
  asio::io_context ioc{1};
  upstream::Pool pool{ioc.get_executor()};
};

TraceExporter::TraceExporter(const config::Snapshot& snapshot, std::string version)
    : snapshot_(snapshot), version_(std::move(version)), client_(std::make_unique<Client>()) {
  const char* env = std::getenv("OTEL_RESOURCE_ATTRIBUTES");
  auto all = otlp::resourceAttributes("", env != nullptr ? std::optional<std::string_view>(env) : std::nullopt);
  env_resource_.assign(all.begin() + 1, all.end()); // without the placeholder service.name
}

TraceExporter::~TraceExporter() {
  stop();
}

void TraceExporter::start() {
  std::lock_guard lk(mu_);
  if (!thread_.joinable()) {
    stopping_ = false;
    thread_ = std::thread([this] {
      nameThisThread("hd-otlp-export");
      run();
    });
  }
}

void TraceExporter::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void TraceExporter::enqueue(Item item, const config::OtelConfig& cfg) {
  bool wake = false;
  {
    std::lock_guard lk(mu_);
    if (queue_.size() >= cfg.queue_size) {
      dropped_records_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(item));
    batch_size_ = cfg.batch_size;
    wake = queue_.size() >= cfg.batch_size;
  }
  if (wake) {
    cv_.notify_one();
  }
}

void TraceExporter::onRequest(const std::shared_ptr<const RequestRecord>& record) {
  auto cfg = snapshot_.get();
  if (!cfg->telemetry.otel.enabled || !record->trace.sampled || record->trace.trace_id.empty()) {
    return;
  }
  enqueue(record, cfg->telemetry.otel);
}

void TraceExporter::onMcpCall(const std::shared_ptr<const McpCallRecord>& record) {
  auto cfg = snapshot_.get();
  if (!cfg->telemetry.otel.enabled || !record->trace.sampled || record->trace.trace_id.empty() ||
      record->trace.span_id.empty()) {
    return;
  }
  enqueue(record, cfg->telemetry.otel);
}

void TraceExporter::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    auto interval = snapshot_.get()->telemetry.otel.export_interval;
    cv_.wait_for(lk, interval, [this] { return stopping_ || queue_.size() >= batch_size_; });
    if (queue_.empty()) {
      if (stopping_) {
        return;
      }
      continue;
    }
    std::vector<Item> batch;
    while (!queue_.empty() && batch.size() < batch_size_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lk.unlock();
    bool sent = exportBatch(batch);
    lk.lock();
    if (!sent && stopping_) {
      // Shutting down and the collector is failing: the rest would only delay the exit.
      dropped_records_.fetch_add(queue_.size(), std::memory_order_relaxed);
      queue_.clear();
      return;
    }
  }
}

bool TraceExporter::exportBatch(std::vector<Item>& batch) {
  auto cfg = snapshot_.get();
  const auto& o = cfg->telemetry.otel;
  std::vector<otlp::Span> spans;
  for (const auto& item : batch) {
    if (const auto* r = std::get_if<std::shared_ptr<const RequestRecord>>(&item)) {
      auto s = otlp::requestSpans(**r);
      std::move(s.begin(), s.end(), std::back_inserter(spans));
    } else {
      spans.push_back(otlp::mcpSpan(*std::get<std::shared_ptr<const McpCallRecord>>(item)));
    }
  }
  if (spans.empty()) {
    return true;
  }
  if (!o.enabled) {
    failed_spans_.fetch_add(spans.size(), std::memory_order_relaxed);
    return true;
  }
  otlp::Attributes resource{{"service.name", o.service_name}};
  resource.insert(resource.end(), env_resource_.begin(), env_resource_.end());
  std::string body = otlp::encodeExportRequest(resource, spans, version_);

  std::string error;
  milliseconds backoff = kFirstBackoff;
  for (int attempt = 1;; ++attempt) {
    unsigned status = post(o, body, error);
    if (status >= 200 && status < 300) {
      exported_spans_.fetch_add(spans.size(), std::memory_order_relaxed);
      return true;
    }
    if (status != 0) {
      error = "collector answered HTTP " + std::to_string(status);
    }
    bool retryable = status == 0 || status == 429 || status >= 500;
    std::unique_lock lk(mu_);
    if (!retryable || attempt >= kMaxTries || stopping_) {
      break;
    }
    // Interrupted by stop(): the remaining batches get one try each.
    cv_.wait_for(lk, backoff, [this] { return stopping_; });
    backoff *= 2;
  }
  failed_spans_.fetch_add(spans.size(), std::memory_order_relaxed);
  auto now = std::chrono::steady_clock::now();
  if (now - last_warning_ > std::chrono::seconds(10)) {
    last_warning_ = now;
    spdlog::warn("otel: could not export {} span(s) to {}/v1/traces: {}", spans.size(), o.collector_url, error);
  }
  return false;
}

unsigned TraceExporter::post(const config::OtelConfig& cfg, const std::string& body, std::string& error) {
  auto origin = upstream::parseOrigin(cfg.collector_url);
  if (!origin) {
    error = origin.error().message;
    return 0;
  }
  upstream::Request req;
  req.method = boost::beast::http::verb::post;
  req.target = origin->base_path + "/v1/traces";
  req.origin = std::move(*origin);
  req.headers.emplace_back("content-type", "application/json");
  for (const auto& [k, v] : cfg.headers) {
    req.headers.emplace_back(k, v);
  }
  req.body = body;
  req.tls.insecure_skip_verify = cfg.insecure;
  req.tls.ca_cert_pem = cfg.tls_ca_cert;
  req.timeouts.connect = cfg.timeout;
  req.timeouts.first_byte = cfg.timeout;
  req.timeouts.idle = cfg.timeout;
  req.timeouts.total = cfg.timeout;

  unsigned status = 0;
  asio::co_spawn(
      client_->ioc,
      [&]() -> asio::awaitable<void> {
        upstream::Exchange ex(client_->pool, std::move(req));
        auto started = co_await ex.start();
        if (!started) {
          error = started.error().message;
          co_return;
        }
        auto drained = co_await ex.readAll(kMaxResponseBody); // drained so the connection can be reused
        static_cast<void>(drained);
        status = ex.status();
      },
      asio::detached);
  client_->ioc.restart();
  client_->ioc.run();
  return status;
}

void TraceExporter::registerMetrics(Metrics& metrics) const {
  metrics.addCallbackCounter("heimdall_otel_dropped_records_total",
                             "Records not traced because the OTLP export queue was full",
                             [this] { return static_cast<double>(droppedRecords()); });
  metrics.addCallbackCounter("heimdall_otel_exported_spans_total", "Spans accepted by the OTLP collector",
                             [this] { return static_cast<double>(exportedSpans()); });
  metrics.addCallbackCounter("heimdall_otel_failed_spans_total", "Spans the OTLP collector never accepted",
                             [this] { return static_cast<double>(failedSpans()); });
}

} // namespace hd::obs
