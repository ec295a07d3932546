#include "obs/observe.h"

#include <spdlog/spdlog.h>

#include "gate/cost.h"
#include "http/inference_routes.h"
#include "obs/ids.h"

namespace hd::obs {

namespace {

constexpr std::string_view kLabelPrefix = "x-bf-prom-";
constexpr std::size_t kMaxLabels = 16;
constexpr std::size_t kMaxLabelValue = 128;
constexpr std::size_t kMaxTracestate = 512; // W3C: 32 list members of at most 256 bytes; keep it short

bool isLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

void openRecord(const ObserveContext& ctx, const config::Config& cfg, http::ServerExchange& ex,
                std::string_view inbound) {
  // Content is kept only when a sink stores it (not with logs_store off); the request body is moved into
  // the record when the request has ended (closeRecord).
  auto& rec = ex.scope().record;
  rec.id = ex.requestId();
  rec.start_unix_ns = ex.startedUnixNs(); // the time in the request id: the request log finds records by it
  rec.inbound = std::string(inbound);
  rec.method = std::string(ex.request().method_string());
  rec.path = std::string(ex.path());
  rec.capture_content = ctx.hub->wantsContent() && cfg.client.enable_logging && !cfg.client.disable_content_logging;
  for (const auto& field : ex.request()) {
    auto name = config::toLower(field.name_string());
    if (name.size() > kLabelPrefix.size() && name.starts_with(kLabelPrefix) && rec.labels.size() < kMaxLabels) {
      auto value = field.value();
      rec.labels.emplace_back(name.substr(kLabelPrefix.size()), std::string(value.substr(0, kMaxLabelValue)));
    }
  }
  auto& rng = *ex.worker().rng;
  if (auto parent = parseTraceparent(ex.header("traceparent"))) {
    rec.trace = std::move(*parent);
    rec.trace.tracestate = std::string(ex.header("tracestate").substr(0, kMaxTracestate));
  } else {
    rec.trace.trace_id = newTraceId(rng);
  }
  rec.trace.span_id = newSpanId(rng);
}

void closeRecord(const ObserveContext& ctx, const config::Config& cfg, http::ServerExchange& ex) {
  auto& rec = ex.scope().record;
  rec.end_unix_ns = unixNowNs();
  if (rec.capture_content && !ex.request().body().empty()) {
    rec.request_content = ex.takeRequestBody();
  }
  rec.latency_ms = static_cast<double>(rec.end_unix_ns - rec.start_unix_ns) / 1e6;
  if (rec.status_code == 0) {
    rec.status_code = ex.responded() ? ex.responseStatus() : 499;
    if (!ex.responded() && rec.error.empty()) {
      rec.error = "client disconnected";
    }
  }
  const auto& served = ex.scope().served;
  if (!rec.priced && served.set && served.status > 0 && served.status < 400) {
    if (auto spend = gate::servedCost(cfg, *ctx.pricing, served, rec.model)) {
      rec.cost_usd = governance::toUsd(*spend);
      rec.priced = true;
    }
  }
}

http::Handler observed(const ObserveContext& ctx, http::Handler inner, std::string_view inbound) {
  return [&ctx, inner = std::move(inner), inbound](http::ServerExchange& ex) -> boost::asio::awaitable<void> {
    if (ctx.hub->empty()) {
      co_await inner(ex);
      co_return;
    }
    auto cfg = ctx.snapshot->get();
    openRecord(ctx, *cfg, ex, inbound);
    co_await inner(ex);
    closeRecord(ctx, *cfg, ex);
    ctx.hub->publish(std::make_shared<const RequestRecord>(std::move(ex.scope().record)));
  };
}

} // namespace

std::optional<TraceContext> parseTraceparent(std::string_view h) {
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55 characters (a
  // future version may append fields after another '-').
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-' || (h.size() > 55 && h[55] != '-')) {
    return std::nullopt;
  }
  auto version = h.substr(0, 2);
  auto trace_id = h.substr(3, 32);
  auto parent = h.substr(36, 16);
  auto flags = h.substr(53, 2);
  if (!isLowerHex(version) || version == "ff" || (version == "00" && h.size() != 55) || !isLowerHex(trace_id) ||
      !isLowerHex(parent) || !isLowerHex(flags) || trace_id.find_first_not_of('0') == std::string_view::npos ||
      parent.find_first_not_of('0') == std::string_view::npos) {
    return std::nullopt;
  }
  TraceContext t;
  t.trace_id = std::string(trace_id);
  t.parent_span_id = std::string(parent);
  int f = (flags[1] >= 'a' ? flags[1] - 'a' + 10 : flags[1] - '0');
  t.sampled = (f & 1) != 0;
  return t;
}

bool observeInferenceRoutes(http::Router& router, const ObserveContext& ctx) {
  bool all = true;
  for (const auto& r : http::kInferenceRoutes) {
    std::string_view inbound = r.inbound;
    if (!router.wrap(r.method, r.pattern,
                     [&ctx, inbound](http::Handler h) { return observed(ctx, std::move(h), inbound); })) {
      spdlog::error("observability: inference route {} is not registered", r.pattern);
      all = false;
    }
  }
  return all;
}

} // namespace hd::obs
