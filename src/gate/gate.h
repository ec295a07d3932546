#pragma once
// Governance at the door of every inference route: who is asking (virtual key), what they may use
// (providers, models), whether their budgets and rate limits have room, and — after the call — what
// it cost. Wraps a handler; the handler itself knows nothing of governance except the request scope
// (http/request_scope.h): the routing default chosen from the key's weighted providers, and the
// per-attempt guard that re-checks every retry and fallback target.
//
// Order: key (401 missing/unknown, 403 inactive) -> provider/model allow-lists (403) -> limits at every
// level, checked and reserved atomically (429 rate limited with retry-after, 402 budget exhausted) ->
// the call -> charge the real cost from the usage (failed requests cost nothing).

#include <functional>
#include <string>

#include "config/snapshot.h"
#include "governance/counters.h"
#include "governance/pricing.h"
#include "http/router.h"

namespace hd::gate {

enum class Charge {
  Billable, // messages, chat completions: limits and cost
  AuthOnly, // count_tokens, model lists: the key must be valid, nothing is charged
};

struct GateContext {
  const config::Snapshot* snapshot = nullptr;
  governance::Counters* counters = nullptr;
  const governance::Pricing* pricing = nullptr;
  const http::Router* router = nullptr; // renders errors in the inbound API's shape
};

http::Handler governed(const GateContext& ctx, http::Handler inner, Charge charge);

// The virtual key a request presents: x-bf-vk, then Authorization: Bearer, x-api-key, api-key and
// x-goog-api-key when their value has the bf-/sk-bf- prefix. "" when none.
std::string presentedKey(const http::ServerExchange& ex);

} // namespace hd::gate
