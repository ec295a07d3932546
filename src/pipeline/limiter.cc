#include "pipeline/limiter.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

namespace hd::pipeline {

namespace asio = boost::asio;

namespace {
std::mutex g_registry_mu;
std::map<std::string, std::unique_ptr<ProviderLimiter>>& registry() {
  static std::map<std::string, std::unique_ptr<ProviderLimiter>> r;
  return r;
}
} // namespace

ProviderLimiter& ProviderLimiter::forProvider(const std::string& name) {
  std::lock_guard lock(g_registry_mu);
  auto& slot = registry()[name];
  if (!slot) {
    slot = std::make_unique<ProviderLimiter>();
    slot->name_ = name;
  }
  return *slot;
}

std::vector<ProviderLoad> ProviderLimiter::snapshotAll() {
  std::lock_guard lock(g_registry_mu);
  std::vector<ProviderLoad> out;
  for (const auto& [name, l] : registry()) {
    out.push_back(l->load());
  }
  return out;
}

ProviderLoad ProviderLimiter::load() const {
  std::lock_guard lock(mu_);
  return {name_, in_flight_, static_cast<int>(queue_.size()), limit_, buffer_, dropped_};
}

bool ProviderLimiter::tryTakeLocked() {
  if (in_flight_ < limit_ && queue_.empty()) {
    ++in_flight_;
    return true;
  }
  return false;
}

asio::awaitable<ProviderLimiter::Result> ProviderLimiter::acquire(const config::Concurrency& limits, bool drop_excess,
                                                                  std::chrono::milliseconds max_wait,
                                                                  http::ServerExchange& ex) {
  auto executor = co_await asio::this_coro::executor;
  auto w = std::make_shared<Waiter>(executor);
  {
    std::lock_guard lock(mu_);
    limit_ = limits.concurrency;
    buffer_ = limits.buffer_size;
    if (tryTakeLocked()) {
      co_return Result::Granted;
    }
    if (drop_excess && static_cast<int>(queue_.size()) >= buffer_) {
      ++dropped_;
      co_return Result::Dropped;
    }
    queue_.push_back(w);
  }
  w->timer.expires_after(max_wait);
  ex.onClientGone([w] { w->timer.cancel(); });
  co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  ex.onClientGone({});
  std::lock_guard lock(mu_);
  if (w->granted) {
    co_return Result::Granted;
  }
  std::erase(queue_, w);
  co_return ex.isClientGone() ? Result::Cancelled : Result::TimedOut;
}

void ProviderLimiter::release() {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mu_);
    if (!queue_.empty() && in_flight_ <= limit_) {
      next = std::move(queue_.front());
      queue_.pop_front();
      next->granted = true; // the slot passes to the waiter; in_flight_ is unchanged
    } else {
      --in_flight_;
    }
  }
  if (next) {
    asio::post(next->executor, [next] { next->timer.cancel(); });
  }
}

} // namespace hd::pipeline
