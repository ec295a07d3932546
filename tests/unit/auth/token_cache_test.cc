#include "auth/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

namespace hd::auth {
namespace {

namespace asio = boost::asio;

// A simulated clock shared by the cache and the fake credential.
struct FakeClock {
  std::atomic<std::int64_t> secs{1'800'000'000};
  Clock::time_point now() const { return Clock::time_point(std::chrono::seconds(secs.load())); }
};

// Issues "tok-<n>" valid for `lifetime`, after a short real delay; fails while `fail` is set.
class FakeCredential : public Credential {
public:
  explicit FakeCredential(FakeClock& clock) : clock_(clock) {}
  std::string source() const override { return "fake credential"; }
  asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& /*pool*/,
                                             const std::vector<std::string>& /*scopes*/) override {
    int n = ++calls;
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(delay);
    co_await t.async_wait(asio::use_awaitable);
    if (fail) {
      co_return Error::badGateway("fake credential: token service answered HTTP 503");
    }
    co_return AccessToken{"tok-" + std::to_string(n), clock_.now() + lifetime};
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  std::chrono::seconds lifetime{3600};
  std::chrono::milliseconds delay{50};

private:
  FakeClock& clock_;
};

TokenCacheOptions options(FakeClock& clock) {
  TokenCacheOptions o;
  o.now = [&clock] { return clock.now(); };
  o.backoff_initial = std::chrono::milliseconds(10'000);
  return o;
}

// One io_context per thread, like the server's workers.
struct Workers {
  std::vector<std::unique_ptr<asio::io_context>> ctxs;
  std::vector<std::unique_ptr<upstream::Pool>> pools;
  explicit Workers(int n) {
    for (int i = 0; i < n; ++i) {
      ctxs.push_back(std::make_unique<asio::io_context>(1));
      pools.push_back(std::make_unique<upstream::Pool>(ctxs.back()->get_executor()));
    }
  }
  ~Workers() { pools.clear(); }
  void run() {
    std::vector<std::thread> threads;
    for (auto& c : ctxs) {
      threads.emplace_back([&c] { c->run(); });
    }
    for (auto& t : threads) {
      t.join();
    }
    for (auto& c : ctxs) {
      c->restart();
    }
  }
};

Result<std::string> getOnce(TokenCache& cache, const CredentialPtr& cred, Workers& w) {
  std::optional<Result<std::string>> out;
  asio::co_spawn(
      *w.ctxs[0], [&]() -> asio::awaitable<void> { out.emplace(co_await cache.get("k", cred, {}, *w.pools[0])); },
      asio::detached);
  w.run();
  return std::move(*out);
}

TEST(TokenCache, ConcurrentColdStartSharesOneFetchAcrossThreads) {
  FakeClock clock;
  TokenCache cache(options(clock));
  auto cred = std::make_shared<FakeCredential>(clock);
  Workers w(4);
  std::mutex mu;
  std::vector<std::string> got;
  for (int i = 0; i < 64; ++i) {
    auto& ctx = *w.ctxs[static_cast<std::size_t>(i % 4)];
    auto& pool = *w.pools[static_cast<std::size_t>(i % 4)];
    asio::co_spawn(
        ctx,
        [&]() -> asio::awaitable<void> {
          auto r = co_await cache.get("k", cred, {}, pool);
          std::lock_guard lock(mu);
          got.push_back(r ? *r : r.error().message);
        },
        asio::detached);
  }
  w.run();
  ASSERT_EQ(got.size(), 64u);
  for (const auto& g : got) {
    EXPECT_EQ(g, "tok-1");
  }
  EXPECT_EQ(cred->calls.load(), 1);
  EXPECT_EQ(cache.fetchCount(), 1u);
}

TEST(TokenCache, RefreshesInTheBackgroundBeforeExpiry) {
  FakeClock clock;
  TokenCache cache(options(clock));
  auto cred = std::make_shared<FakeCredential>(clock);
  Workers w(1);
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1");
  clock.secs += 3600 - 301; // before the refresh point (5 minutes early)
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1");
  EXPECT_EQ(cred->calls.load(), 1);
  clock.secs += 2; // past it: the current token is served, one refresh runs
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1");
  EXPECT_EQ(cred->calls.load(), 2);
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-2");
  EXPECT_EQ(cred->calls.load(), 2);
}

TEST(TokenCache, ShortLivedTokensRefreshAtHalfLife) {
  FakeClock clock;
  TokenCache cache(options(clock));
  auto cred = std::make_shared<FakeCredential>(clock);
  cred->lifetime = std::chrono::seconds(100);
  Workers w(1);
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1");
  clock.secs += 49;
  getOnce(cache, cred, w);
  EXPECT_EQ(cred->calls.load(), 1);
  clock.secs += 2;
  getOnce(cache, cred, w);
  EXPECT_EQ(cred->calls.load(), 2);
}

TEST(TokenCache, FailedRefreshKeepsTheValidTokenThenBacksOff) {
  FakeClock clock;
  TokenCache cache(options(clock));
  auto cred = std::make_shared<FakeCredential>(clock);
  cred->lifetime = std::chrono::seconds(1000);
  Workers w(1);
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1");
  cred->fail = true;
  clock.secs += 701;                            // refresh point (expiry - 300 s)
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1"); // starts the refresh, which fails
  EXPECT_EQ(cred->calls.load(), 2);
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1"); // within the 10 s backoff: no new attempt
  EXPECT_EQ(cred->calls.load(), 2);
  clock.secs += 11;
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-1"); // backoff over: one more attempt (fails again)
  EXPECT_EQ(cred->calls.load(), 3);
  clock.secs += 400; // expired
  auto r = getOnce(cache, cred, w);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 502);
  EXPECT_EQ(r.error().message, "the Entra ID token from fake credential has expired and could not be refreshed: "
                               "fake credential: token service answered HTTP 503");
  cred->fail = false;
  clock.secs += 60; // past any backoff
  auto recovered = getOnce(cache, cred, w);
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(*recovered, "tok-" + std::to_string(cred->calls.load()));
}

TEST(TokenCache, ColdFailureIsReturnedWithoutHammering) {
  FakeClock clock;
  TokenCache cache(options(clock));
  auto cred = std::make_shared<FakeCredential>(clock);
  cred->fail = true;
  Workers w(1);
  EXPECT_FALSE(getOnce(cache, cred, w).ok());
  EXPECT_FALSE(getOnce(cache, cred, w).ok());
  EXPECT_EQ(cred->calls.load(), 1);
  clock.secs += 11;
  cred->fail = false;
  EXPECT_EQ(*getOnce(cache, cred, w), "tok-2");
}

} // namespace
} // namespace hd::auth
