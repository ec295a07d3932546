#include "pipeline/circuit_breaker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace hd::pipeline {

std::string_view toString(BreakerState s) {
  switch (s) {
  case BreakerState::Closed:
    return "closed";
  case BreakerState::Open:
    return "open";
  case BreakerState::HalfOpen:
    return "half-open";
  }
  return "closed";
}

std::string breakerId(std::string_view provider, std::string_view key_name, std::string_view deployment) {
  return fmt::format("{}/{}/{}", provider, key_name, deployment);
}

CircuitBreakers& CircuitBreakers::instance() {
  static CircuitBreakers b;
  return b;
}

void CircuitBreakers::refresh(const std::string& id, Entry& e, Clock::time_point now) {
  if (e.state == BreakerState::Open && now >= e.open_until) {
    e.state = BreakerState::HalfOpen;
    e.probe_in_flight = false;
    spdlog::info("circuit breaker {}: open -> half-open (next call probes the upstream)", id);
  }
}

Admission CircuitBreakers::admit(const std::string& id, const config::CircuitBreakerConfig& cfg,
                                 Clock::time_point now) {
  if (!cfg.enabled) {
    return Admission::Allowed;
  }
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return Admission::Allowed;
  }
  Entry& e = it->second;
  refresh(id, e, now);
  switch (e.state) {
  case BreakerState::Closed:
    return Admission::Allowed;
  case BreakerState::Open:
    return Admission::Rejected;
  case BreakerState::HalfOpen:
    if (e.probe_in_flight) {
      return Admission::Rejected;
    }
    e.probe_in_flight = true;
    return Admission::Probe;
  }
  return Admission::Allowed;
}

bool CircuitBreakers::wouldAdmit(const std::string& id, const config::CircuitBreakerConfig& cfg,
                                 Clock::time_point now) {
  if (!cfg.enabled) {
    return true;
  }
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return true;
  }
  refresh(id, it->second, now);
  return it->second.state == BreakerState::Closed ||
         (it->second.state == BreakerState::HalfOpen && !it->second.probe_in_flight);
}

void CircuitBreakers::record(const std::string& id, bool success, bool probe, const config::CircuitBreakerConfig& cfg,
                             Clock::time_point now) {
  if (!cfg.enabled) {
    return;
  }
  std::lock_guard lock(mu_);
  if (success) {
    auto it = entries_.find(id);
    if (it == entries_.end()) {
      return; // closed with no failures: nothing to remember
    }
    Entry& e = it->second;
    if (e.state != BreakerState::Closed) {
      spdlog::info("circuit breaker {}: {} -> closed (a call succeeded)", id, toString(e.state));
      e.state = BreakerState::Closed;
      e.probe_in_flight = false;
    }
    e.failures = 0;
    return;
  }
  if (entries_.size() >= kMaxEntries && entries_.count(id) == 0) {
    // Deployment names can come from requests: forget closed breakers rather than grow without bound.
    std::erase_if(entries_, [](const auto& kv) { return kv.second.state == BreakerState::Closed; });
  }
  Entry& e = entries_[id];
  refresh(id, e, now);
  ++e.failures;
  bool reopen = e.state == BreakerState::HalfOpen || (probe && e.state != BreakerState::Open);
  bool trip = e.state == BreakerState::Closed && e.failures >= cfg.failure_threshold;
  if (reopen || trip) {
    spdlog::warn("circuit breaker {}: {} -> open for {} ms after {} consecutive failure(s)", id, toString(e.state),
                 cfg.cooldown.count(), e.failures);
    e.state = BreakerState::Open;
    e.open_until = now + cfg.cooldown;
    e.probe_in_flight = false;
    ++e.times_opened;
  }
}

void CircuitBreakers::abandon(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) {
    it->second.probe_in_flight = false;
  }
}

std::vector<BreakerInfo> CircuitBreakers::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<BreakerInfo> out;
  auto now = Clock::now();
  for (const auto& [id, e] : entries_) {
    BreakerState s = e.state == BreakerState::Open && now >= e.open_until ? BreakerState::HalfOpen : e.state;
    out.push_back({id, s, e.failures, e.times_opened});
  }
  return out;
}

void CircuitBreakers::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

} // namespace hd::pipeline
