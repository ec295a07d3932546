#pragma once
// Runs an awaitable to completion on a private io_context (each calling thread its own).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

namespace hd::governance::test {

template <class T> T runSync(boost::asio::awaitable<T> a) {
  boost::asio::io_context ctx;
  std::optional<T> out;
  auto task = [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(a)); };
  boost::asio::co_spawn(ctx, task(), boost::asio::detached);
  ctx.run();
  return std::move(*out);
}

} // namespace hd::governance::test
