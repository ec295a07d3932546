#pragma once
// Runs an awaitable to completion on a private io_context (each calling thread its own). The context
// is stopped as soon as the awaitable is done: work it leaves behind (the Redis client's open
// connection and its pending read) is dropped with it.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

namespace hd::governance::test {

template <class T> T runSync(boost::asio::awaitable<T> a) {
  boost::asio::io_context ctx;
  std::optional<T> out;
  auto task = [&]() -> boost::asio::awaitable<void> {
    out.emplace(co_await std::move(a));
    ctx.stop();
  };
  boost::asio::co_spawn(ctx, task(), boost::asio::detached);
  ctx.run();
  return std::move(*out);
}

} // namespace hd::governance::test
