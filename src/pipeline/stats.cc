#include "pipeline/stats.h"

#include "pipeline/limiter.h"

namespace hd::pipeline {

Counters& counters() {
  static Counters c;
  return c;
}

ReliabilityStats reliabilityStats() {
  auto& c = counters();
  ReliabilityStats s;
  s.attempts = c.attempts.load(std::memory_order_relaxed);
  s.retries = c.retries.load(std::memory_order_relaxed);
  s.fallbacks = c.fallbacks.load(std::memory_order_relaxed);
  s.failed_attempts = c.failed_attempts.load(std::memory_order_relaxed);
  s.circuit_rejections = c.circuit_rejections.load(std::memory_order_relaxed);
  s.dropped = c.dropped.load(std::memory_order_relaxed);
  s.providers = ProviderLimiter::snapshotAll();
  s.breakers = CircuitBreakers::instance().snapshot();
  return s;
}

} // namespace hd::pipeline
