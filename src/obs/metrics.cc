#include "obs/metrics.h"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <mutex>

#include "core/offload.h"
#include "obs/capped_family.h"
#include "obs/reliability_metrics.h"
#include "obs/utf8.h"

namespace hd::obs {

namespace detail {

std::uint64_t nextFamilyId() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::unordered_map<std::string, void*>& threadCache(std::uint64_t id) {
  thread_local std::unordered_map<std::uint64_t, std::unordered_map<std::string, void*>> caches;
  return caches[id];
}

} // namespace detail

namespace {

using prometheus::Counter;
using prometheus::Histogram;

// Prometheus' default buckets (seconds).
const std::vector<double> kHttpBuckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
// Bifrost's upstream latency buckets (seconds).
const std::vector<double> kUpstreamBuckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30, 45, 60, 90};
const std::vector<double> kFirstTokenBuckets = {.05, .1, .25, .5, .75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30, 60};
const std::vector<double> kInterTokenBuckets = {.001, .0025, .005, .01, .02, .03, .05, .075, .1, .25, .5, 1, 2.5};
// Bifrost's size buckets: 100 B x10, 8 buckets.
const std::vector<double> kSizeBuckets = {100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

std::string labelNameOf(std::string_view header_suffix) {
  std::string n(header_suffix);
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

} // namespace

struct Metrics::Impl {
  const config::Snapshot& snapshot;
  std::size_t max_series;
  prometheus::Registry registry;

  prometheus::Family<Counter>& overflow_family =
      prometheus::BuildCounter()
          .Name("heimdall_metrics_series_overflow_total")
          .Help("Updates that went to the __overflow__ series because the metric reached its label-set cap")
          .Register(registry);

  template <class T>
  std::unique_ptr<CappedFamily<T>> capped(prometheus::Family<T>& fam, const std::string& name,
                                          std::vector<double> buckets = {}) {
    return std::make_unique<CappedFamily<T>>(fam, max_series, overflow_family.Add({{"metric", name}}),
                                             std::move(buckets));
  }
  std::unique_ptr<CappedFamily<Counter>> counter(const std::string& name, const std::string& help) {
    return capped(prometheus::BuildCounter().Name(name).Help(help).Register(registry), name);
  }
  std::unique_ptr<CappedFamily<Histogram>> histogram(const std::string& name, const std::string& help,
                                                     const std::vector<double>& buckets) {
    return capped(prometheus::BuildHistogram().Name(name).Help(help).Register(registry), name, buckets);
  }

  // HTTP (every route).
  std::unique_ptr<CappedFamily<Counter>> http_requests =
      counter("http_requests_total", "HTTP requests served, by path, method and status");
  std::unique_ptr<CappedFamily<Histogram>> http_duration =
      histogram("http_request_duration_seconds", "HTTP request duration in seconds", kHttpBuckets);
  std::unique_ptr<CappedFamily<Histogram>> http_request_size =
      histogram("http_request_size_bytes", "HTTP request body size in bytes", kSizeBuckets);
  std::unique_ptr<CappedFamily<Histogram>> http_response_size =
      histogram("http_response_size_bytes", "HTTP response size in bytes", kSizeBuckets);

  // Inference requests (Bifrost's names).
  std::unique_ptr<CappedFamily<Counter>> upstream_requests =
      counter("bifrost_upstream_requests_total", "Inference requests sent upstream (retries and fallbacks included)");
  std::unique_ptr<CappedFamily<Histogram>> upstream_latency = histogram(
      "bifrost_upstream_latency_seconds", "Inference request latency in seconds, by is_success", kUpstreamBuckets);
  std::unique_ptr<CappedFamily<Counter>> success =
      counter("bifrost_success_requests_total", "Inference requests answered successfully");
  std::unique_ptr<CappedFamily<Counter>> errors =
      counter("bifrost_error_requests_total", "Inference requests that failed, by the status code the client got");
  std::unique_ptr<CappedFamily<Counter>> input_tokens =
      counter("bifrost_input_tokens_total", "Input (prompt) tokens, cached ones included");
  std::unique_ptr<CappedFamily<Counter>> output_tokens =
      counter("bifrost_output_tokens_total", "Output (completion) tokens");
  std::unique_ptr<CappedFamily<Counter>> cache_hits = counter(
      "bifrost_cache_hits_total", "Requests that read from the provider's prompt cache (cache_type=\"prompt\")");
  std::unique_ptr<CappedFamily<Counter>> cost = counter("bifrost_cost_total", "Cost of inference requests in USD");
  std::unique_ptr<CappedFamily<Histogram>> first_token =
      histogram("bifrost_stream_first_token_latency_seconds", "Streamed requests: time to the first token in seconds",
                kFirstTokenBuckets);
  std::unique_ptr<CappedFamily<Histogram>> inter_token =
      histogram("bifrost_stream_inter_token_latency_seconds",
                "Streamed requests: time between consecutive chunks in seconds", kInterTokenBuckets);

  // What Bifrost lacks.
  std::unique_ptr<CappedFamily<Counter>> cache_read =
      counter("heimdall_cache_read_tokens_total", "Input tokens read from the provider's prompt cache");
  std::unique_ptr<CappedFamily<Counter>> cache_write =
      counter("heimdall_cache_write_tokens_total", "Input tokens written to the provider's prompt cache");
  std::unique_ptr<CappedFamily<Counter>> request_retries =
      counter("heimdall_request_retries_total", "Upstream retries (attempts beyond the first on a target)");
  std::unique_ptr<CappedFamily<Counter>> request_fallbacks =
      counter("heimdall_request_fallbacks_total", "Inference requests answered by a fallback target");
  std::unique_ptr<CappedFamily<Counter>> attempts =
      counter("heimdall_upstream_attempt_results_total",
              "Upstream attempts by provider, model and the upstream's status code (0: no response)");
  std::unique_ptr<CappedFamily<Counter>> mcp_calls =
      counter("heimdall_mcp_tool_calls_total", "MCP tool calls through the MCP gateway, by client, tool and status");
  std::unique_ptr<CappedFamily<Histogram>> mcp_latency =
      histogram("heimdall_mcp_tool_call_duration_seconds", "MCP tool call duration in seconds", kUpstreamBuckets);

  std::mutex callbacks_mu;
  std::vector<CallbackCounter> callbacks;
  mutable boost::asio::thread_pool render_thread{1};

  Impl(const config::Snapshot& s, std::size_t cap) : snapshot(s), max_series(cap) {}

  LabelSet requestLabels(const RequestRecord& r, const std::vector<std::string>& custom) const {
    LabelSet l;
    std::string model = r.attempts.empty() ? r.model : r.attempts.back().model;
    l.add("provider", r.provider.empty() && !r.attempts.empty() ? r.attempts.back().provider : r.provider);
    l.add("model", model);
    l.add("method", r.inbound);
    l.add("virtual_key_id", r.virtual_key_id);
    l.add("virtual_key_name", r.virtual_key_name);
    l.add("selected_key_id", r.key_id);
    l.add("selected_key_name", r.key_name);
    l.add("number_of_retries", std::to_string(r.number_of_retries));
    l.add("fallback_index", std::to_string(r.fallback_index));
    l.add("team_id", r.team_id);
    l.add("team_name", r.team_name);
    l.add("customer_id", r.customer_id);
    l.add("customer_name", r.customer_name);
    for (const auto& name : custom) {
      std::string value;
      for (const auto& [k, v] : r.labels) {
        if (k == name || labelNameOf(k) == name) {
          value = v;
          break;
        }
      }
      l.add(name, toValidUtf8(value));
    }
    return l;
  }
};

Metrics::Metrics(const config::Snapshot& snapshot, std::size_t max_series)
    : impl_(std::make_unique<Impl>(snapshot, max_series)) {}

Metrics::~Metrics() = default;

void Metrics::onRequest(const std::shared_ptr<const RequestRecord>& record) {
  const RequestRecord& r = *record;
  auto& m = *impl_;
  auto cfg = m.snapshot.get();
  LabelSet labels = m.requestLabels(r, cfg->telemetry.custom_labels);
  bool ok = r.success();
  if (!r.attempts.empty()) {
    m.upstream_requests->at(labels).Increment();
    m.upstream_latency->at(labels.with("is_success", ok ? "true" : "false")).Observe(r.latency_ms / 1000.0);
  }
  if (ok) {
    m.success->at(labels).Increment();
  } else {
    m.errors->at(labels.with("status_code", std::to_string(r.status_code))).Increment();
  }
  const Usage& u = r.usage;
  if (u.input_tokens > 0) {
    m.input_tokens->at(labels).Increment(static_cast<double>(u.input_tokens));
  }
  if (u.output_tokens > 0) {
    m.output_tokens->at(labels).Increment(static_cast<double>(u.output_tokens));
  }
  if (u.cache_read_input_tokens > 0) {
    m.cache_hits->at(labels.with("cache_type", "prompt")).Increment();
    m.cache_read->at(labels).Increment(static_cast<double>(u.cache_read_input_tokens));
  }
  if (u.cache_creation_input_tokens > 0) {
    m.cache_write->at(labels).Increment(static_cast<double>(u.cache_creation_input_tokens));
  }
  if (r.priced && r.cost_usd > 0) {
    m.cost->at(labels).Increment(r.cost_usd);
  }
  if (r.stream && r.ttft_ms >= 0) {
    m.first_token->at(labels).Observe(r.ttft_ms / 1000.0);
  }
  if (r.stream && !r.chunk_gaps_ms.empty()) {
    // One update for all the gaps: bucketed here, then added under the series' lock once.
    std::vector<double> counts(kInterTokenBuckets.size() + 1, 0.0);
    double sum = 0;
    for (float g : r.chunk_gaps_ms) {
      double s = static_cast<double>(g) / 1000.0;
      auto it = std::lower_bound(kInterTokenBuckets.begin(), kInterTokenBuckets.end(), s);
      counts[static_cast<std::size_t>(it - kInterTokenBuckets.begin())] += 1;
      sum += s;
    }
    m.inter_token->at(labels).ObserveMultiple(counts, sum);
  }
  if (r.number_of_retries > 0) {
    m.request_retries->at(labels).Increment(r.number_of_retries);
  }
  if (r.fallback_index >= 0 && ok) {
    m.request_fallbacks->at(labels).Increment();
  }
  for (const auto& a : r.attempts) {
    LabelSet al;
    al.add("provider", a.provider);
    al.add("model", a.model);
    al.add("status_code", std::to_string(a.status));
    m.attempts->at(al).Increment();
  }
}

void Metrics::onMcpCall(const std::shared_ptr<const McpCallRecord>& record) {
  const McpCallRecord& c = *record;
  LabelSet l;
  l.add("client", c.client);
  l.add("tool", c.tool);
  impl_->mcp_latency->at(l).Observe(c.latency_ms / 1000.0);
  impl_->mcp_calls->at(l.with("status", c.status)).Increment();
}

void Metrics::onHttp(const http::AccessRecord& r) {
  LabelSet l;
  // The route's pattern ("/api/logs/{id}"), not the raw path: bounded, and a scanner's random paths
  // share one series.
  l.add("path", r.route.empty() ? std::string("__unmatched__") : std::string(r.route));
  l.add("method", std::string(r.method));
  l.add("status", std::to_string(r.status));
  auto& m = *impl_;
  m.http_requests->at(l).Increment();
  m.http_duration->at(l).Observe(static_cast<double>(r.duration.count()) / 1e6);
  m.http_request_size->at(l).Observe(static_cast<double>(r.request_bytes));
  m.http_response_size->at(l).Observe(static_cast<double>(r.response_bytes));
}

void Metrics::addCallbackCounter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lk(impl_->callbacks_mu);
  impl_->callbacks.push_back(CallbackCounter{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  auto families = impl_->registry.Collect();
  appendReliabilityMetrics(families);
  {
    std::lock_guard lk(impl_->callbacks_mu);
    appendCallbackCounters(families, impl_->callbacks);
  }
  // Families without a sample still carry their HELP/TYPE lines, so scrapers see every name.
  return prometheus::TextSerializer().Serialize(families);
}

boost::asio::awaitable<std::string> Metrics::renderOffWorker() const {
  co_return co_await runOn(impl_->render_thread, [this] { return render(); });
}

void registerMetricsRoute(http::Router& router, const Metrics& metrics) {
  router.add(boost::beast::http::verb::get, "/metrics",
             [&metrics](http::ServerExchange& ex) -> boost::asio::awaitable<void> {
               http::Response res{boost::beast::http::status::ok, 11};
               res.set(boost::beast::http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
               res.body() = co_await metrics.renderOffWorker();
               co_await ex.send(std::move(res));
             });
}

} // namespace hd::obs
