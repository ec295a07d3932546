#pragma once
// Redis for the governance counters: redis:// URL parsing, replies, and the client coroutines use.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hd::governance {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username; // Redis 6 ACL user; empty for the default user
  std::string password; // empty: no AUTH
  int db = 0;
  std::string display() const; // host:port/db, never the password
};

// redis://[[user]:password@]host[:port][/db]. Errors name what is wrong, never echo the password.
Result<RedisEndpoint> parseRedisUrl(std::string_view url);

struct RedisSettings;

// One reply, flattened: an integer, a string, nil, or an array of those (nested arrays are not needed here).
struct RedisReply {
  enum class Type { Nil, Integer, String, Status, Array };
  Type type = Type::Nil;
  std::int64_t integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
};

// A Redis client for coroutines: every io_context that calls it gets its own pipelined, non-blocking
// connection (redis_connection.h), made on first use and kept with the io_context (an Asio service
// holds it, so it goes away with the io_context). Calls never block and never leave the caller's
// thread: a worker's requests share one connection, their commands written together and answered in
// order. A broken connection is replaced on the next call, so the client recovers by itself when
// Redis comes back; a batch that found its open connection closed by the server before any answer
// (Redis restarted while the connection was idle) is sent once more on a new connection.
//
// Call it from coroutines running on an io_context run by one thread (as the server's workers are).
class RedisClient {
public:
  RedisClient(RedisEndpoint endpoint, std::chrono::milliseconds timeout);
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command (binary-safe arguments). A Redis error reply (e.g. NOSCRIPT) is an Error whose
  // message starts with "redis: " followed by Redis's own text. Failures (connect, timeout, closed)
  // are Errors naming host:port/db, never the password.
  // The arguments are read when the call is awaited: keep them alive until it completes (as with any
  // awaited call).
  boost::asio::awaitable<Result<RedisReply>> command(const std::vector<std::string>& args);
  // Pipelines several commands; one reply each (or the first error, after reading them all).
  boost::asio::awaitable<Result<std::vector<RedisReply>>>
  pipeline(const std::vector<std::vector<std::string>>& commands);

  const RedisEndpoint& endpoint() const;

private:
  boost::asio::awaitable<Result<std::vector<RedisReply>>> run(std::span<const std::vector<std::string>> commands);

  std::shared_ptr<const RedisSettings> settings_;
  std::uint64_t id_; // this client's connection in each io_context's registry
};

// Redis error replies come back as Errors with this status and kind (the caller decides fail-open
// or fail-closed).
Error redisUnavailable(std::string message);

} // namespace hd::governance
