#pragma once
// Circuit breakers, one per (provider, key, deployment), shared by every worker thread.
//
// Closed: calls go through; `failure_threshold` consecutive failures (connection failures, timeouts,
// 5xx, 529, unreadable answers) open it. Open: the key/deployment is skipped for `cooldown`; then the
// breaker is half-open and admits one probe call. The probe's success closes it, its failure opens it
// again for another cooldown. 429 does not count (rate limits are handled by retry-after and key rotation).
// Every transition is logged; the state is readable through snapshot() for metrics.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"

namespace hd::pipeline {

enum class BreakerState { Closed, Open, HalfOpen };
std::string_view toString(BreakerState s);

enum class Admission { Allowed, Probe, Rejected };

struct BreakerInfo {
  std::string id;
  BreakerState state = BreakerState::Closed;
  int consecutive_failures = 0;
  std::uint64_t times_opened = 0;
};

class CircuitBreakers {
public:
  using Clock = std::chrono::steady_clock;

  static CircuitBreakers& instance();

  // Whether a call to `id` may go now. A Probe admission must be followed by exactly one record() or
  // abandon() with probe = true.
  Admission admit(const std::string& id, const config::CircuitBreakerConfig& cfg, Clock::time_point now);
  // Would admit() let a call through (without taking the probe)?
  bool wouldAdmit(const std::string& id, const config::CircuitBreakerConfig& cfg, Clock::time_point now);
  void record(const std::string& id, bool success, bool probe, const config::CircuitBreakerConfig& cfg,
              Clock::time_point now);
  // A probe ended without a verdict (the client left): another call may probe.
  void abandon(const std::string& id);

  std::vector<BreakerInfo> snapshot() const;
  void clear(); // tests

private:
  struct Entry {
    BreakerState state = BreakerState::Closed;
    int failures = 0;
    Clock::time_point open_until{};
    bool probe_in_flight = false;
    std::uint64_t times_opened = 0;
  };
  void refresh(const std::string& id, Entry& e, Clock::time_point now);
  static constexpr std::size_t kMaxEntries = 10'000;

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// The breaker id of a key and deployment: "provider/key/deployment".
std::string breakerId(std::string_view provider, std::string_view key_name, std::string_view deployment);

} // namespace hd::pipeline
