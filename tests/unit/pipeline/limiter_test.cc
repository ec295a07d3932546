#include "pipeline/limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <future>
#include <thread>

namespace hd::pipeline {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Result = ProviderLimiter::Result;

// One worker thread with its own io_context, like the server's, and an exchange to wait on.
struct Worker {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  boost::beast::tcp_stream stream{io};
  http::Request req;
  http::ServerExchange ex{req, stream, {}, "test", 0, false};
  std::thread thread{[this] { io.run(); }};
  ~Worker() {
    guard.reset();
    io.stop();
    thread.join();
  }

  // Acquires on this worker's thread; the future is fulfilled with the result.
  std::future<Result> acquire(ProviderLimiter& l, config::Concurrency c, bool drop, milliseconds wait) {
    auto p = std::make_shared<std::promise<Result>>();
    auto f = p->get_future();
    asio::co_spawn(
        io,
        [&l, c, drop, wait, p, this]() -> asio::awaitable<void> {
          p->set_value(co_await l.acquire(c, drop, wait, ex));
        },
        asio::detached);
    return f;
  }
};

TEST(ProviderLimiter, HandsTheSlotToAWaiterOnAnotherThread) {
  auto& l = ProviderLimiter::forProvider("limiter-test-handoff");
  config::Concurrency one{1, 10};
  Worker a;
  Worker b;
  EXPECT_EQ(a.acquire(l, one, false, milliseconds(5000)).get(), Result::Granted);
  auto waiting = b.acquire(l, one, false, milliseconds(5000));
  EXPECT_EQ(waiting.wait_for(milliseconds(100)), std::future_status::timeout);
  EXPECT_EQ(l.load().queued, 1);
  l.release();
  EXPECT_EQ(waiting.get(), Result::Granted);
  EXPECT_EQ(l.load().in_flight, 1);
  l.release();
  EXPECT_EQ(l.load().in_flight, 0);
}

TEST(ProviderLimiter, DropsWhenTheQueueIsFullAndTimesOutOtherwise) {
  auto& l = ProviderLimiter::forProvider("limiter-test-drop");
  config::Concurrency c{1, 1};
  Worker a;
  EXPECT_EQ(a.acquire(l, c, true, milliseconds(5000)).get(), Result::Granted);
  auto queued = a.acquire(l, c, true, milliseconds(200));
  EXPECT_EQ(a.acquire(l, c, true, milliseconds(5000)).get(), Result::Dropped); // queue (1) full
  EXPECT_EQ(queued.get(), Result::TimedOut);
  EXPECT_EQ(l.load().queued, 0);
  EXPECT_EQ(l.load().dropped, 1u);
  l.release();
  EXPECT_EQ(l.load().in_flight, 0);
}

TEST(ProviderLimiter, ClientGoneCancelsTheWait) {
  auto& l = ProviderLimiter::forProvider("limiter-test-gone");
  config::Concurrency one{1, 10};
  Worker a;
  EXPECT_EQ(a.acquire(l, one, false, milliseconds(5000)).get(), Result::Granted);
  auto waiting = a.acquire(l, one, false, milliseconds(5000));
  EXPECT_EQ(waiting.wait_for(milliseconds(50)), std::future_status::timeout);
  asio::post(a.io, [&a] { a.ex.clientGone(); });
  EXPECT_EQ(waiting.get(), Result::Cancelled);
  EXPECT_EQ(l.load().queued, 0);
  l.release();
  EXPECT_EQ(l.load().in_flight, 0);
}

TEST(ProviderLimiter, ManyThreadsNeverExceedTheLimit) {
  auto& l = ProviderLimiter::forProvider("limiter-test-stress");
  config::Concurrency c{3, 1000};
  Worker w[4];
  std::atomic<int> in_flight{0};
  std::atomic<int> peak{0};
  std::atomic<int> done{0};
  constexpr int kPerWorker = 200;
  for (auto& worker : w) {
    for (int i = 0; i < kPerWorker; ++i) {
      asio::co_spawn(
          worker.io,
          [&]() -> asio::awaitable<void> {
            auto r = co_await l.acquire(c, false, milliseconds(10000), worker.ex);
            EXPECT_EQ(r, Result::Granted);
            int now = ++in_flight;
            int p = peak.load();
            while (now > p && !peak.compare_exchange_weak(p, now)) {
            }
            --in_flight;
            l.release();
            ++done;
          },
          asio::detached);
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() < 4 * kPerWorker && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(done.load(), 4 * kPerWorker);
  EXPECT_LE(peak.load(), 3);
  EXPECT_EQ(l.load().in_flight, 0);
  EXPECT_EQ(l.load().queued, 0);
}

} // namespace
} // namespace hd::pipeline
