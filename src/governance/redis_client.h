#pragma once
// A small blocking Redis client over hiredis: redis:// URL parsing and a pool of connections made
// lazily, with connect and command timeouts. A broken connection is dropped and a new one made on
// the next call, so the client recovers by itself when Redis comes back. Blocking: call it only
// from a dedicated thread (counters_redis.cc runs it on its own thread pool).

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

struct redisContext;

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

// One reply, flattened: an integer, a string, nil, or an array of those (nested arrays are not needed here).
struct RedisReply {
  enum class Type { Nil, Integer, String, Status, Array };
  Type type = Type::Nil;
  std::int64_t integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
};

class RedisClient {
public:
  RedisClient(RedisEndpoint endpoint, std::chrono::milliseconds timeout, std::size_t max_idle);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command (binary-safe arguments). A Redis error reply (e.g. NOSCRIPT) is an Error whose
  // message starts with "redis: " followed by Redis's own text.
  Result<RedisReply> command(const std::vector<std::string>& args);
  // Pipelines several commands on one connection; one reply each.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);

  const RedisEndpoint& endpoint() const { return endpoint_; }

private:
  Result<redisContext*> acquire(bool* reused);
  Result<std::vector<RedisReply>> pipelineOnce(const std::vector<std::vector<std::string>>& commands);
  void dropIdle();
  void release(redisContext* c, bool healthy);
  Error failure(redisContext* c, std::string_view what) const;

  RedisEndpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<redisContext*> idle_;
};

// Redis error replies come back as Errors with this status and kind (the caller decides fail-open
// or fail-closed).
Error redisUnavailable(std::string message);

} // namespace hd::governance
