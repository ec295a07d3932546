// Governance management: virtual keys (including the seed article's POST /api/virtual-keys and key
// rotation), teams, customers, and the budgets and rate limits in force with their current usage.
// Items are stored as config.json `governance.<collection>[]` entries and validated by the loader.

#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "api/routes_internal.h"
#include "api/util.h"
#include "control/config_service.h"
#include "gate/limits.h"
#include "governance/counters.h"
#include "governance/counters_util.h"
#include "governance/pricing.h"
#include "secrets/crypto.h"

namespace hd::api {

namespace js = boost::json;
namespace asio = boost::asio;
using control::Edit;
using verb = boost::beast::http::verb;

namespace {

std::string newKeyValue() {
  return "bf-" + secrets::base64url(secrets::randomBytes(32));
}

int indexOf(const config::Document& doc, const std::string& collection, const std::string& id) {
  auto it = doc.collections.find(collection);
  if (it == doc.collections.end()) {
    return -1;
  }
  for (std::size_t i = 0; i < it->second.size(); ++i) {
    const auto* v = it->second[i].if_contains("id");
    if (v != nullptr && v->is_string() && v->get_string() == id) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string focusOf(const config::Document& doc, const std::string& collection, const std::string& id) {
  int i = indexOf(doc, collection, id);
  return i < 0 ? "" : fmt::format("governance.{}[{}]", collection, i);
}

// A stored virtual key as the API shows it: never the value or its hash.
js::object vkView(const js::object& item) {
  js::object out = item;
  out.erase("value");
  out.erase("value_hash");
  if (auto* prev = out.if_contains("previous_values"); prev != nullptr && prev->is_array()) {
    for (auto& p : prev->get_array()) {
      if (p.is_object()) {
        p.get_object().erase("value_hash");
      }
    }
  }
  return out;
}

js::array usageOf(const std::vector<governance::Limit>& limits, const std::vector<governance::CounterValue>& values) {
  js::array out;
  for (std::size_t i = 0; i < limits.size() && i < values.size(); ++i) {
    const auto& l = limits[i];
    js::object o;
    o["id"] = l.key;
    o["label"] = l.label;
    bool spend = l.kind == governance::LimitKind::Spend;
    o["kind"] = spend ? "budget" : l.kind == governance::LimitKind::Tokens ? "tokens" : "requests";
    if (spend) {
      o["max_limit_usd"] = governance::toUsd(l.max);
      o["current_usage_usd"] = governance::toUsd(values[i].used);
      o["reserved_usd"] = governance::toUsd(values[i].reserved);
    } else {
      o["max_limit"] = l.max;
      o["current_usage"] = values[i].used;
    }
    o["window_start"] = l.window.start_ms / 1000;
    o["resets_at"] = l.window.end_ms / 1000;
    out.push_back(std::move(o));
  }
  return out;
}

// Usage of a virtual key's limits (all providers).
asio::awaitable<js::array> vkUsage(const Context& ctx, const config::Config& cfg, const config::VirtualKey& vk) {
  std::int64_t now = governance::systemNowMs();
  auto limits = gate::limitsFor(cfg.governance, vk, "", now);
  for (const auto& pc : vk.provider_configs) {
    auto more = gate::limitsFor(cfg.governance, vk, pc.provider, now);
    for (auto& l : more) {
      if (l.key.find(":provider:") != std::string::npos) {
        limits.push_back(std::move(l));
      }
    }
  }
  if (ctx.counters == nullptr || limits.empty()) {
    co_return js::array();
  }
  auto values = co_await ctx.counters->read(limits);
  co_return values ? usageOf(limits, values.value()) : js::array();
}

// Normalises a virtual key body from the API: the seed's shorthands are kept as given (the loader
// understands them); the value is never accepted from a client.
Result<Ok> prepareVk(js::object& body) {
  for (const char* f : {"value", "value_hash", "value_prefix", "previous_values"}) {
    if (body.contains(f)) {
      return Error::invalidRequest(fmt::format("{}: set by the gateway (use POST .../rotate for a new value)", f));
    }
  }
  const auto* name = body.if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return Error::invalidRequest("name: required field is missing");
  }
  return Ok{};
}

std::int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- virtual keys ----

asio::awaitable<void> createVk(const Context& ctx, http::ServerExchange& ex) {
  (void)ctx;
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  control::Mutation mutation = [req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    js::object item = req;
    if (auto r = prepareVk(item); !r) {
      return r.error();
    }
    std::string id =
        item.contains("id") && item["id"].is_string() ? std::string(item["id"].get_string()) : secrets::uuid4();
    if (doc.findItem("virtual_keys", id) != nullptr) {
      return conflict(fmt::format("a virtual key with id \"{}\" already exists", id));
    }
    for (const auto& other : doc.collections["virtual_keys"]) {
      if (other.if_contains("name") != nullptr && other.at("name") == item.at("name")) {
        return conflict(fmt::format("a virtual key named {} already exists", js::serialize(item.at("name"))));
      }
    }
    std::string value = newKeyValue();
    item["id"] = id;
    item["value_hash"] = config::virtualKeyHash(value);
    item["value_prefix"] = value.substr(0, 10);
    if (!item.contains("is_active")) {
      item["is_active"] = true;
    }
    item["created_at"] = nowSeconds();
    doc.collections["virtual_keys"].push_back(item);
    Edit edit;
    edit.focus = focusOf(doc, "virtual_keys", id);
    edit.upserted.push_back({"virtual_key", id});
    edit.status = 201;
    js::object out = vkView(item);
    out["value"] = value; // shown once
    edit.response = std::move(out);
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

asio::awaitable<void> listVks(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  auto cfg = ctx.svc->snapshot().get();
  js::array list;
  if (auto it = doc->collections.find("virtual_keys"); it != doc->collections.end()) {
    for (const auto& item : it->second) {
      js::object v = vkView(item);
      if (auto vk = cfg->governance.virtual_keys.find(std::string(item.at("id").as_string()));
          vk != cfg->governance.virtual_keys.end()) {
        v["usage"] = co_await vkUsage(ctx, *cfg, vk->second);
      }
      list.push_back(std::move(v));
    }
  }
  js::object out;
  out["total"] = list.size();
  out["virtual_keys"] = std::move(list);
  co_await sendValue(ex, 200, out);
}

asio::awaitable<void> getVk(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  auto cfg = ctx.svc->snapshot().get();
  const std::string& id = ex.params()["id"];
  auto* item = const_cast<config::Document&>(*doc).findItem("virtual_keys", id);
  if (item == nullptr) {
    Error failure = Error::notFound(fmt::format("no virtual key with id \"{}\"", id));
    co_await sendError(ex, failure);
    co_return;
  }
  js::object v = vkView(*item);
  if (auto vk = cfg->governance.virtual_keys.find(id); vk != cfg->governance.virtual_keys.end()) {
    v["usage"] = co_await vkUsage(ctx, *cfg, vk->second);
  }
  co_await sendValue(ex, 200, v);
}

asio::awaitable<void> updateVk(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  std::string id = ex.params()["id"];
  control::Mutation mutation = [id, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    auto* item = doc.findItem("virtual_keys", id);
    if (item == nullptr) {
      return Error::notFound(fmt::format("no virtual key with id \"{}\"", id));
    }
    js::object next = req;
    for (const char* f : {"value_prefix", "usage", "created_at", "updated_at"}) {
      next.erase(f);
    }
    if (const auto* i = next.if_contains("id"); i != nullptr && !(i->is_string() && i->get_string() == id)) {
      return Error::invalidRequest("id: does not match the virtual key id in the URL");
    }
    if (auto r = prepareVk(next); !r) {
      return r.error();
    }
    // The key's value and history stay.
    for (const char* f : {"value", "value_hash", "value_prefix", "previous_values", "created_at"}) {
      if (const auto* v = item->if_contains(f)) {
        next[f] = *v;
      }
    }
    next["id"] = id;
    next["updated_at"] = nowSeconds();
    *item = std::move(next);
    Edit edit;
    edit.focus = focusOf(doc, "virtual_keys", id);
    edit.upserted.push_back({"virtual_key", id});
    edit.response = vkView(*item);
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

// POST /api/governance/virtual-keys/{id}/rotate {"grace_period_seconds": N}: a new value; the old one
// keeps working for N seconds (default 0).
asio::awaitable<void> rotateVk(const Context& ctx, http::ServerExchange& ex) {
  js::object req;
  if (!ex.request().body().empty()) {
    auto body = bodyObject(ex);
    if (!body) {
      co_await sendError(ex, body.error());
      co_return;
    }
    req = std::move(body.value());
  }
  std::string id = ex.params()["id"];
  control::Mutation mutation = [id, req](config::Document& doc) -> Result<Edit> {
    auto* item = doc.findItem("virtual_keys", id);
    if (item == nullptr) {
      return Error::notFound(fmt::format("no virtual key with id \"{}\"", id));
    }
    std::int64_t grace = 0;
    if (const auto* g = req.if_contains("grace_period_seconds")) {
      if (!g->is_int64() || g->get_int64() < 0 || g->get_int64() > 30LL * 24 * 3600) {
        return Error::invalidRequest("grace_period_seconds: expected a whole number of seconds, 0 to 2592000");
      }
      grace = g->get_int64();
    }
    std::int64_t now_ms = governance::systemNowMs();
    js::array prev;
    if (const auto* p = item->if_contains("previous_values"); p != nullptr && p->is_array()) {
      for (const auto& e : p->get_array()) {
        if (e.is_object() && e.get_object().if_contains("expires_at") != nullptr &&
            e.get_object().at("expires_at").is_int64() && e.get_object().at("expires_at").get_int64() > now_ms) {
          prev.push_back(e); // still in its grace period
        }
      }
    }
    std::string old_hash;
    if (const auto* h = item->if_contains("value_hash"); h != nullptr && h->is_string()) {
      old_hash = std::string(h->get_string());
    } else if (const auto* v = item->if_contains("value"); v != nullptr && v->is_string()) {
      old_hash = config::virtualKeyHash(v->get_string());
    }
    if (grace > 0 && !old_hash.empty()) {
      js::object p;
      p["value_hash"] = old_hash;
      p["expires_at"] = now_ms + grace * 1000;
      prev.push_back(std::move(p));
    }
    std::string value = newKeyValue();
    item->erase("value");
    (*item)["value_hash"] = config::virtualKeyHash(value);
    (*item)["value_prefix"] = value.substr(0, 10);
    (*item)["previous_values"] = std::move(prev);
    (*item)["updated_at"] = nowSeconds();
    Edit edit;
    edit.focus = focusOf(doc, "virtual_keys", id);
    edit.upserted.push_back({"virtual_key", id});
    js::object out = vkView(*item);
    out["value"] = value;
    edit.response = std::move(out);
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

// ---- teams and customers (and deletes for all three) ----

ApiHandler createItem(const char* collection) {
  return [collection](const Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto body = bodyObject(ex);
    if (!body) {
      co_await sendError(ex, body.error());
      co_return;
    }
    std::string coll = collection;
    control::Mutation mutation = [coll, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
      js::object item = req;
      const auto* name = item.if_contains("name");
      bool named = coll == "teams" || coll == "customers"; // budgets and rate limits have only ids
      if (named && (name == nullptr || !name->is_string() || name->get_string().empty())) {
        return Error::invalidRequest("name: required field is missing");
      }
      std::string id =
          item.contains("id") && item["id"].is_string() ? std::string(item["id"].get_string()) : secrets::uuid4();
      if (doc.findItem(coll, id) != nullptr) {
        return conflict(fmt::format("id \"{}\" already exists", id));
      }
      item["id"] = id;
      item["created_at"] = nowSeconds();
      doc.collections[coll].push_back(item);
      Edit edit;
      edit.focus = focusOf(doc, coll, id);
      edit.upserted.push_back({config::collectionKind(coll), id});
      edit.status = 201;
      edit.response = item;
      return edit;
    };
    co_await applyAndAnswer(ctx, ex, std::move(mutation));
  };
}

ApiHandler listItems(const char* collection) {
  return [collection](const Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto doc = ctx.svc->document();
    js::array list;
    if (auto it = doc->collections.find(collection); it != doc->collections.end()) {
      for (const auto& item : it->second) {
        list.push_back(item);
      }
    }
    js::object out;
    out["total"] = list.size();
    out[collection] = std::move(list);
    co_await sendValue(ex, 200, out);
  };
}

ApiHandler getItem(const char* collection) {
  return [collection](const Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto doc = ctx.svc->document();
    auto* item = const_cast<config::Document&>(*doc).findItem(collection, ex.params()["id"]);
    if (item == nullptr) {
      Error failure =
          Error::notFound(fmt::format("no {} with id \"{}\"", config::collectionKind(collection), ex.params()["id"]));
      co_await sendError(ex, failure);
      co_return;
    }
    co_await sendValue(ex, 200, *item);
  };
}

ApiHandler updateItem(const char* collection) {
  return [collection](const Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto body = bodyObject(ex);
    if (!body) {
      co_await sendError(ex, body.error());
      co_return;
    }
    std::string coll = collection;
    std::string id = ex.params()["id"];
    control::Mutation mutation = [coll, id, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
      auto* item = doc.findItem(coll, id);
      if (item == nullptr) {
        return Error::notFound(fmt::format("no {} with id \"{}\"", config::collectionKind(coll), id));
      }
      js::object next = req;
      if (const auto* i = next.if_contains("id"); i != nullptr && !(i->is_string() && i->get_string() == id)) {
        return Error::invalidRequest("id: does not match the id in the URL");
      }
      next["id"] = id;
      if (const auto* c = item->if_contains("created_at")) {
        next["created_at"] = *c;
      }
      next["updated_at"] = nowSeconds();
      *item = std::move(next);
      Edit edit;
      edit.focus = focusOf(doc, coll, id);
      edit.upserted.push_back({config::collectionKind(coll), id});
      edit.response = *item;
      return edit;
    };
    co_await applyAndAnswer(ctx, ex, std::move(mutation));
  };
}

ApiHandler deleteItem(const char* collection) {
  return [collection](const Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    std::string coll = collection;
    std::string id = ex.params()["id"];
    control::Mutation mutation = [coll, id](config::Document& doc) -> Result<Edit> {
      auto& items = doc.collections[coll];
      auto before = items.size();
      std::erase_if(items, [&](const js::object& o) {
        const auto* v = o.if_contains("id");
        return v != nullptr && v->is_string() && v->get_string() == id;
      });
      if (items.size() == before) {
        return Error::notFound(fmt::format("no {} with id \"{}\"", config::collectionKind(coll), id));
      }
      Edit edit;
      edit.deleted.push_back({config::collectionKind(coll), id});
      js::object out;
      out["message"] = fmt::format("{} \"{}\" deleted", config::collectionKind(coll), id);
      edit.response = std::move(out);
      return edit;
    };
    co_await applyAndAnswer(ctx, ex, std::move(mutation));
  };
}

// ---- budgets and rate limits in force, with usage ----

asio::awaitable<void> listLimits(const Context& ctx, http::ServerExchange& ex, bool budgets) {
  auto cfg = ctx.svc->snapshot().get();
  std::int64_t now = governance::systemNowMs();
  std::vector<governance::Limit> limits;
  std::set<std::string> seen;
  auto add = [&](std::vector<governance::Limit> more) {
    for (auto& l : more) {
      bool is_budget = l.kind == governance::LimitKind::Spend;
      if (is_budget == budgets && seen.insert(l.key).second) {
        limits.push_back(std::move(l));
      }
    }
  };
  for (const auto& [id, vk] : cfg->governance.virtual_keys) {
    add(gate::limitsFor(cfg->governance, vk, "", now));
    for (const auto& pc : vk.provider_configs) {
      add(gate::limitsFor(cfg->governance, vk, pc.provider, now));
    }
  }
  js::array list;
  if (!limits.empty() && ctx.counters != nullptr) {
    auto values = co_await ctx.counters->read(limits);
    if (!values) {
      Error failure = Error{ErrorKind::Api, 503, values.error().message};
      co_await sendError(ex, failure);
      co_return;
    }
    list = usageOf(limits, values.value());
  }
  js::object out;
  out["total"] = list.size();
  out[budgets ? "budgets" : "rate_limits"] = std::move(list);
  // Shared definitions (referenced by budget_id / rate_limit_id), as configured.
  js::array configured;
  auto doc = ctx.svc->document();
  if (auto it = doc->collections.find(budgets ? "budgets" : "rate_limits"); it != doc->collections.end()) {
    for (const auto& item : it->second) {
      configured.push_back(item);
    }
  }
  out["configured"] = std::move(configured);
  co_await sendValue(ex, 200, out);
}

} // namespace

void registerGovernanceRoutes(http::Router& router, const Context& ctx) {
  // The seed article's form.
  router.add(verb::post, "/api/virtual-keys", guarded(ctx, createVk));
  const std::string base = "/api/governance/virtual-keys";
  router.add(verb::get, base, guarded(ctx, listVks));
  router.add(verb::post, base, guarded(ctx, createVk));
  router.add(verb::get, base + "/{id}", guarded(ctx, getVk));
  router.add(verb::put, base + "/{id}", guarded(ctx, updateVk));
  router.add(verb::delete_, base + "/{id}", guarded(ctx, deleteItem("virtual_keys")));
  router.add(verb::post, base + "/{id}/rotate", guarded(ctx, rotateVk));
  for (auto [path, coll] :
       {std::pair{"/api/governance/teams", "teams"}, std::pair{"/api/governance/customers", "customers"},
        std::pair{"/api/governance/budgets", "budgets"}, std::pair{"/api/governance/rate-limits", "rate_limits"}}) {
    // Budgets and rate limits list what is in force with its usage (below); the others list their items.
    if (std::string_view(coll) == "teams" || std::string_view(coll) == "customers") {
      router.add(verb::get, path, guarded(ctx, listItems(coll)));
    }
    router.add(verb::post, path, guarded(ctx, createItem(coll)));
    router.add(verb::get, std::string(path) + "/{id}", guarded(ctx, getItem(coll)));
    router.add(verb::put, std::string(path) + "/{id}", guarded(ctx, updateItem(coll)));
    router.add(verb::delete_, std::string(path) + "/{id}", guarded(ctx, deleteItem(coll)));
  }
  router.add(verb::get, "/api/governance/budgets",
             guarded(ctx, [](const Context& c, http::ServerExchange& ex) { return listLimits(c, ex, true); }));
  router.add(verb::get, "/api/governance/rate-limits",
             guarded(ctx, [](const Context& c, http::ServerExchange& ex) { return listLimits(c, ex, false); }));
}

} // namespace hd::api
