// The non-blocking Redis client against a real redis-server (skipped when it is not installed):
// pipelining on one connection per io_context, replies matched in order, error replies, the
// handshake (AUTH, SELECT), timeouts, reconnecting after a restart, and tear-down with commands
// still queued.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

#include "governance/redis_client.h"
#include "redis_server.h"
#include "run_sync.h"

namespace hd::governance {
namespace {

namespace asio = boost::asio;
using test::RedisServer;
using test::runSync;

#define REQUIRE_REDIS(server)                                                                                          \
  if (!(server).available()) {                                                                                         \
    GTEST_SKIP() << "redis-server is not installed (scripts/install-deps.sh --test installs it)";                      \
  }                                                                                                                    \
  ASSERT_TRUE((server).start())

RedisEndpoint local(const RedisServer& server) {
  RedisEndpoint e;
  e.port = server.port();
  return e;
}

// Runs `a` on `ctx` (kept between calls, unlike runSync) until it is done.
template <class T> T runOnContext(asio::io_context& ctx, asio::awaitable<T> a) {
  std::optional<T> out;
  auto task = [&]() -> asio::awaitable<void> {
    out.emplace(co_await std::move(a));
    ctx.stop();
  };
  ctx.restart();
  asio::co_spawn(ctx, task(), asio::detached);
  ctx.run();
  return std::move(*out);
}

std::vector<std::string> args(std::initializer_list<std::string> a) {
  return std::vector<std::string>(a);
}

// The coroutines below are plain functions: their arguments live in the coroutine frame (a lambda's
// captures would die with the lambda object before the coroutine ends).
asio::awaitable<void> pipelinedCall(RedisClient& client, int i, std::vector<std::int64_t>& counts,
                                    std::vector<std::int64_t>& ids, int& failures, int& done, asio::io_context& ctx) {
  std::vector<std::vector<std::string>> cmds;
  cmds.push_back(args({"ECHO", "call-" + std::to_string(i)}));
  cmds.push_back(args({"INCR", "n"}));
  cmds.push_back(args({"CLIENT", "ID"}));
  auto op = client.pipeline(std::move(cmds));
  auto r = co_await std::move(op);
  if (!r.ok() || r->size() != 3 || r->at(0).str != "call-" + std::to_string(i)) {
    ++failures;
  } else {
    counts[static_cast<std::size_t>(i)] = r->at(1).integer;
    ids[static_cast<std::size_t>(i)] = r->at(2).integer;
  }
  if (++done == static_cast<int>(counts.size())) {
    ctx.stop();
  }
}

asio::awaitable<void> incrExpectingFailure(RedisClient& client, std::vector<std::string>& errors, int total,
                                           asio::io_context& ctx) {
  const auto cmd = args({"INCR", "hung"}); // kept until the call is done; no braced lists inside co_await (g++ 12)
  auto op = client.command(cmd);
  auto r = co_await std::move(op);
  errors.push_back(r.ok() ? std::string("answered") : r.error().message);
  if (static_cast<int>(errors.size()) == total) {
    ctx.stop();
  }
}

asio::awaitable<void> pingThenFlag(RedisClient& client, bool& finished) {
  const auto cmd = args({"PING"}); // kept until the call is done; no braced lists inside co_await (g++ 12)
  auto op = client.command(cmd);
  co_await std::move(op);
  finished = true;
}

TEST(RedisClient, ConcurrentCallsShareOnePipelinedConnectionInOrder) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  asio::io_context ctx;
  constexpr int kCalls = 300;
  std::vector<std::int64_t> counts(kCalls, 0);
  std::vector<std::int64_t> ids(kCalls, 0);
  int done = 0;
  int failures = 0;
  for (int i = 0; i < kCalls; ++i) {
    asio::co_spawn(ctx, pipelinedCall(client, i, counts, ids, failures, done, ctx), asio::detached);
  }
  ctx.run();
  ASSERT_EQ(failures, 0);
  std::vector<std::int64_t> sorted = counts;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_EQ(sorted[i], i + 1); // every INCR ran exactly once
  }
  for (int i = 1; i < kCalls; ++i) {
    EXPECT_EQ(ids[i], ids[0]) << "call " << i << " used another connection";
  }
  // Another io_context gets a connection of its own.
  auto other = runSync(client.command(args({"CLIENT", "ID"})));
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_NE(other->integer, ids[0]);
}

TEST(RedisClient, AnErrorReplyFailsItsCallOnlyAndKeepsTheConnectionInStep) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  asio::io_context ctx;
  std::vector<std::vector<std::string>> cmds;
  cmds.push_back(args({"INCR", "k"}));
  cmds.push_back(args({"NOSUCHCOMMAND", "x"}));
  cmds.push_back(args({"INCR", "k"}));
  auto bad = runOnContext(ctx, client.pipeline(std::move(cmds)));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("redis: ERR unknown command", 0), 0u) << bad.error().message;
  EXPECT_EQ(bad.error().status, 503);
  auto next = runOnContext(ctx, client.command(args({"INCR", "k"})));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->integer, 3); // both INCRs of the failed pipeline ran; the replies stayed matched
  auto nil = runOnContext(ctx, client.command(args({"GET", "missing"})));
  ASSERT_TRUE(nil.ok());
  EXPECT_EQ(nil->type, RedisReply::Type::Nil);
  auto arr = runOnContext(ctx, client.command(args({"HMGET", "nohash", "a", "b"})));
  ASSERT_TRUE(arr.ok());
  ASSERT_EQ(arr->type, RedisReply::Type::Array);
  EXPECT_EQ(arr->elements.size(), 2u);
}

