#pragma once
// Usage counters for budgets and rate limits, with race-free check-and-charge.
//
// A Limit is one counter in one time window. `admit` checks every limit of a request at once and,
// only if all have room, counts the request and reserves its estimated spend/tokens; `settle`
// replaces the reservation with what was really used (zero for a failed request). A limit "has room"
// while used + reserved < max, so concurrent requests can overshoot a cap by at most one request.
//
// Two backends: in-process (default; persisted to the config store so a restart keeps the spend)
// and Redis (shared by replicas; check-and-charge is one Lua script, so it is atomic across them).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace hd::governance {

enum class LimitKind {
  Spend,    // nano-USD
  Tokens,   // input + output tokens
  Requests, // one per admitted request
};

// A fixed window [start, end) in unix milliseconds.
struct Window {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

struct Limit {
  std::string key; // stable id of the limit, e.g. "vk:<id>:budget"
  LimitKind kind = LimitKind::Spend;
  std::int64_t max = 0;
  Window window;
  std::string label; // for messages: `virtual key "alice" monthly budget`
};

struct Admission {
  bool admitted = false;
  std::size_t rejected = 0;    // index into the limits when not admitted
  std::int64_t retry_after_ms = 0; // until the rejected limit's window ends
};

// What one request reserves or uses.
struct Amounts {
  std::int64_t spend = 0; // nano-USD
  std::int64_t tokens = 0;
};

struct CounterValue {
  std::int64_t used = 0;
  std::int64_t reserved = 0;
};

class Counters {
public:
  virtual ~Counters() = default;
  virtual std::string_view type() const = 0;
  virtual boost::asio::awaitable<Result<Admission>> admit(const std::vector<Limit>& limits, Amounts estimate) = 0;
  virtual boost::asio::awaitable<Result<Ok>> settle(const std::vector<Limit>& limits, Amounts estimate,
                                                    Amounts actual) = 0;
  // Current values (for the API), one per limit.
  virtual boost::asio::awaitable<Result<std::vector<CounterValue>>> read(const std::vector<Limit>& limits) = 0;
};

// Redis failure policy: fail closed (reject with 503) or open (admit, uncounted) — logged either way.
enum class FailMode { Closed, Open };

// The in-process backend. `dump`/`restore` let the caller persist used spend/tokens/requests (not
// reservations) of current windows across restarts; keys include the window start.
class MemoryCounters : public Counters {
public:
  virtual std::vector<std::pair<std::string, std::int64_t>> dump() const = 0;
  virtual void restore(const std::vector<std::pair<std::string, std::int64_t>>& used) = 0;
};
std::unique_ptr<MemoryCounters> makeMemoryCounters();
// `url`: redis://[:password@]host:port[/db]. Connections are made lazily; errors surface per call.
Result<std::unique_ptr<Counters>> makeRedisCounters(const std::string& url);

} // namespace hd::governance
