#include "obs/reliability_metrics.h"

#include "pipeline/stats.h"

namespace hd::obs {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void sample(MetricFamily& f, double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  if (f.type == MetricType::Counter) {
    m.counter.value = v;
  } else {
    m.gauge.value = v;
  }
  f.metric.push_back(std::move(m));
}

MetricFamily counter(std::string name, std::string help, std::uint64_t v) {
  auto f = family(std::move(name), std::move(help), MetricType::Counter);
  sample(f, static_cast<double>(v));
  return f;
}

} // namespace

void appendReliabilityMetrics(std::vector<MetricFamily>& out) {
  auto s = pipeline::reliabilityStats();
  out.push_back(counter("heimdall_upstream_attempts_total",
                        "Upstream calls started (first tries, retries and fallbacks)", s.attempts));
  out.push_back(counter("heimdall_upstream_retries_total", "Upstream calls that retried the same target", s.retries));
  out.push_back(counter("heimdall_upstream_fallbacks_total", "First upstream calls on a fallback target", s.fallbacks));
  out.push_back(counter("heimdall_upstream_failed_attempts_total",
                        "Upstream calls that failed before anything reached the client", s.failed_attempts));
  out.push_back(counter("heimdall_circuit_rejections_total",
                        "Upstream calls skipped because the target's circuit breaker was open", s.circuit_rejections));
  out.push_back(counter("heimdall_queue_dropped_requests_total",
                        "Requests refused because a provider's concurrency queue was full", s.dropped));

  auto in_flight = family("heimdall_provider_in_flight", "Upstream calls in flight per provider", MetricType::Gauge);
  auto queued =
      family("heimdall_provider_queue_depth", "Requests waiting for a provider concurrency slot", MetricType::Gauge);
  auto limit = family("heimdall_provider_concurrency_limit", "Configured concurrency per provider", MetricType::Gauge);
  auto dropped = family("heimdall_provider_queue_dropped_total", "Requests dropped by a provider's full queue",
                        MetricType::Counter);
  for (const auto& p : s.providers) {
    std::vector<ClientMetric::Label> l{{"provider", p.provider}};
    sample(in_flight, p.in_flight, l);
    sample(queued, p.queued, l);
    sample(limit, p.concurrency, l);
    sample(dropped, static_cast<double>(p.dropped), l);
  }
  out.push_back(std::move(in_flight));
  out.push_back(std::move(queued));
  out.push_back(std::move(limit));
  out.push_back(std::move(dropped));

  auto state = family("heimdall_circuit_breaker_state",
                      "Circuit breaker state (1 for the current state of each breaker)", MetricType::Gauge);
  auto opened = family("heimdall_circuit_breaker_opened_total", "Times a circuit breaker opened", MetricType::Counter);
  auto failures = family("heimdall_circuit_breaker_consecutive_failures",
                         "Consecutive failures counted by a circuit breaker", MetricType::Gauge);
  for (const auto& b : s.breakers) {
    for (auto st : {pipeline::BreakerState::Closed, pipeline::BreakerState::Open, pipeline::BreakerState::HalfOpen}) {
      sample(state, b.state == st ? 1 : 0, {{"breaker", b.id}, {"state", std::string(pipeline::toString(st))}});
    }
    sample(opened, static_cast<double>(b.times_opened), {{"breaker", b.id}});
    sample(failures, b.consecutive_failures, {{"breaker", b.id}});
  }
  out.push_back(std::move(state));
  out.push_back(std::move(opened));
  out.push_back(std::move(failures));
}

void appendCallbackCounters(std::vector<MetricFamily>& out, const std::vector<CallbackCounter>& counters) {
  for (const auto& c : counters) {
    auto f = family(c.name, c.help, MetricType::Counter);
    sample(f, c.read ? c.read() : 0.0);
    out.push_back(std::move(f));
  }
}

} // namespace hd::obs
