#pragma once
// Process-wide reliability counters (retries, fallbacks, drops, queue depth) and the accessor the
// metrics endpoint reads. Lock-free counters; the per-provider and per-breaker views are snapshots.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/circuit_breaker.h"

namespace hd::pipeline {

struct ProviderLoad {
  std::string provider;
  int in_flight = 0;
  int queued = 0;
  int concurrency = 0;
  int buffer_size = 0;
  std::uint64_t dropped = 0;
};

struct ReliabilityStats {
  std::uint64_t attempts = 0;        // upstream calls started
  std::uint64_t retries = 0;         // attempts after the first on the same target
  std::uint64_t fallbacks = 0;       // attempts on a fallback target
  std::uint64_t failed_attempts = 0; // attempts that ended before anything reached the client
  std::uint64_t circuit_rejections = 0;
  std::uint64_t dropped = 0; // requests refused by a full provider queue
  std::vector<ProviderLoad> providers;
  std::vector<BreakerInfo> breakers;
};

// Counters bumped on the request path.
struct Counters {
  std::atomic<std::uint64_t> attempts{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> fallbacks{0};
  std::atomic<std::uint64_t> failed_attempts{0};
  std::atomic<std::uint64_t> circuit_rejections{0};
  std::atomic<std::uint64_t> dropped{0};
};
Counters& counters();

// Everything at once, for /metrics (issue 8) and tests.
ReliabilityStats reliabilityStats();

} // namespace hd::pipeline
