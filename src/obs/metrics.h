#pragma once
// Prometheus metrics: GET /metrics in the text exposition format 0.0.4 (prometheus-cpp's registry and
// serializer). Fed by the hub (one RequestRecord per inference request, one McpCallRecord per MCP tool
// call) and by the HTTP server's access record (every route); gauges of the reliability layer (circuit
// breakers, provider queues) and registered callback counters are read when /metrics is scraped.
//
// Names follow Bifrost's telemetry plugin (http_*, bifrost_*), so existing dashboards keep working; what
// Bifrost lacks is heimdall_*. Request metrics are labelled with Bifrost's labels plus the custom labels
// configured in client.prometheus_labels / the telemetry plugin's custom_labels, valued from the request's
// x-bf-prom-<name> headers. Every labelled metric holds at most `max_series` label sets; the rest share
// one "__overflow__" series, counted in heimdall_metrics_series_overflow_total{metric}.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>

#include "config/snapshot.h"
#include "http/router.h"
#include "http/server.h"
#include "obs/hub.h"

namespace hd::obs {

class Metrics : public Sink {
public:
  explicit Metrics(const config::Snapshot& snapshot, std::size_t max_series = 1000);
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void onRequest(const std::shared_ptr<const RequestRecord>& record) override;
  void onMcpCall(const std::shared_ptr<const McpCallRecord>& record) override;
  // Every HTTP request the server finished (http_requests_total, durations, sizes).
  void onHttp(const http::AccessRecord& r);

  // A monotonic value owned elsewhere, read at scrape time and exposed as a counter (e.g. the request
  // log's dropped records: addCallbackCounter("heimdall_log_dropped_records_total", "...", fn)).
  void addCallbackCounter(std::string name, std::string help, std::function<double()> read);

  // The whole exposition (text format 0.0.4).
  std::string render() const;
  // render() on the metrics' own thread: a large exposition takes milliseconds, which a request worker
  // must not spend (concurrent scrapes are serialised there too).
  boost::asio::awaitable<std::string> renderOffWorker() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET /metrics, open like Bifrost's (no admin auth: it carries no secrets or content).
void registerMetricsRoute(http::Router& router, const Metrics& metrics);

} // namespace hd::obs
