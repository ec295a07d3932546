#include "gate/gate.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/raw_json.h"
#include "gate/cost.h"
#include "gate/limits.h"
#include "governance/counters_util.h"
#include "routing/route.h"

namespace hd::gate {

namespace asio = boost::asio;
namespace js = boost::json;
using governance::Amounts;
using governance::LimitKind;

namespace {

constexpr std::int64_t kDefaultMaxOutputTokens = 4096;

bool hasVkPrefix(std::string_view v) {
  return config::isVirtualKeyValue(v);
}

// What the gate reads from a request body without parsing all of it.
struct BodyFacts {
  std::string model;
  std::int64_t max_output_tokens = kDefaultMaxOutputTokens;
};

BodyFacts bodyFacts(std::string_view body) {
  BodyFacts f;
  auto layout = rawjson::scanObject(body);
  if (!layout) {
    return f;
  }
  for (const auto& m : layout->members) {
    std::string_view raw = body.substr(m.value_begin, m.value_end - m.value_begin);
    if (m.key == "model") {
      boost::system::error_code ec;
      auto v = js::parse(raw, ec);
      if (!ec && v.is_string()) {
        f.model = std::string(v.get_string());
      }
    } else if (m.key == "max_tokens" || m.key == "max_completion_tokens") {
      boost::system::error_code ec;
      auto v = js::parse(raw, ec);
      if (!ec && v.is_int64() && v.get_int64() > 0) {
        f.max_output_tokens = v.get_int64();
      }
    }
  }
  return f;
}

std::string allowedProviders(const config::VirtualKey& vk) {
  std::string out;
  for (const auto& pc : vk.provider_configs) {
    out += out.empty() ? "" : ", ";
    out += pc.provider;
  }
  return out.empty() ? "none" : out;
}

// The provider for a model without a prefix: weighted choice among the key's providers that allow it.
std::string chooseProvider(const config::Config& cfg, const config::VirtualKey& vk, std::string_view model_lower,
                           std::mt19937_64& rng) {
  std::vector<const config::VkProviderConfig*> pool;
  double total = 0;
  for (const auto& pc : vk.provider_configs) {
    if (pc.weight && cfg.providers.contains(pc.provider) && pc.allows(model_lower)) {
      pool.push_back(&pc);
      total += *pc.weight;
    }
  }
  if (pool.empty()) {
    return "";
  }
  if (total <= 0) {
    return pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)]->provider;
  }
  double x = std::uniform_real_distribution<double>(0, total)(rng);
  for (const auto* pc : pool) {
    x -= *pc->weight;
    if (x < 0) {
      return pc->provider;
    }
  }
  return pool.back()->provider;
}

std::optional<Error> checkAccess(const config::VirtualKey& vk, std::string_view provider, std::string_view model) {
  const auto* pc = vk.providerConfig(provider);
  if (pc == nullptr) {
    return Error::permission(fmt::format("virtual key \"{}\" may not use provider \"{}\" (allowed: {})", vk.name,
                                         provider, allowedProviders(vk)));
  }
  if (!pc->allows(config::toLower(model))) {
    return Error::permission(
        fmt::format("virtual key \"{}\" may not use model \"{}\" on provider \"{}\"", vk.name, model, provider));
  }
  return std::nullopt;
}

Error limitError(const governance::Limit& l, std::int64_t retry_after_ms) {
  if (l.kind == LimitKind::Spend) {
    return Error{ErrorKind::Permission, 402,
                 fmt::format("{} is used up; it resets in {} — ask your gateway admin to raise it", l.label,
                             fmt::format("{} s", (retry_after_ms + 999) / 1000))};
  }
  return Error::rateLimit(fmt::format("{} reached; retry in {} s", l.label, (retry_after_ms + 999) / 1000));
}

// Admission. A spend or token limit that is full only because of reservations of requests still being
// settled (a client's previous request, answered a moment ago) is not a refusal yet: wait for those
// settlements (bounded) and ask again.
asio::awaitable<Result<governance::Admission>>
admitWaitingForSettlements(const GateContext& ctx, const std::vector<governance::Limit>& limits, Amounts estimate) {
  constexpr int kMaxWaits = 50;
  constexpr std::chrono::milliseconds kWait{20};
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0;; ++i) {
    auto admitted = co_await ctx.counters->admit(limits, estimate);
    if (!admitted || admitted->admitted || i == kMaxWaits || limits[admitted->rejected].kind == LimitKind::Requests) {
      co_return admitted;
    }
    const governance::Limit& full = limits[admitted->rejected];
    std::vector<governance::Limit> rejected{full};
    auto values = co_await ctx.counters->read(rejected);
    if (!values || values->empty()) {
      co_return admitted;
    }
    if (values->front().reserved == 0 && values->front().used >= full.max) {
      co_return admitted; // really used up
    }
    if (values->front().reserved > 0) { // otherwise it settled meanwhile: ask again at once
      timer.expires_after(kWait);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }
}

