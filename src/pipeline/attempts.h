#pragma once
// The attempt loop: one inbound request, several upstream attempts until one answers.
//
//   targets = [primary, fallback 1, fallback 2, ...]   (request `fallbacks`, else the provider's chain)
//   for each target:
//     up to 1 + network_config.max_retries attempts; each picks an eligible key not tried yet (weighted;
//     keys whose circuit breaker is open are skipped), runs the per-attempt hook, prepares the upstream
//     request for that route, takes a provider concurrency slot, and calls attemptOnce();
//     retryable failures wait the backoff (or the upstream's retry-after) and try again;
//     other failures move on to the next target at once.
//   nothing answered -> the primary's (last) error.
//
// Nothing reaches the client before an attempt commits (relay.h), so every failure before that point is
// invisible to it.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "pipeline/relay.h"

namespace hd::pipeline {

// What one attempt sends: the upstream request for a route and the adapter for its answer.
struct Prepared {
  upstream::Request request;
  std::unique_ptr<ResponseAdapter> owned; // set when the adapter depends on the route
  const ResponseAdapter* adapter = nullptr;
};
using Prepare = std::function<Result<Prepared>(const routing::Route&)>;

struct AttemptInfo {
  int target_index = 0; // 0 = primary, n = fallback n
  int attempt = 0;      // 0-based, per target
  bool is_fallback = false;
};

// Runs before every attempt (retries and fallbacks included) with the route about to be called: the
// extension point for per-attempt policy such as governance (virtual-key budgets, rate limits, allowed
// providers). An Error skips that target (the next fallback is tried); it becomes the answer only when it
// is the primary's and nothing else succeeds.
using AttemptHook = std::function<std::optional<Error>(const routing::Route&, const AttemptInfo&)>;

struct Target {
  std::string model;      // "provider/model" (or a bare model for the default provider)
  std::string deployment; // the request's `deployment` field (primary only)
};

struct Plan {
  std::vector<Target> targets; // [0] is the primary
  std::string default_provider;
  bool stream = false;
  const ResponseAdapter* errors = nullptr; // renders gateway errors in the client's shape
  Prepare prepare;
  AttemptHook before_attempt;
};

// Runs the plan and answers the client. Returns the route that served the request (or, when every target
// failed, the primary's route if it resolved) for the access log.
boost::asio::awaitable<std::optional<routing::Route>> execute(http::ServerExchange& ex, const config::Config& cfg,
                                                              const Plan& plan, Outcome& out);

// Fallback targets after `primary_model`: the request's `fallbacks` when present (even when empty), else the
// primary provider's configured chain with its model mapping.
std::vector<Target> fallbackTargets(const config::Config& cfg, std::string_view primary_model,
                                    std::string_view default_provider,
                                    const std::optional<std::vector<std::string>>& request_fallbacks);

// Validates a request's `fallbacks` value: an array of "provider/model" strings. Empty optional when absent
// or null.
Result<std::optional<std::vector<std::string>>> parseFallbacksField(const boost::json::object& body);

} // namespace hd::pipeline
