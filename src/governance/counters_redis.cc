// The Redis backend: counters shared by every replica. Each counter is a hash "hd:cnt:<key>@<start>"
// with integer fields u (used) and r (reserved), changed only with HINCRBY. Check-and-charge over all
// of a request's limits is one Lua script, so it is atomic across replicas; settle is another. Keys
// expire at their window's end plus a grace period (for requests still running at the boundary).
//
// Redis is called without blocking from the worker that handles the request, on that worker's own
// pipelined connection (redis_client.h): admit and settle are one EVALSHA each, no thread hand-off.
#include <openssl/sha.h>

#include <charconv>
#include <optional>

#include "governance/counters.h"
#include "governance/counters_util.h"
#include "governance/redis_client.h"

namespace hd::governance {
namespace {

constexpr std::int64_t kGraceMs = 15 * 60 * 1000; // a request may finish up to 15 minutes after its window
constexpr std::chrono::milliseconds kTimeout{1000};
constexpr std::string_view kPrefix = "hd:cnt:";

// KEYS: one counter per limit. ARGV: four per limit: kind (q = requests, a = amount), max, amount,
// expire-at (unix ms). Returns 0 when admitted, else the 1-based index of the first full limit.
constexpr std::string_view kAdmitScript = R"lua(
for i = 1, #KEYS do
  local max = tonumber(ARGV[(i - 1) * 4 + 2])
  local v = redis.call('HMGET', KEYS[i], 'u', 'r')
  local used = tonumber(v[1]) or 0
  local reserved = tonumber(v[2]) or 0
  if used + reserved >= max then
    return i
  end
end
for i = 1, #KEYS do
  local b = (i - 1) * 4
  if ARGV[b + 1] == 'q' then
    redis.call('HINCRBY', KEYS[i], 'u', 1)
  else
    redis.call('HINCRBY', KEYS[i], 'r', ARGV[b + 3])
  end
  redis.call('PEXPIREAT', KEYS[i], ARGV[b + 4])
end
return 0
)lua";

// KEYS: spend/token counters. ARGV: three per key: minus the estimate to release, the actual amount to
// add, expire-at. (Amounts stay strings: Lua would print large numbers as 1e+15, which HINCRBY rejects.) A reservation
// lost with a Redis restart never drives `r` below zero.
constexpr std::string_view kSettleScript = R"lua(
for i = 1, #KEYS do
  local b = (i - 1) * 3
  local r = redis.call('HINCRBY', KEYS[i], 'r', ARGV[b + 1])
  if r < 0 then
    redis.call('HSET', KEYS[i], 'r', 0)
  end
  redis.call('HINCRBY', KEYS[i], 'u', ARGV[b + 2])
  redis.call('PEXPIREAT', KEYS[i], ARGV[b + 3])
end
return 0
)lua";

std::string sha1Hex(std::string_view s) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::string redisKey(const Limit& l) {
  return std::string(kPrefix) + counterKey(l);
}

std::string expireAt(const Limit& l) {
  return std::to_string(satAdd(l.window.end_ms, kGraceMs));
}

struct Script {
  std::string_view text;
  std::string sha;
};

class RedisCounters final : public Counters {
public:
  explicit RedisCounters(RedisEndpoint endpoint)
      : client_(std::move(endpoint), kTimeout), admit_{kAdmitScript, sha1Hex(kAdmitScript)},
        settle_{kSettleScript, sha1Hex(kSettleScript)} {}

  std::string_view type() const override { return "redis"; }

  boost::asio::awaitable<Result<Admission>> admit(const std::vector<Limit>& limits, Amounts estimate) override {
    if (limits.empty()) {
      co_return Admission{true, 0, 0};
    }
    std::vector<std::string> keys;
    std::vector<std::string> args;
    keys.reserve(limits.size());
    args.reserve(limits.size() * 4);
    for (const Limit& l : limits) {
      keys.push_back(redisKey(l));
      std::int64_t amount = 1;
      if (l.kind == LimitKind::Spend) {
        amount = std::max<std::int64_t>(0, estimate.spend);
      } else if (l.kind == LimitKind::Tokens) {
        amount = std::max<std::int64_t>(0, estimate.tokens);
      }
      args.push_back(l.kind == LimitKind::Requests ? "q" : "a");
      args.push_back(std::to_string(l.max));
      args.push_back(std::to_string(amount));
      args.push_back(expireAt(l));
    }
    auto op = eval(admit_, std::move(keys), std::move(args)); // named: no temporary inside the co_await
    auto r = co_await std::move(op);
    if (!r.ok()) {
      co_return r.error();
    }
    if (r->type != RedisReply::Type::Integer || r->integer < 0 ||
        r->integer > static_cast<std::int64_t>(limits.size())) {
      co_return redisUnavailable("redis: unexpected reply to the admission script");
    }
    if (r->integer == 0) {
      co_return Admission{true, 0, 0};
    }
    auto index = static_cast<std::size_t>(r->integer - 1);
    co_return Admission{false, index, std::max<std::int64_t>(0, limits[index].window.end_ms - systemNowMs())};
  }

