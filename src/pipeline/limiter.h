#pragma once
// Per-provider concurrency limit and queue (Bifrost's concurrency_and_buffer_size), shared by every worker
// thread. At most `concurrency` upstream calls to a provider are in flight; later ones wait in FIFO order.
// With client.drop_excess_requests, a call that finds `buffer_size` calls already waiting is refused at
// once; without it, it waits (bounded by the caller's deadline and the client's patience).
//
// Written by hand: Asio has no cross-thread asynchronous semaphore. Waiters park on a timer on their own
// executor; a release hands the slot over under the mutex and wakes the waiter on its own thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "http/exchange.h"
#include "pipeline/stats.h"

namespace hd::pipeline {

class ProviderLimiter {
public:
  enum class Result { Granted, Dropped, TimedOut, Cancelled };

  // The process-wide limiter of a provider (created on first use; survives config reloads).
  static ProviderLimiter& forProvider(const std::string& name);
  static std::vector<ProviderLoad> snapshotAll();

  // Waits for a slot. On Granted the caller owns one slot and must release() it.
  boost::asio::awaitable<Result> acquire(const config::Concurrency& limits, bool drop_excess,
                                         std::chrono::milliseconds max_wait, http::ServerExchange& ex);
  void release();

  ProviderLoad load() const;

private:
  struct Waiter {
    explicit Waiter(const boost::asio::any_io_executor& ex) : executor(ex), timer(ex) {}
    boost::asio::any_io_executor executor;
    boost::asio::steady_timer timer;
    bool granted = false; // guarded by mu_
  };
  bool tryTakeLocked();

  std::string name_;
  mutable std::mutex mu_;
  int in_flight_ = 0;
  int limit_ = 1000;
  int buffer_ = 5000;
  std::uint64_t dropped_ = 0;
  std::deque<std::shared_ptr<Waiter>> queue_;
};

// Releases a granted slot at scope exit.
class SlotGuard {
public:
  SlotGuard() = default;
  explicit SlotGuard(ProviderLimiter* l) : l_(l) {}
  SlotGuard(SlotGuard&& o) noexcept : l_(std::exchange(o.l_, nullptr)) {}
  SlotGuard& operator=(SlotGuard&& o) noexcept {
    reset();
    l_ = std::exchange(o.l_, nullptr);
    return *this;
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
  ~SlotGuard() { reset(); }
  void reset() {
    if (l_ != nullptr) {
      l_->release();
      l_ = nullptr;
    }
  }

private:
  ProviderLimiter* l_ = nullptr;
};

} // namespace hd::pipeline
