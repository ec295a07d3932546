#include "pipeline/attempts.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <set>

#include "obs/ids.h"
#include "pipeline/circuit_breaker.h"
#include "pipeline/limiter.h"
#include "pipeline/retry_policy.h"
#include "pipeline/stats.h"

namespace hd::pipeline {

namespace asio = boost::asio;
namespace js = boost::json;
using std::chrono::milliseconds;

namespace {

// What the request log records when the client left before any response (nginx's convention).
constexpr unsigned kClientClosedRequest = 499;

// Waits, unless the client leaves first (returns false then).
asio::awaitable<bool> pause(http::ServerExchange& ex, milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  ex.onClientGone([&timer] { timer.cancel(); });
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  ex.onClientGone({});
  co_return !ex.isClientGone();
}

Failure gatewayFailure(Error err) {
  Failure f;
  f.summary = err.message;
  f.error = std::move(err);
  return f;
}

std::string describe(const routing::Route& r) {
  return fmt::format("provider={} key={} deployment={}", r.provider->name, r.key->name, r.deployment.name);
}

// Opens the request record's entry for one upstream attempt; returns its index.
std::size_t beginAttemptRecord(http::ServerExchange& ex, const routing::Route& route, int retry, int fallback_index) {
  auto& attempts = ex.scope().record.attempts;
  obs::AttemptRecord& a = attempts.emplace_back();
  a.provider = route.provider->name;
  a.model = route.model;
  a.deployment = route.deployment.name;
  a.key_id = route.key->id;
  a.key_name = route.key->name;
  if (!ex.scope().record.trace.trace_id.empty()) {
    a.span_id = obs::newSpanId(*ex.worker().rng);
  }
  a.retry = retry;
  a.fallback_index = fallback_index;
  a.start_unix_ns = obs::unixNowNs();
  return attempts.size() - 1;
}

void endAttemptRecord(obs::AttemptRecord& a, const AttemptResult& r, const Outcome& attempt_out) {
  a.end_unix_ns = obs::unixNowNs();
  switch (r.kind) {
  case AttemptResult::Kind::Committed:
    a.status = attempt_out.status;
    a.error = attempt_out.error;
    break;
  case AttemptResult::Kind::ClientGone:
    a.status = attempt_out.status;
    a.error = "client disconnected";
    break;
  case AttemptResult::Kind::Failed:
    a.status = r.failure.has_response ? r.failure.status : 0;
    a.error = r.failure.summary.empty() ? "failed" : r.failure.summary;
    break;
  }
}

// W3C trace context for the upstream: its parent is this attempt's span. Sent when the client sent a
// traceparent (a proxy passes the trace on) or when trace export is on; never otherwise.
void injectTraceContext(upstream::Request& req, const obs::RequestRecord& rec, const obs::AttemptRecord& a,
                        const config::Config& cfg) {
  const auto& t = rec.trace;
  if (t.trace_id.empty() || a.span_id.empty() || (t.parent_span_id.empty() && !cfg.telemetry.otel.enabled)) {
    return;
  }
  std::erase_if(req.headers, [](const auto& h) {
    return boost::beast::iequals(h.first, "traceparent") || boost::beast::iequals(h.first, "tracestate");
  });
  req.headers.emplace_back("traceparent", fmt::format("00-{}-{}-{}", t.trace_id, a.span_id, t.sampled ? "01" : "00"));
  if (!t.tracestate.empty()) {
    req.headers.emplace_back("tracestate", t.tracestate);
  }
}

// Releases a half-open probe that ended without a verdict.
struct ProbeTicket {
  std::string id;
  bool active = false;
  ~ProbeTicket() {
    if (active) {
      CircuitBreakers::instance().abandon(id);
    }
  }
};

} // namespace

asio::awaitable<std::optional<routing::Route>> execute(http::ServerExchange& ex, const config::Config& cfg,
                                                       const Plan& plan, Outcome& out) {
  auto& breakers = CircuitBreakers::instance();
  auto& stats = counters();
  auto& rng = *ex.worker().rng;
  std::optional<Failure> primary_failure;
  std::optional<Failure> last_failure;
  std::optional<routing::Route> primary_route;

  for (std::size_t ti = 0; ti < plan.targets.size(); ++ti) {
    const Target& target = plan.targets[ti];
    auto cands = routing::candidates(cfg, target.model, plan.default_provider);
    if (!cands) {
      if (ti == 0) {
        primary_failure = gatewayFailure(cands.error());
      } else {
        spdlog::warn("request id={} fallback {} (\"{}\") skipped: {}", ex.requestId(), ti, target.model,
                     cands.error().message);
      }
      continue;
    }
    if (const auto& allowed = ex.scope().key_filter) {
      std::erase_if(cands->keys, [&](const config::Key* k) { return !allowed(cands->provider->name, k->id, k->name); });
      if (cands->keys.empty()) {
        Error err = Error::permission(
            fmt::format("the virtual key may not use any key of provider \"{}\" that serves \"{}\" (key_ids)",
                        cands->provider->name, cands->model));
        if (ti == 0) {
          primary_failure = gatewayFailure(err);
        }
        last_failure = gatewayFailure(err);
        continue;
      }
    }
    const config::Provider& provider = *cands->provider;
    const auto& breaker_cfg = provider.circuit_breaker;
    const Backoff backoff{provider.network.retry_backoff_initial, provider.network.retry_backoff_max};
    const int max_attempts = 1 + std::max(0, provider.network.max_retries);
    std::set<const config::Key*> tried;
    const config::Key* last_key = nullptr;

    for (int attempt = 0; attempt < max_attempts; ++attempt) {
      // A key not tried yet for this target whose breaker admits calls; once every key was tried, any.
      auto now = CircuitBreakers::Clock::now();
      std::vector<const config::Key*> admitted;
      std::vector<const config::Key*> fresh;
      for (const auto* k : cands->keys) {
        auto dep = routing::resolveDeployment(*k, cands->model, target.deployment);
        if (breakers.wouldAdmit(breakerId(provider.name, k->name, dep.name), breaker_cfg, now)) {
          admitted.push_back(k);
          if (tried.count(k) == 0) {
            fresh.push_back(k);
          }
        }
      }
      // A breaker never turns away the last option: with no later target, an open key is still tried.
      bool forced = false;
      if (admitted.empty() && ti + 1 >= plan.targets.size()) {
        forced = true;
        admitted = cands->keys;
        for (const auto* k : admitted) {
          if (tried.count(k) == 0) {
            fresh.push_back(k);
          }
        }
      }
      if (admitted.empty()) {
        stats.circuit_rejections.fetch_add(1, std::memory_order_relaxed);
        Error err{ErrorKind::Overloaded, static_cast<int>(plan.errors->overloadStatus()),
                  fmt::format("provider \"{}\": every key serving \"{}\" is failing (circuit breaker open); "
                              "try again later",
                              provider.name, cands->model)};
        last_failure = gatewayFailure(err);
        if (ti == 0) {
          primary_failure = last_failure;
        }
        spdlog::warn("request id={} provider={} model={}: circuit open for every key; skipping to the next fallback",
                     ex.requestId(), provider.name, cands->model);
        break;
      }
      if (fresh.empty()) {
        // Every key was tried: start a new round, still moving away from the key that just failed.
        tried.clear();
        for (const auto* k : admitted) {
          if (k != last_key || admitted.size() == 1) {
            fresh.push_back(k);
          }
        }
      }
      const config::Key* key = routing::pickWeighted(fresh, rng);
      last_key = key;
      tried.insert(key);
      routing::Route route{&provider, key, cands->model,
                           routing::resolveDeployment(*key, cands->model, target.deployment)};
      if (ti == 0 && !primary_route) {
        primary_route = route;
      }
      ProbeTicket probe{breakerId(provider.name, key->name, route.deployment.name)};
      auto admission = forced ? Admission::Allowed : breakers.admit(probe.id, breaker_cfg, now);
      if (admission == Admission::Rejected) {
        // Another request is probing this key right now; the next attempt picks another one.
        last_failure = gatewayFailure(Error{ErrorKind::Overloaded, static_cast<int>(plan.errors->overloadStatus()),
                                            fmt::format("provider \"{}\": key \"{}\" is being probed after "
                                                        "repeated failures; try again later",
                                                        provider.name, key->name)});
        if (ti == 0) {
          primary_failure = last_failure;
        }
        continue;
      }
      probe.active = admission == Admission::Probe;

      AttemptInfo info{static_cast<int>(ti), attempt, ti > 0};
      if (plan.before_attempt) {
        if (auto denied = plan.before_attempt(route, info)) {
          last_failure = gatewayFailure(*denied);
          if (ti == 0) {
            primary_failure = last_failure;
          }
          break;
        }
      }
      auto prepared = plan.prepare(route);
      if (!prepared) {
        last_failure = gatewayFailure(prepared.error());
        if (ti == 0) {
          primary_failure = last_failure;
        }
        break;
      }
      const ResponseAdapter& adapter = prepared->adapter != nullptr ? *prepared->adapter : *prepared->owned;

      auto& limiter = ProviderLimiter::forProvider(provider.name);
      auto slot_result = co_await limiter.acquire(provider.concurrency, cfg.client.drop_excess_requests,
                                                  milliseconds(provider.network.request_timeout), ex);
      if (slot_result == ProviderLimiter::Result::Cancelled) {
        out.status = kClientClosedRequest;
        out.error = "client disconnected";
        co_return route;
      }
      if (slot_result != ProviderLimiter::Result::Granted) {
        bool dropped = slot_result == ProviderLimiter::Result::Dropped;
        if (dropped) {
          stats.dropped.fetch_add(1, std::memory_order_relaxed);
        }
        Error err{ErrorKind::Overloaded, static_cast<int>(plan.errors->overloadStatus()),
                  fmt::format("provider \"{}\" is at its concurrency limit ({} in flight, queue {}); {}", provider.name,
                              provider.concurrency.concurrency, provider.concurrency.buffer_size,
                              dropped ? "request dropped" : "timed out waiting for a slot")};
        spdlog::warn("request id={} {}: {}", ex.requestId(), describe(route), err.message);
        last_failure = gatewayFailure(err);
        if (ti == 0) {
          primary_failure = last_failure;
        }
        break;
      }
      SlotGuard slot(&limiter);

      stats.attempts.fetch_add(1, std::memory_order_relaxed);
      if (attempt > 0) {
        stats.retries.fetch_add(1, std::memory_order_relaxed);
      } else if (ti > 0) {
        stats.fallbacks.fetch_add(1, std::memory_order_relaxed);
      }
      ++out.attempts;
      out.fallback_index = ti == 0 ? -1 : static_cast<int>(ti) - 1;
      Outcome attempt_out;
      std::size_t note = beginAttemptRecord(ex, route, attempt, out.fallback_index);
      injectTraceContext(prepared->request, ex.scope().record, ex.scope().record.attempts[note], cfg);
      auto r = co_await attemptOnce(ex, std::move(prepared->request), route, plan.stream, adapter, attempt_out);
      slot.reset();
      endAttemptRecord(ex.scope().record.attempts[note], r, attempt_out);

      if (r.kind == AttemptResult::Kind::ClientGone) {
        out.status = ex.responded() ? attempt_out.status : kClientClosedRequest;
        out.error = "client disconnected";
        co_return route;
      }
      if (r.kind == AttemptResult::Kind::Committed) {
        breakers.record(probe.id, !r.upstream_fault, probe.active, breaker_cfg, CircuitBreakers::Clock::now());
        probe.active = false;
        int attempts = out.attempts;
        int fallback = out.fallback_index;
        out = std::move(attempt_out);
        out.attempts = attempts;
        out.fallback_index = fallback;
        if (ti > 0) {
          spdlog::warn("request id={} served by fallback={} ({}) after the primary failed", ex.requestId(), ti - 1,
                       describe(route));
        }
        co_return route;
      }
      if (r.upstream_fault) {
        breakers.record(probe.id, false, probe.active, breaker_cfg, CircuitBreakers::Clock::now());
        probe.active = false;
      }
      stats.failed_attempts.fetch_add(1, std::memory_order_relaxed);
      last_failure = r.failure;
      if (ti == 0) {
        primary_failure = r.failure;
      }
      bool again = r.retryable && attempt + 1 < max_attempts;
      milliseconds delay{0};
      if (again) {
        // The upstream's retry-after is about this key; a retry on another key only waits the backoff.
        bool next_key_differs = cands->keys.size() > 1;
        delay = backoffDelay(backoff, attempt, std::uniform_real_distribution<double>(0.0, 1.0)(rng),
                             next_key_differs ? std::nullopt : r.retry_after);
      }
      spdlog::warn("request id={} attempt {} ({}) failed: {}; {}", ex.requestId(), out.attempts, describe(route),
                   r.failure.summary,
                   again ? fmt::format("retrying in {} ms", delay.count())
                         : (ti + 1 < plan.targets.size() ? std::string("trying the next fallback")
                                                         : std::string("no fallback left")));
      if (!again) {
        break;
      }
      if (delay.count() > 0 && !co_await pause(ex, delay)) {
        out.status = kClientClosedRequest;
        out.error = "client disconnected";
        co_return route;
      }
    }
  }
  const Failure& f = primary_failure ? *primary_failure
                     : last_failure  ? *last_failure
                                     : gatewayFailure(Error::badGateway("no upstream could be tried"));
  co_await sendFailure(ex, *plan.errors, f, out);
  co_return primary_route;
}

std::vector<Target> fallbackTargets(const config::Config& cfg, std::string_view primary_model,
                                    std::string_view default_provider,
                                    const std::optional<std::vector<std::string>>& request_fallbacks) {
  std::vector<Target> out;
  if (request_fallbacks) {
    for (const auto& m : *request_fallbacks) {
      out.push_back({m, ""});
    }
    return out;
  }
  auto ref = routing::parseModel(primary_model, cfg);
  const config::Provider* p = cfg.findProvider(ref.provider.empty() ? default_provider : ref.provider);
  if (p == nullptr) {
    return out;
  }
  for (const auto& fb : p->fallbacks) {
    auto it = fb.model_map.find(config::toLower(ref.model));
    out.push_back({fmt::format("{}/{}", fb.provider, it != fb.model_map.end() ? it->second : ref.model), ""});
  }
  return out;
}

Result<std::optional<std::vector<std::string>>> parseFallbacksField(const js::object& body) {
  const auto* f = body.if_contains("fallbacks");
  if (f == nullptr || f->is_null()) {
    return std::optional<std::vector<std::string>>();
  }
  if (!f->is_array()) {
    return Error::invalidRequest("fallbacks: expected an array of \"provider/model\" strings");
  }
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& e : f->get_array()) {
    if (!e.is_string() || e.get_string().find('/') == js::string::npos || e.get_string().front() == '/' ||
        e.get_string().back() == '/') {
      return Error::invalidRequest(fmt::format("fallbacks[{}]: expected a \"provider/model\" string", i));
    }
    out.emplace_back(e.get_string());
    ++i;
  }
  if (out.size() > 16) {
    return Error::invalidRequest("fallbacks: at most 16 entries");
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

AttemptHook scopeGuard(http::ServerExchange& ex) {
  if (!ex.scope().attempt_guard) {
    return {};
  }
  return [&ex](const routing::Route& route, const AttemptInfo&) -> std::optional<Error> {
    return ex.scope().attempt_guard(route.provider->name, route.model);
  };
}

} // namespace hd::pipeline