TEST(RedisClient, AuthenticatesSelectsTheDatabaseAndResolvesHostNames) {
  RedisServer server(test::RedisOptions{.appendonly = false, .password = "s3cret-pw"});
  REQUIRE_REDIS(server);
  RedisEndpoint e = local(server);
  e.host = "localhost";
  e.password = "s3cret-pw";
  e.db = 5;
  RedisClient five(e, std::chrono::milliseconds(1000));
  ASSERT_TRUE(runSync(five.command(args({"SET", "where", "five"}))).ok());
  e.db = 0;
  e.host = "127.0.0.1";
  RedisClient zero(e, std::chrono::milliseconds(1000));
  auto z = runSync(zero.command(args({"GET", "where"})));
  ASSERT_TRUE(z.ok()) << z.error().message;
  EXPECT_EQ(z->type, RedisReply::Type::Nil);
  auto f = runSync(five.command(args({"GET", "where"})));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->str, "five");
  // A wrong password fails every queued call, naming the server but never the password.
  e.password = "wrong-pw";
  RedisClient wrong(e, std::chrono::milliseconds(1000));
  auto denied = runSync(wrong.command(args({"PING"})));
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.error().message.find("authentication failed"), std::string::npos) << denied.error().message;
  EXPECT_NE(denied.error().message.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos);
  EXPECT_EQ(denied.error().message.find("wrong-pw"), std::string::npos);
  EXPECT_EQ(denied.error().message.find("s3cret"), std::string::npos);
}

TEST(RedisClient, AConnectionClosedByARestartedRedisIsReplacedAndNothingRunsTwice) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  asio::io_context ctx;
  auto first = runOnContext(ctx, client.command(args({"CLIENT", "ID"})));
  ASSERT_TRUE(first.ok()) << first.error().message;
  // The restart happens while the io_context is not running: the client learns that its connection
  // is closed only when it next uses it.
  server.stop();
  ASSERT_TRUE(server.start());
  auto incr = runOnContext(ctx, client.command(args({"INCR", "once"})));
  ASSERT_TRUE(incr.ok()) << incr.error().message;
  EXPECT_EQ(incr->integer, 1);
  // Restarted while the io_context runs idle: the client notices the close at once.
  server.stop();
  ASSERT_TRUE(server.start());
  ctx.restart();
  ctx.run_for(std::chrono::milliseconds(100));
  auto again = runOnContext(ctx, client.command(args({"INCR", "once"})));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->integer, 1); // a fresh server (no persistence): the INCR ran once
}

TEST(RedisClient, RedisDownFailsFastAndRecovers) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  asio::io_context ctx;
  ASSERT_TRUE(runOnContext(ctx, client.command(args({"PING"}))).ok());
  server.stop();
  auto t0 = std::chrono::steady_clock::now();
  auto down = runOnContext(ctx, client.command(args({"PING"})));
  ASSERT_FALSE(down.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
  EXPECT_NE(down.error().message.find("127.0.0.1:" + std::to_string(server.port()) + "/0"), std::string::npos)
      << down.error().message;
  auto still = runOnContext(ctx, client.command(args({"PING"})));
  ASSERT_FALSE(still.ok());
  EXPECT_NE(still.error().message.find("cannot connect"), std::string::npos) << still.error().message;
  ASSERT_TRUE(server.start());
  auto back = runOnContext(ctx, client.command(args({"PING"})));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->str, "PONG");
}

TEST(RedisClient, AHungRedisTimesOutEveryQueuedCallThenRecovers) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  asio::io_context ctx;
  ASSERT_TRUE(runOnContext(ctx, client.command(args({"PING"}))).ok());
  server.pause(true);
  constexpr int kCalls = 5;
  std::vector<std::string> errors;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    asio::co_spawn(ctx, incrExpectingFailure(client, errors, kCalls, ctx), asio::detached);
  }
  ctx.restart();
  ctx.run();
  auto took = std::chrono::steady_clock::now() - t0;
  server.pause(false);
  ASSERT_EQ(errors.size(), static_cast<std::size_t>(kCalls));
  for (const auto& e : errors) {
    EXPECT_NE(e.find("timed out after 1000 ms"), std::string::npos) << e;
  }
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(4));
  auto back = runOnContext(ctx, client.command(args({"PING"})));
  ASSERT_TRUE(back.ok()) << back.error().message;
}

TEST(RedisClient, DestroyingTheIoContextWithCallsQueuedIsClean) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  {
    asio::io_context ctx;
    ASSERT_TRUE(runOnContext(ctx, client.command(args({"PING"}))).ok());
    server.pause(true);
    bool finished = false;
    asio::co_spawn(ctx, pingThenFlag(client, finished), asio::detached);
    ctx.restart();
    ctx.run_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(finished);
  } // the queued call's coroutine is destroyed with the io_context (ASan checks nothing leaks)
  server.pause(false);
  auto r = runSync(client.command(args({"PING"})));
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(RedisClient, ThreadsWithTheirOwnIoContextsDoNotShareConnections) {
  RedisServer server;
  REQUIRE_REDIS(server);
  RedisClient client(local(server), std::chrono::milliseconds(1000));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      asio::io_context ctx;
      for (int i = 0; i < 50; ++i) {
        auto r = runOnContext(ctx, client.command(args({"INCR", "shared"})));
        ok[t] += r.ok() ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(ok[t], 50);
  }
  auto total = runSync(client.command(args({"GET", "shared"})));
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->str, "200");
}

} // namespace
} // namespace hd::governance