// Who asked, for the request record: the key, its team and its customer (the team's when the key has none).
void noteIdentity(const config::Governance& gov, const config::VirtualKey& vk, obs::RequestRecord& rec) {
  rec.virtual_key_id = vk.id;
  rec.virtual_key_name = vk.name;
  std::string customer_id = vk.customer_id;
  if (auto t = gov.teams.find(vk.team_id); !vk.team_id.empty() && t != gov.teams.end()) {
    rec.team_id = t->second.id;
    rec.team_name = t->second.name;
    if (customer_id.empty()) {
      customer_id = t->second.customer_id;
    }
  }
  if (auto c = gov.customers.find(customer_id); !customer_id.empty() && c != gov.customers.end()) {
    rec.customer_id = c->second.id;
    rec.customer_name = c->second.name;
  }
}

asio::awaitable<void> reject(const GateContext& ctx, http::ServerExchange& ex, const Error& err,
                             std::int64_t retry_after_ms = 0) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (err.status == 429 && retry_after_ms > 0) {
    headers.emplace_back("retry-after", std::to_string((retry_after_ms + 999) / 1000));
  }
  ex.scope().record.error = err.message;
  co_await ex.sendJson(static_cast<unsigned>(err.status), ctx.router->renderError(ex.path(), err), headers);
  spdlog::info("request id={} path={} vk={} status={} error={}", ex.requestId(), ex.path(),
               ex.scope().principal.empty() ? "-" : ex.scope().principal, err.status, err.message);
}

