#pragma once
// Awaits a blocking call run on a thread pool (database, Redis, Argon2): the calling coroutine resumes on
// its own executor with the result, and request workers never block.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>

namespace hd {

template <class F> boost::asio::awaitable<std::invoke_result_t<F>> runOn(boost::asio::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F>;
  // co_spawn needs a default-constructible result: carry it in an optional. The callable is a named
  // local, not a temporary inside the co_await: g++ 12 mishandles the lifetime of such temporaries.
  auto task = [fn = std::move(f)]() mutable -> boost::asio::awaitable<std::optional<R>> {
    co_return std::optional<R>(fn());
  };
  auto op = boost::asio::co_spawn(pool.get_executor(), std::move(task), boost::asio::use_awaitable);
  std::optional<R> out = co_await std::move(op);
  co_return std::move(*out);
}

} // namespace hd
