// The Redis backend against a real redis-server (skipped when it is not installed).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "governance/counters.h"
#include "governance/counters_util.h"
#include "governance/redis_client.h"
#include "redis_server.h"
#include "run_sync.h"

namespace hd::governance {
namespace {

using test::RedisServer;
using test::runSync;

Limit limit(std::string key, LimitKind kind, std::int64_t max, Window w) {
  return Limit{std::move(key), kind, max, w, "test limit"};
}

Window currentHour() {
  std::int64_t now = systemNowMs();
  std::int64_t start = now - now % 3'600'000;
  return {start, start + 3'600'000};
}

std::unique_ptr<Counters> open(const std::string& url) {
  auto r = makeRedisCounters(url);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r.value()) : nullptr;
}

#define REQUIRE_REDIS(server)                                                                                          \
  if (!(server).available()) {                                                                                         \
    GTEST_SKIP() << "redis-server is not installed (scripts/install-deps.sh --test installs it)";                      \
  }                                                                                                                    \
  ASSERT_TRUE((server).start())

TEST(RedisUrl, Parses) {
  auto e = parseRedisUrl("redis://:s3cret@10.0.0.5:6380/2");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->host, "10.0.0.5");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->password, "s3cret");
  EXPECT_EQ(e->username, "");
  EXPECT_EQ(e->db, 2);
  EXPECT_EQ(e->display(), "10.0.0.5:6380/2");
  auto d = parseRedisUrl("redis://localhost");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "localhost");
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);
  EXPECT_TRUE(d->password.empty());
  auto u = parseRedisUrl("redis://gateway:p%40ss@cache.internal:7000/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->username, "gateway");
  EXPECT_EQ(u->password, "p@ss");
  auto lone = parseRedisUrl("redis://onlysecret@h");
  ASSERT_TRUE(lone.ok());
  EXPECT_EQ(lone->password, "onlysecret");
  EXPECT_EQ(lone->username, "");
}

