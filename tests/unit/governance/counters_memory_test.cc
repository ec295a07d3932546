#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "governance/counters.h"
#include "run_sync.h"

namespace hd::governance {
namespace {

using test::runSync;

constexpr std::int64_t kStart = 1'700'000'000'000;
constexpr std::int64_t kEnd = kStart + 3'600'000;

Limit limit(std::string key, LimitKind kind, std::int64_t max, Window w = {kStart, kEnd}) {
  return Limit{std::move(key), kind, max, w, "test limit"};
}

struct Fixture : ::testing::Test {
  std::atomic<std::int64_t> now{kStart + 1000};
  std::unique_ptr<MemoryCounters> c = makeMemoryCounters([this] { return now.load(); });

  Admission admit(const std::vector<Limit>& ls, Amounts est) {
    auto r = runSync(c->admit(ls, est));
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : Admission{};
  }
  void settle(const std::vector<Limit>& ls, Amounts est, Amounts act) {
    EXPECT_TRUE(runSync(c->settle(ls, est, act)).ok());
  }
  CounterValue read(const Limit& l) {
    auto r = runSync(c->read({l}));
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value().at(0) : CounterValue{};
  }
};

using MemoryCountersTest = Fixture;

TEST_F(MemoryCountersTest, RequestsCountOnePerAdmissionAndIgnoreSettle) {
  auto rpm = limit("vk:a:rpm", LimitKind::Requests, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(admit({rpm}, {100, 10}).admitted) << i;
  }
  settle({rpm}, {100, 10}, {5, 5});
  EXPECT_EQ(read(rpm).used, 3);
  EXPECT_EQ(read(rpm).reserved, 0);
  Admission a = admit({rpm}, {100, 10});
  EXPECT_FALSE(a.admitted);
  EXPECT_EQ(a.rejected, 0u);
  EXPECT_EQ(a.retry_after_ms, kEnd - now.load());
  EXPECT_EQ(read(rpm).used, 3); // a rejected request is not counted
  EXPECT_EQ(c->type(), "memory");
}

TEST_F(MemoryCountersTest, AdmitIsAllOrNothing) {
  auto budget = limit("vk:a:budget", LimitKind::Spend, 1000);
  auto rpm = limit("vk:a:rpm", LimitKind::Requests, 1);
  auto tpm = limit("team:t:tokens", LimitKind::Tokens, 1'000'000);
  EXPECT_TRUE(admit({budget, rpm, tpm}, {100, 50}).admitted);
  Admission a = admit({budget, tpm, rpm}, {100, 50});
  EXPECT_FALSE(a.admitted);
  EXPECT_EQ(a.rejected, 2u); // the index in the request's list
  EXPECT_EQ(read(budget).reserved, 100);
  EXPECT_EQ(read(tpm).reserved, 50);
  EXPECT_EQ(read(rpm).used, 1);
}

TEST_F(MemoryCountersTest, SettleMovesTheReservationToUsed) {
  auto budget = limit("vk:a:budget", LimitKind::Spend, 1000);
  auto tokens = limit("vk:a:tokens", LimitKind::Tokens, 1000);
  ASSERT_TRUE(admit({budget, tokens}, {400, 300}).admitted);
  EXPECT_EQ(read(budget).reserved, 400);
  settle({budget, tokens}, {400, 300}, {123, 77});
  EXPECT_EQ(read(budget).used, 123);
  EXPECT_EQ(read(budget).reserved, 0);
  EXPECT_EQ(read(tokens).used, 77);
  // A failed request settles with zero.
  ASSERT_TRUE(admit({budget}, {400, 0}).admitted);
  settle({budget}, {400, 0}, {0, 0});
  EXPECT_EQ(read(budget).used, 123);
  EXPECT_EQ(read(budget).reserved, 0);
}

TEST_F(MemoryCountersTest, RoomMeansUsedPlusReservedBelowMax) {
  auto budget = limit("k:budget", LimitKind::Spend, 100);
  EXPECT_TRUE(admit({budget}, {60, 0}).admitted); // 0 < 100
  EXPECT_TRUE(admit({budget}, {60, 0}).admitted); // 60 < 100: may overshoot by this one request
  EXPECT_FALSE(admit({budget}, {1, 0}).admitted); // 120 >= 100
  settle({budget}, {60, 0}, {40, 0});
  settle({budget}, {60, 0}, {59, 0});
  EXPECT_EQ(read(budget).used, 99);
  EXPECT_TRUE(admit({budget}, {1, 0}).admitted); // 99 < 100
  settle({budget}, {1, 0}, {1, 0});
  EXPECT_FALSE(admit({budget}, {0, 0}).admitted); // 100 >= 100
  auto zero = limit("k:zero", LimitKind::Requests, 0);
  EXPECT_FALSE(admit({zero}, {}).admitted); // max 0 blocks everything
}

TEST_F(MemoryCountersTest, EachWindowHasItsOwnCounterAndOldOnesArePruned) {
  auto h1 = limit("k:rph", LimitKind::Requests, 1, {kStart, kEnd});
  auto h2 = limit("k:rph", LimitKind::Requests, 1, {kEnd, kEnd + 3'600'000});
  EXPECT_TRUE(admit({h1}, {}).admitted);
  EXPECT_FALSE(admit({h1}, {}).admitted);
  now = kEnd; // the next window
  EXPECT_TRUE(admit({h2}, {}).admitted);
  auto dumped = c->dump();
  ASSERT_EQ(dumped.size(), 1u); // the ended window was dropped
  EXPECT_EQ(dumped[0].first, "k:rph@" + std::to_string(kEnd));
  EXPECT_EQ(dumped[0].second, 1);
  // Settling against a pruned window changes nothing.
  auto s1 = limit("k:spend", LimitKind::Spend, 10, {kStart, kEnd});
  settle({s1}, {5, 0}, {5, 0});
  EXPECT_EQ(read(s1).used, 0);
}

TEST_F(MemoryCountersTest, DumpAndRestoreKeepUsedValues) {
  auto budget = limit("vk:a:budget", LimitKind::Spend, 1000);
  auto rpm = limit("vk:a:rpm", LimitKind::Requests, 10);
  ASSERT_TRUE(admit({budget, rpm}, {500, 0}).admitted);
  settle({budget, rpm}, {500, 0}, {321, 0});
  ASSERT_TRUE(admit({budget}, {200, 0}).admitted); // in flight: reserved, not dumped
  auto dumped = c->dump();
  std::sort(dumped.begin(), dumped.end());
  ASSERT_EQ(dumped.size(), 2u);
  EXPECT_EQ(dumped[0], std::make_pair("vk:a:budget@" + std::to_string(kStart), std::int64_t{321}));
  EXPECT_EQ(dumped[1], std::make_pair("vk:a:rpm@" + std::to_string(kStart), std::int64_t{1}));

  auto fresh = makeMemoryCounters([this] { return now.load(); });
  fresh->restore(dumped);
  auto values = runSync(fresh->read({budget, rpm}));
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values.value()[0].used, 321);
  EXPECT_EQ(values.value()[0].reserved, 0);
  EXPECT_EQ(values.value()[1].used, 1);
  auto small = limit("vk:a:budget", LimitKind::Spend, 321);
  auto r = runSync(fresh->admit({small}, {1, 0}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().admitted); // the restored spend counts
}

TEST_F(MemoryCountersTest, ConcurrentRequestLimitAdmitsExactlyMax) {
  auto rpm = limit("k:rpm", LimitKind::Requests, 500);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = runSync(c->admit({rpm}, {1, 1}));
        if (r.ok() && r.value().admitted) {
          ++admitted;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(admitted.load(), 500);
  EXPECT_EQ(read(rpm).used, 500);
}

TEST_F(MemoryCountersTest, ConcurrentSpendNeverOvershootsByMoreThanOneRequest) {
  constexpr std::int64_t kMax = 1000;
  constexpr std::int64_t kEstimate = 7;
  auto budget = limit("k:budget", LimitKind::Spend, kMax);
  std::atomic<std::int64_t> charged{0};
  std::atomic<std::int64_t> worst{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        auto r = runSync(c->admit({budget}, {kEstimate, 0}));
        ASSERT_TRUE(r.ok());
        if (!r.value().admitted) {
          continue;
        }
        auto v = runSync(c->read({budget}));
        std::int64_t seen = v.value()[0].used + v.value()[0].reserved;
        std::int64_t w = worst.load();
        while (seen > w && !worst.compare_exchange_weak(w, seen)) {
        }
        std::int64_t actual = (t + i) % (kEstimate + 1); // 0..7, never above the estimate
        charged += actual;
        ASSERT_TRUE(runSync(c->settle({budget}, {kEstimate, 0}, {actual, 0})).ok());
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CounterValue v = read(budget);
  EXPECT_EQ(v.reserved, 0);
  EXPECT_EQ(v.used, charged.load());
  // Admitted only while used + reserved < max, so the total stays below max + one request.
  EXPECT_LE(v.used, kMax - 1 + kEstimate);
  EXPECT_LE(worst.load(), kMax - 1 + kEstimate);
  EXPECT_GE(v.used, kMax - kEstimate); // and the budget was really used up
}

} // namespace
} // namespace hd::governance
