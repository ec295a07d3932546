#pragma once
// The store thread: blocking database calls run here, one at a time, never on a request worker.
// Running every config write on this one thread also serialises them, so two concurrent API
// writes cannot lose each other's update.

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <optional>
#include <type_traits>

#include "core/offload.h"

namespace hd::store {

class Runner {
public:
  Runner() : pool_(1) {}
  ~Runner() { pool_.join(); }
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Awaits `f()` run on the store thread.
  template <class F> boost::asio::awaitable<std::invoke_result_t<F>> run(F f) {
    co_return co_await runOn(pool_, std::move(f));
  }

  // Runs `f()` on the store thread and blocks the caller until it is done (start-up, signals).
  template <class F> std::invoke_result_t<F> runSync(F f) {
    using R = std::invoke_result_t<F>;
    std::optional<R> out;
    boost::asio::post(pool_, [&] { out.emplace(f()); });
    std::promise<void> done;
    auto fut = done.get_future();
    boost::asio::post(pool_, [&] { done.set_value(); });
    fut.wait();
    return std::move(*out);
  }

  boost::asio::thread_pool& pool() { return pool_; }

private:
  boost::asio::thread_pool pool_;
};

} // namespace hd::store