TEST(RedisUrl, RejectsWithoutEchoingThePassword) {
  for (std::string_view bad :
       {"", "localhost:6379", "http://:pw@host", "rediss://:pw@host", "redis://:pw@host:0", "redis://:pw@host:99999",
        "redis://:pw@host:x", "redis://:pw@host/db1", "redis://:pw@host/1?timeout=3", "redis://:pw@/0", "redis:///"}) {
    auto r = parseRedisUrl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("expected redis://"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find(":pw@"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().status, 400);
  }
  EXPECT_FALSE(makeRedisCounters("nope").ok());
}

TEST(RedisCounters, AdmitSettleAndRead) {
  RedisServer server;
  REQUIRE_REDIS(server);
  auto c = open(server.url(3));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type(), "redis");
  Window w = currentHour();
  auto budget = limit("vk:a:budget", LimitKind::Spend, 1000, w);
  auto rpm = limit("vk:a:rpm", LimitKind::Requests, 2, w);
  auto tokens = limit("vk:a:tokens", LimitKind::Tokens, 1'000'000, w);
  auto a = runSync(c->admit({budget, rpm, tokens}, {400, 300}));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->admitted);
  auto v = runSync(c->read({budget, rpm, tokens}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->at(0).reserved, 400);
  EXPECT_EQ(v->at(1).used, 1);
  EXPECT_EQ(v->at(2).reserved, 300);
  ASSERT_TRUE(runSync(c->settle({budget, rpm, tokens}, {400, 300}, {123, 77})).ok());
  v = runSync(c->read({budget, rpm, tokens}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->at(0).used, 123);
  EXPECT_EQ(v->at(0).reserved, 0);
  EXPECT_EQ(v->at(1).used, 1); // settle leaves request counts alone
  EXPECT_EQ(v->at(2).used, 77);
  EXPECT_TRUE(runSync(c->admit({budget, rpm}, {1, 1}))->admitted);
  // All or nothing: the request limit is full, so the budget is not charged.
  auto full = runSync(c->admit({budget, rpm}, {1, 1}));
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->admitted);
  EXPECT_EQ(full->rejected, 1u);
  EXPECT_GT(full->retry_after_ms, 0);
  EXPECT_LE(full->retry_after_ms, 3'600'000);
  EXPECT_EQ(runSync(c->read({budget}))->at(0).reserved, 1);
  // Amounts are exact integers however large (Lua would print 1e+15 for a number this size).
  auto big = limit("vk:a:big", LimitKind::Spend, INT64_MAX, w);
  ASSERT_TRUE(runSync(c->admit({big}, {123'456'789'012'345'678, 0}))->admitted);
  ASSERT_TRUE(runSync(c->settle({big}, {123'456'789'012'345'678, 0}, {98'765'432'109'876'543, 0})).ok());
  EXPECT_EQ(runSync(c->read({big}))->at(0).used, 98'765'432'109'876'543);
  EXPECT_EQ(runSync(c->read({big}))->at(0).reserved, 0);
  // The counters live in the selected database: db 0 is empty.
  RedisEndpoint e;
  e.port = server.port();
  RedisClient client(e, std::chrono::milliseconds(1000));
  EXPECT_EQ(runSync(client.command({"DBSIZE"}))->integer, 0);
  ASSERT_TRUE(runSync(client.command({"SELECT", "3"})).ok());
}

TEST(RedisCounters, TwoReplicasNeverOvershoot) {
  RedisServer server;
  REQUIRE_REDIS(server);
  auto a = open(server.url());
  auto b = open(server.url());
  ASSERT_TRUE(a && b);
  Window w = currentHour();
  constexpr std::int64_t kMax = 700;
  constexpr std::int64_t kEstimate = 7;
  auto budget = limit("team:t:budget", LimitKind::Spend, kMax, w);
  auto rph = limit("team:t:rph", LimitKind::Requests, 150, w);
  std::atomic<std::int64_t> charged{0};
  std::atomic<int> admitted{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    Counters* c = t % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&, c, t] {
      for (int i = 0; i < 60; ++i) {
        auto r = runSync(c->admit({rph, budget}, {kEstimate, 0}));
        if (!r.ok()) {
          ++errors;
          continue;
        }
        if (!r->admitted) {
          continue;
        }
        ++admitted;
        std::int64_t actual = (t * 7 + i) % (kEstimate + 1);
        charged += actual;
        if (!runSync(c->settle({rph, budget}, {kEstimate, 0}, {actual, 0})).ok()) {
          ++errors;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(errors.load(), 0);
  auto v = runSync(a->read({budget, rph}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->at(0).reserved, 0);
  EXPECT_EQ(v->at(0).used, charged.load());
  EXPECT_LE(v->at(0).used, kMax - 1 + kEstimate); // at most one request over
  EXPECT_EQ(v->at(1).used, admitted.load());
  EXPECT_LE(admitted.load(), 150);
  // Either limit ran out (360 attempts for 150 requests / ~100 budget-sized requests).
  EXPECT_TRUE(admitted.load() == 150 || v->at(0).used >= kMax - kEstimate);
}

TEST(RedisCounters, KeysExpireAfterTheirWindow) {
  RedisServer server;
  REQUIRE_REDIS(server);
  auto c = open(server.url());
  ASSERT_TRUE(c);
  RedisEndpoint e;
  e.port = server.port();
  RedisClient client(e, std::chrono::milliseconds(1000));
  Window w = currentHour();
  auto rph = limit("k:rph", LimitKind::Requests, 1, w);
  ASSERT_TRUE(runSync(c->admit({rph}, {}))->admitted);
  auto ttl = runSync(client.command({"PTTL", "hd:cnt:k:rph@" + std::to_string(w.start_ms)}));
  ASSERT_TRUE(ttl.ok());
  std::int64_t expect = w.end_ms + 15 * 60 * 1000 - systemNowMs();
  EXPECT_GT(ttl->integer, expect - 5000);
  EXPECT_LE(ttl->integer, expect + 1000);
  // A window long over (past its grace period) leaves nothing behind; the next window starts at zero.
  Window old{w.start_ms - 7'200'000, w.start_ms - 3'600'000};
  auto stale = limit("k:old", LimitKind::Spend, 100, old);
  ASSERT_TRUE(runSync(c->admit({stale}, {50, 0}))->admitted);
  ASSERT_TRUE(runSync(c->settle({stale}, {50, 0}, {50, 0})).ok());
  EXPECT_EQ(runSync(client.command({"EXISTS", "hd:cnt:k:old@" + std::to_string(old.start_ms)}))->integer, 0);
  EXPECT_EQ(runSync(c->read({stale}))->at(0).used, 0);
  Window next{w.end_ms, w.end_ms + 3'600'000};
  EXPECT_TRUE(runSync(c->admit({limit("k:rph", LimitKind::Requests, 1, next)}, {}))->admitted);
}

TEST(RedisCounters, AppendOnlyRedisKeepsSpendAcrossARestart) {
  RedisServer server(test::RedisOptions{.appendonly = true, .password = {}});
  REQUIRE_REDIS(server);
  auto c = open(server.url());
  ASSERT_TRUE(c);
  Window w = currentHour();
  auto budget = limit("vk:p:budget", LimitKind::Spend, 1'000'000, w);
  ASSERT_TRUE(runSync(c->admit({budget}, {500, 0}))->admitted);
  ASSERT_TRUE(runSync(c->settle({budget}, {500, 0}, {432, 0})).ok());
  server.stop(); // SIGKILL: only what was fsynced survives
  ASSERT_TRUE(server.start());
  // The same client reconnects by itself (its pooled connection died with the server).
  auto v = runSync(c->read({budget}));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->at(0).used, 432);
  EXPECT_EQ(v->at(0).reserved, 0);
}

TEST(RedisCounters, RedisDownIsAnErrorAndRecovers) {
  RedisServer server(test::RedisOptions{.appendonly = false, .password = "hunter2-secret"});
  REQUIRE_REDIS(server);
  auto c = open(server.url());
  ASSERT_TRUE(c);
  Window w = currentHour();
  auto rpm = limit("k:rpm", LimitKind::Requests, 100, w);
  ASSERT_TRUE(runSync(c->admit({rpm}, {}))->admitted);
  server.stop();
  auto t0 = std::chrono::steady_clock::now();
  auto down = runSync(c->admit({rpm}, {}));
  ASSERT_FALSE(down.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(down.error().status, 503);
  EXPECT_NE(down.error().message.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos)
      << down.error().message;
  EXPECT_EQ(down.error().message.find("hunter2"), std::string::npos);
  EXPECT_FALSE(runSync(c->settle({limit("k:spend", LimitKind::Spend, 1, w)}, {1, 0}, {1, 0})).ok());
  EXPECT_FALSE(runSync(c->read({rpm})).ok());
  ASSERT_TRUE(server.start());
  auto back = runSync(c->admit({rpm}, {}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->admitted);
  // A wrong password is a clean error that does not echo it.
  auto wrong = open("redis://:not-the-password@127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(wrong);
  auto denied = runSync(wrong->read({rpm}));
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.error().message.find("authentication failed"), std::string::npos) << denied.error().message;
  EXPECT_EQ(denied.error().message.find("not-the-password"), std::string::npos);
}

TEST(RedisCounters, AHungRedisTimesOut) {
  RedisServer server;
  REQUIRE_REDIS(server);
  auto c = open(server.url());
  ASSERT_TRUE(c);
  Window w = currentHour();
  auto rpm = limit("k:rpm", LimitKind::Requests, 100, w);
  ASSERT_TRUE(runSync(c->admit({rpm}, {}))->admitted);
  server.pause(true);
  auto t0 = std::chrono::steady_clock::now();
  auto hung = runSync(c->admit({rpm}, {}));
  auto took = std::chrono::steady_clock::now() - t0;
  server.pause(false);
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.error().status, 503);
  EXPECT_GE(took, std::chrono::milliseconds(900)); // the 1 s command timeout
  EXPECT_LT(took, std::chrono::seconds(4));
  auto back = runSync(c->read({rpm}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_GE(back->at(0).used, 1);
}

TEST(RedisCounters, ScriptsAreReloadedAfterAFlush) {
  RedisServer server;
  REQUIRE_REDIS(server);
  auto c = open(server.url());
  ASSERT_TRUE(c);
  Window w = currentHour();
  auto rpm = limit("k:rpm", LimitKind::Requests, 100, w);
  ASSERT_TRUE(runSync(c->admit({rpm}, {}))->admitted);
  RedisEndpoint e;
  e.port = server.port();
  RedisClient client(e, std::chrono::milliseconds(1000));
  ASSERT_TRUE(runSync(client.command({"SCRIPT", "FLUSH"})).ok()); // the next EVALSHA answers NOSCRIPT
  auto r = runSync(c->admit({rpm}, {}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->admitted);
  EXPECT_EQ(runSync(c->read({rpm}))->at(0).used, 2);
}

} // namespace
} // namespace hd::governance
