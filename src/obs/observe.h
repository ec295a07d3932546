#pragma once
// The outermost layer of every inference route: opens the request's observability record (id, times,
// inbound API, trace context from `traceparent`, x-bf-prom-* labels, the request content when content
// logging is on), lets the governed handler run and fill it, then completes it (status, latency, cost)
// and publishes it to the hub.

#include <optional>
#include <string_view>

#include "config/snapshot.h"
#include "governance/pricing.h"
#include "http/router.h"
#include "obs/hub.h"

namespace hd::obs {

struct ObserveContext {
  const config::Snapshot* snapshot = nullptr;
  const governance::Pricing* pricing = nullptr;
  const Hub* hub = nullptr;
};

// Wraps the inference routes already registered (and governed) on `router`; false if one is missing.
bool observeInferenceRoutes(http::Router& router, const ObserveContext& ctx);

// A W3C `traceparent` header ("00-<trace id>-<parent id>-<flags>"); nullopt when malformed.
std::optional<TraceContext> parseTraceparent(std::string_view header);

} // namespace hd::obs