asio::awaitable<void> run(const GateContext& ctx, const http::Handler& inner, Charge charge, http::ServerExchange& ex) {
  auto cfg = ctx.snapshot->get();
  const auto& gov = cfg->governance;
  std::string value = presentedKey(ex);
  std::int64_t now = governance::systemNowMs();
  const config::VirtualKey* vk = value.empty() ? nullptr : gov.findByValue(value, now);
  if (vk == nullptr) {
    bool governed = cfg->client.enforce_auth_on_inference || !gov.virtual_keys.empty();
    if (value.empty() && cfg->client.enforce_auth_on_inference) {
      Error failure = Error::authentication("a virtual key is required: send it as \"x-bf-vk: bf-...\" or "
                                            "\"Authorization: Bearer bf-...\" (ask your gateway admin for one)");
      co_await reject(ctx, ex, failure);
      co_return;
    }
    if (!value.empty() && governed) {
      Error failure = Error::authentication("unknown virtual key: check the bf-... value (it may have been "
                                            "rotated or deleted)");
      co_await reject(ctx, ex, failure);
      co_return;
    }
    co_await inner(ex);
    co_return;
  }
  ex.scope().principal = vk->name;
  noteIdentity(gov, *vk, ex.scope().record);
  if (!vk->is_active) {
    Error failure = Error::permission(fmt::format("virtual key \"{}\" is inactive; ask your gateway admin to "
                                                  "re-enable it",
                                                  vk->name));
    co_await reject(ctx, ex, failure);
    co_return;
  }
  // Retries and fallbacks re-check the key's allow-lists for each target; model lists show only what it may use.
  ex.scope().attempt_guard = [vk](std::string_view p, std::string_view m) { return checkAccess(*vk, p, m); };
  if (std::any_of(vk->provider_configs.begin(), vk->provider_configs.end(),
                  [](const config::VkProviderConfig& pc) { return !pc.all_keys; })) {
    ex.scope().key_filter = [vk](std::string_view p, std::string_view id, std::string_view name) {
      const auto* pc = vk->providerConfig(p);
      return pc != nullptr && pc->allowsKey(id, name);
    };
  }
  if (charge == Charge::AuthOnly) {
    co_await inner(ex);
    co_return;
  }
  if (vk->provider_configs.empty()) {
    Error failure = Error::permission(fmt::format("virtual key \"{}\" allows no providers", vk->name));
    co_await reject(ctx, ex, failure);
    co_return;
  }
  BodyFacts facts = bodyFacts(ex.request().body());
  auto ref = routing::parseModel(facts.model, *cfg);
  std::string provider = ref.provider;
  if (provider.empty() && !facts.model.empty()) {
    provider = chooseProvider(*cfg, *vk, config::toLower(ref.model), *ex.worker().rng);
    if (provider.empty()) {
      Error failure = Error::permission(fmt::format("virtual key \"{}\" may not use model \"{}\" (allowed "
                                                    "providers: {})",
                                                    vk->name, facts.model, allowedProviders(*vk)));
      co_await reject(ctx, ex, failure);
      co_return;
    }
    ex.scope().default_provider = provider;
    // The key's other providers that allow the model are its fallbacks, in their configured order.
    std::vector<std::string> others;
    for (const auto& pc : vk->provider_configs) {
      if (pc.provider != provider && cfg->providers.contains(pc.provider) && pc.allows(config::toLower(ref.model))) {
        others.push_back(pc.provider + "/" + ref.model);
      }
    }
    if (!others.empty()) {
      ex.scope().default_fallbacks = std::move(others);
    }
  }
  if (!provider.empty()) {
    if (auto denied = checkAccess(*vk, provider, ref.model)) {
      co_await reject(ctx, ex, *denied);
      co_return;
    }
  }

  auto limits = limitsFor(gov, *vk, provider, now);
  Amounts estimate;
  if (auto price = ctx.pricing->find(ref.model, overridesFor(*cfg, provider, ""))) {
    estimate.spend = governance::estimate(*price, static_cast<std::int64_t>(ex.request().body().size() / 4),
                                          facts.max_output_tokens);
  }
  estimate.tokens = static_cast<std::int64_t>(ex.request().body().size() / 4) + facts.max_output_tokens;
  bool counted = false;
  if (!limits.empty()) {
    auto admitted = co_await admitWaitingForSettlements(ctx, limits, estimate);
    if (!admitted) {
      if (!gov.store.fail_open) {
        Error failure = Error{ErrorKind::Api, 503,
                              fmt::format("governance counters are unavailable, so limits cannot be checked: {}",
                                          admitted.error().message)};
        co_await reject(ctx, ex, failure);
        co_return;
      }
      spdlog::warn("governance counters unavailable (fail_mode open: request allowed uncounted): {}",
                   admitted.error().message);
    } else if (!admitted->admitted) {
      Error failure = limitError(limits[admitted->rejected], admitted->retry_after_ms);
      co_await reject(ctx, ex, failure, admitted->retry_after_ms);
      co_return;
    } else {
      counted = true;
    }
  }
  co_await inner(ex);
  if (!counted) {
    co_return;
  }
  const auto& served = ex.scope().served;
  Amounts actual;
  if (served.set && served.status > 0 && served.status < 400) {
    const auto& u = served.usage;
    actual.tokens = u.input_tokens + u.output_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
    if (auto spend = servedCost(*cfg, *ctx.pricing, served, ref.model)) {
      actual.spend = *spend;
      ex.scope().record.cost_usd = governance::toUsd(*spend);
      ex.scope().record.priced = true;
    }
  }
  if (auto settled = co_await ctx.counters->settle(limits, estimate, actual); !settled) {
    spdlog::error("governance: could not record the usage of request {} for virtual key \"{}\": {}", ex.requestId(),
                  vk->name, settled.error().message);
  }
}

} // namespace

std::string presentedKey(const http::ServerExchange& ex) {
  if (auto v = ex.header("x-bf-vk"); !v.empty()) {
    return std::string(v);
  }
  if (auto a = ex.header("authorization");
      a.size() > 7 && (a.substr(0, 7) == "Bearer " || a.substr(0, 7) == "bearer ")) {
    if (auto v = a.substr(7); hasVkPrefix(v)) {
      return std::string(v);
    }
  }
  for (const char* h : {"x-api-key", "api-key", "x-goog-api-key"}) {
    if (auto v = ex.header(h); hasVkPrefix(v)) {
      return std::string(v);
    }
  }
  return "";
}

http::Handler governed(const GateContext& ctx, http::Handler inner, Charge charge) {
  return [&ctx, inner = std::move(inner), charge](http::ServerExchange& ex) -> asio::awaitable<void> {
    co_await run(ctx, inner, charge, ex);
  };
}

} // namespace hd::gate