  boost::asio::awaitable<Result<Ok>> settle(const std::vector<Limit>& limits, Amounts estimate,
                                            Amounts actual) override {
    std::vector<std::string> keys;
    std::vector<std::string> args;
    for (const Limit& l : limits) {
      if (l.kind == LimitKind::Requests) {
        continue;
      }
      const bool spend = l.kind == LimitKind::Spend;
      keys.push_back(redisKey(l));
      args.push_back(std::to_string(-std::max<std::int64_t>(0, spend ? estimate.spend : estimate.tokens)));
      args.push_back(std::to_string(std::max<std::int64_t>(0, spend ? actual.spend : actual.tokens)));
      args.push_back(expireAt(l));
    }
    if (keys.empty()) {
      co_return Ok{};
    }
    auto op = eval(settle_, std::move(keys), std::move(args)); // named: no temporary inside the co_await
    auto r = co_await std::move(op);
    if (!r.ok()) {
      co_return r.error();
    }
    co_return Ok{};
  }

  boost::asio::awaitable<Result<std::vector<CounterValue>>> read(const std::vector<Limit>& limits) override {
    std::vector<std::vector<std::string>> cmds;
    for (const Limit& l : limits) {
      cmds.push_back({"HMGET", redisKey(l), "u", "r"});
    }
    std::vector<CounterValue> out;
    if (cmds.empty()) {
      co_return out;
    }
    auto op = client_.pipeline(cmds); // named: no temporary inside the co_await
    auto replies = co_await std::move(op);
    if (!replies.ok()) {
      co_return replies.error();
    }
    auto num = [](const RedisReply& r) -> std::int64_t {
      std::int64_t v = 0;
      if (r.type == RedisReply::Type::String) {
        std::from_chars(r.str.data(), r.str.data() + r.str.size(), v);
      }
      return v;
    };
    for (const auto& r : replies.value()) {
      if (r.type != RedisReply::Type::Array || r.elements.size() != 2) {
        co_return redisUnavailable("redis: unexpected reply to HMGET");
      }
      out.push_back(CounterValue{num(r.elements[0]), num(r.elements[1])});
    }
    co_return out;
  }

private:
  // EVALSHA; on NOSCRIPT (a restarted or flushed Redis) EVAL, which also loads it for the next EVALSHA.
  boost::asio::awaitable<Result<RedisReply>> eval(const Script& s, std::vector<std::string> keys,
                                                  std::vector<std::string> args) {
    std::vector<std::string> cmd;
    cmd.reserve(3 + keys.size() + args.size());
    cmd.emplace_back("EVALSHA");
    cmd.push_back(s.sha);
    cmd.push_back(std::to_string(keys.size()));
    for (auto& k : keys) {
      cmd.push_back(std::move(k));
    }
    for (auto& a : args) {
      cmd.push_back(std::move(a));
    }
    auto first = client_.command(cmd); // named: no temporary inside the co_await
    auto r = co_await std::move(first);
    if (!r.ok() && r.error().message.find("NOSCRIPT") != std::string::npos) {
      cmd[0] = "EVAL";
      cmd[1] = std::string(s.text);
      auto again = client_.command(cmd);
      r = co_await std::move(again);
    }
    co_return r;
  }

  RedisClient client_;
  Script admit_;
  Script settle_;
};

} // namespace

Result<std::unique_ptr<Counters>> makeRedisCounters(const std::string& url) {
  auto endpoint = parseRedisUrl(url);
  if (!endpoint.ok()) {
    return endpoint.error();
  }
  return std::unique_ptr<Counters>(std::make_unique<RedisCounters>(std::move(endpoint.value())));
}

} // namespace hd::governance
