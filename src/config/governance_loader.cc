// Parses config.json's `governance` section (see config/governance.h).

#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "config/governance_loader.h"
#include "config/reader.h"
#include "governance/window.h"
#include "secrets/crypto.h"

namespace hd::config {

using namespace detail;

namespace {

void checkDuration(const std::string& s, const std::string& path) {
  if (auto d = governance::parseDuration(s); !d) {
    fail(path, d.error().message);
  }
}

std::string idOf(Reader& r, const js::object& o, const std::string& path) {
  const auto* v = o.if_contains("id");
  if (v == nullptr) {
    fail(path + ".id", "required field is missing");
  }
  std::string id = r.string(*v, path + ".id");
  if (id.empty()) {
    fail(path + ".id", "must not be empty");
  }
  return id;
}

BudgetSpec parseBudget(Reader& r, const js::value& v, const std::string& path, std::string default_id) {
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"id", "max_limit", "reset_duration", "calendar_aligned", "monthly_limit_usd", "current_usage",
                    "last_reset", "config_hash", "created_at", "updated_at"});
  BudgetSpec b;
  b.id = std::move(default_id);
  if (const auto* x = o.if_contains("id")) {
    b.id = r.string(*x, path + ".id");
  }
  if (const auto* x = o.if_contains("monthly_limit_usd")) {
    // The seed article's shorthand: a calendar month's budget in USD.
    b.max_limit = r.number(*x, path + ".monthly_limit_usd");
    b.reset_duration = "1M";
    b.calendar_aligned = true;
  }
  if (const auto* x = o.if_contains("max_limit")) {
    b.max_limit = r.number(*x, path + ".max_limit");
  } else if (!o.contains("monthly_limit_usd")) {
    fail(path + ".max_limit", "required field is missing (USD)");
  }
  if (!(b.max_limit >= 0) || !std::isfinite(b.max_limit)) {
    fail(path + ".max_limit", "expected a number of USD >= 0");
  }
  if (const auto* x = o.if_contains("reset_duration")) {
    b.reset_duration = r.string(*x, path + ".reset_duration");
  }
  checkDuration(b.reset_duration, path + ".reset_duration");
  if (const auto* x = o.if_contains("calendar_aligned")) {
    b.calendar_aligned = r.boolean(*x, path + ".calendar_aligned");
  }
  return b;
}

RateLimitSpec parseRateLimit(Reader& r, const js::value& v, const std::string& path, std::string default_id) {
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"id", "token_max_limit", "token_reset_duration", "request_max_limit", "request_reset_duration",
                    "token_current_usage", "request_current_usage", "token_last_reset", "request_last_reset",
                    "config_hash", "created_at", "updated_at"});
  RateLimitSpec l;
  l.id = std::move(default_id);
  if (const auto* x = o.if_contains("id")) {
    l.id = r.string(*x, path + ".id");
  }
  if (const auto* x = o.if_contains("token_max_limit"); x != nullptr && !x->is_null()) {
    l.token_max_limit = r.nonNegativeInt(*x, path + ".token_max_limit");
  }
  if (const auto* x = o.if_contains("request_max_limit"); x != nullptr && !x->is_null()) {
    l.request_max_limit = r.nonNegativeInt(*x, path + ".request_max_limit");
  }
  if (const auto* x = o.if_contains("token_reset_duration")) {
    l.token_reset_duration = r.string(*x, path + ".token_reset_duration");
  }
  if (const auto* x = o.if_contains("request_reset_duration")) {
    l.request_reset_duration = r.string(*x, path + ".request_reset_duration");
  }
  checkDuration(l.token_reset_duration, path + ".token_reset_duration");
  checkDuration(l.request_reset_duration, path + ".request_reset_duration");
  if (!l.token_max_limit && !l.request_max_limit) {
    fail(path, "set token_max_limit, request_max_limit or both");
  }
  return l;
}

struct Shared {
  std::map<std::string, BudgetSpec> budgets;
  std::map<std::string, RateLimitSpec> rate_limits;
};

// `budget` inline or `budget_id` by reference; nullopt when neither.
std::optional<BudgetSpec> budgetOf(Reader& r, const js::object& o, const std::string& path, const Shared& shared,
                                   const std::string& default_id) {
  if (const auto* x = o.if_contains("budget"); x != nullptr && !x->is_null()) {
    return parseBudget(r, *x, path + ".budget", default_id);
  }
  if (const auto* x = o.if_contains("budget_id"); x != nullptr && !x->is_null()) {
    std::string id = r.string(*x, path + ".budget_id");
    auto it = shared.budgets.find(id);
    if (it == shared.budgets.end()) {
      fail(path + ".budget_id", fmt::format("no budget with id \"{}\" in governance.budgets", id));
    }
    return it->second;
  }
  return std::nullopt;
}

std::optional<RateLimitSpec> rateLimitOf(Reader& r, const js::object& o, const std::string& path, const Shared& shared,
                                         const std::string& default_id) {
  if (const auto* x = o.if_contains("rate_limit"); x != nullptr && !x->is_null()) {
    return parseRateLimit(r, *x, path + ".rate_limit", default_id);
  }
  if (const auto* x = o.if_contains("rate_limit_id"); x != nullptr && !x->is_null()) {
    std::string id = r.string(*x, path + ".rate_limit_id");
    auto it = shared.rate_limits.find(id);
    if (it == shared.rate_limits.end()) {
      fail(path + ".rate_limit_id", fmt::format("no rate limit with id \"{}\" in governance.rate_limits", id));
    }
    return it->second;
  }
  return std::nullopt;
}

VkProviderConfig parseVkProvider(Reader& r, const js::value& v, const std::string& path, const Shared& shared,
                                 const std::string& vk_id) {
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"id", "provider", "weight", "allowed_models", "budget", "budget_id", "rate_limit", "rate_limit_id",
                    "key_ids", "allowed_keys", "keys", "virtual_key_id"});
  VkProviderConfig pc;
  const auto* p = o.if_contains("provider");
  if (p == nullptr) {
    fail(path + ".provider", "required field is missing");
  }
  pc.provider = r.string(*p, path + ".provider");
  if (const auto* x = o.if_contains("weight"); x != nullptr && !x->is_null()) {
    pc.weight = r.number(*x, path + ".weight");
    if (!(*pc.weight >= 0) || !std::isfinite(*pc.weight)) {
      fail(path + ".weight", "expected a number >= 0 or null");
    }
  }
  if (const auto* x = o.if_contains("allowed_models")) {
    ModelList m = r.modelList(*x, path + ".allowed_models");
    pc.all_models = m.all;
    for (auto& name : m.names) {
      auto slash = name.find('/');
      pc.allowed_models.push_back(
          slash != std::string::npos && name.substr(0, slash) == pc.provider ? name.substr(slash + 1) : name);
    }
  }
  std::string base = fmt::format("vk:{}:provider:{}", vk_id, pc.provider);
  pc.budget = budgetOf(r, o, path, shared, base + ":budget");
  pc.rate_limit = rateLimitOf(r, o, path, shared, base + ":rate_limit");
  // key_ids (Bifrost v1.5+; allowed_keys and keys are older names): omitted or ["*"] = every key, [] = none.
  int named = 0;
  for (const char* f : {"key_ids", "allowed_keys", "keys"}) {
    const auto* x = o.if_contains(f);
    if (x == nullptr || x->is_null()) {
      continue;
    }
    if (++named > 1) {
      fail(path + "." + f, "give the provider keys once (key_ids; allowed_keys and keys are older names for it)");
    }
    pc.all_keys = false;
    for (auto& k : r.stringArray(*x, path + "." + f)) {
      if (k == "*") {
        pc.all_keys = true;
      } else if (k.empty()) {
        fail(path + "." + f, "a key id must not be empty");
      } else {
        pc.key_ids.push_back(std::move(k));
      }
    }
    if (pc.all_keys) {
      pc.key_ids.clear();
    }
  }
  return pc;
}

VirtualKey parseVk(Reader& r, const js::value& v, const std::string& path, const Shared& shared) {
  const auto& o = r.object(v, path);
  checkKnownFields(o, path, {"id",          "name",          "description",      "value",
                             "value_hash",  "value_prefix",  "previous_values",  "is_active",
                             "team_id",     "customer_id",   "budget",           "budget_id",
                             "rate_limit",  "rate_limit_id", "provider_configs", "allowed_providers",
                             "mcp_configs", "created_at",    "updated_at",       "config_hash"});
  VirtualKey vk;
  vk.id = idOf(r, o, path);
  if (const auto* x = o.if_contains("name")) {
    vk.name = r.string(*x, path + ".name");
  }
  if (vk.name.empty()) {
    fail(path + ".name", "required field is missing");
  }
  if (const auto* x = o.if_contains("description")) {
    vk.description = r.string(*x, path + ".description");
  }
  if (const auto* x = o.if_contains("value"); x != nullptr && !x->is_null()) {
    std::string value = r.secret(*x, path + ".value");
    if (!isVirtualKeyValue(value)) {
      fail(path + ".value", "a virtual key must start with \"bf-\" (or \"sk-bf-\")");
    }
    vk.value_hash = virtualKeyHash(value);
    vk.value_prefix = value.substr(0, std::min<std::size_t>(value.size(), 10));
  } else if (const auto* h = o.if_contains("value_hash")) {
    vk.value_hash = r.string(*h, path + ".value_hash");
    if (const auto* p = o.if_contains("value_prefix")) {
      vk.value_prefix = r.string(*p, path + ".value_prefix");
    }
  }
  if (vk.value_hash.size() != 64) {
    fail(path + ".value", "required field is missing (the key, \"bf-...\")");
  }
  if (const auto* x = o.if_contains("previous_values"); x != nullptr && x->is_array()) {
    std::size_t i = 0;
    for (const auto& pv : x->get_array()) {
      std::string p = fmt::format("{}.previous_values[{}]", path, i++);
      const auto& po = r.object(pv, p);
      PreviousValue prev;
      if (const auto* h = po.if_contains("value_hash")) {
        prev.hash = r.string(*h, p + ".value_hash");
      }
      if (const auto* e = po.if_contains("expires_at")) {
        if (!e->is_int64() || e->get_int64() < 0) {
          fail(p + ".expires_at", "expected unix milliseconds");
        }
        prev.expires_at_ms = e->get_int64();
      }
      vk.previous.push_back(std::move(prev));
    }
  }
  if (const auto* x = o.if_contains("is_active")) {
    vk.is_active = r.boolean(*x, path + ".is_active");
  }
  if (const auto* x = o.if_contains("team_id"); x != nullptr && !x->is_null()) {
    vk.team_id = r.string(*x, path + ".team_id");
  }
  if (const auto* x = o.if_contains("customer_id"); x != nullptr && !x->is_null()) {
    vk.customer_id = r.string(*x, path + ".customer_id");
  }
  if (!vk.team_id.empty() && !vk.customer_id.empty()) {
    fail(path, "a virtual key belongs to a team or to a customer, not both (team_id xor customer_id)");
  }
  vk.budget = budgetOf(r, o, path, shared, "vk:" + vk.id + ":budget");
  vk.rate_limit = rateLimitOf(r, o, path, shared, "vk:" + vk.id + ":rate_limit");
  std::set<std::string> seen;
  if (const auto* x = o.if_contains("provider_configs"); x != nullptr && !x->is_null()) {
    if (!x->is_array()) {
      fail(path + ".provider_configs", "expected an array");
    }
    std::size_t i = 0;
    for (const auto& pc : x->get_array()) {
      std::string p = fmt::format("{}.provider_configs[{}]", path, i++);
      vk.provider_configs.push_back(parseVkProvider(r, pc, p, shared, vk.id));
      if (!seen.insert(vk.provider_configs.back().provider).second) {
        fail(p + ".provider", fmt::format("duplicate provider \"{}\"", vk.provider_configs.back().provider));
      }
    }
  }
  if (const auto* x = o.if_contains("allowed_providers"); x != nullptr && !x->is_null()) {
    // Shorthand: each provider with every model, weight 1.
    for (auto& p : r.stringArray(*x, path + ".allowed_providers")) {
      if (p == "*" || !seen.insert(p).second) {
        continue;
      }
      VkProviderConfig pc;
      pc.provider = p;
      pc.weight = 1.0;
      vk.provider_configs.push_back(std::move(pc));
    }
  }
  if (const auto* x = o.if_contains("mcp_configs")) {
    vk.mcp_configs = *x;
  }
  return vk;
}

} // namespace

void parseGovernance(Reader& r, const js::value& v, const std::string& path, Governance& g,
                     const std::set<std::string>& providers) {
  const auto& o = r.object(v, path);
  checkKnownFields(o, path, {"store", "budgets", "rate_limits", "customers", "teams", "virtual_keys"});
  if (const auto* x = o.if_contains("store"); x != nullptr && !x->is_null()) {
    const auto& so = r.object(*x, path + ".store");
    checkKnownFields(so, path + ".store", {"type", "url", "fail_mode"});
    if (const auto* t = so.if_contains("type")) {
      g.store.type = r.string(*t, path + ".store.type");
    }
    if (g.store.type != "memory" && g.store.type != "redis") {
      fail(path + ".store.type", "expected \"memory\" or \"redis\"");
    }
    if (const auto* u = so.if_contains("url")) {
      g.store.url = r.secret(*u, path + ".store.url");
    }
    if (g.store.type == "redis" && g.store.url.rfind("redis://", 0) != 0) {
      fail(path + ".store.url", "required for redis: redis://[:password@]host:port[/db]");
    }
    if (const auto* f = so.if_contains("fail_mode")) {
      std::string m = r.string(*f, path + ".store.fail_mode");
      if (m != "closed" && m != "open") {
        fail(path + ".store.fail_mode", "expected \"closed\" (reject requests) or \"open\" (allow them uncounted)");
      }
      g.store.fail_open = m == "open";
    }
  }
  auto array = [&](const char* name) -> const js::array* {
    const auto* x = o.if_contains(name);
    if (x == nullptr || x->is_null()) {
      return nullptr;
    }
    if (!x->is_array()) {
      fail(path + "." + name, "expected an array");
    }
    return &x->get_array();
  };
  Shared shared;
  if (const auto* a = array("budgets")) {
    std::size_t i = 0;
    for (const auto& b : *a) {
      std::string p = fmt::format("{}.budgets[{}]", path, i++);
      auto spec = parseBudget(r, b, p, idOf(r, r.object(b, p), p));
      if (!shared.budgets.emplace(spec.id, spec).second) {
        fail(p + ".id", fmt::format("duplicate id \"{}\"", spec.id));
      }
    }
  }
  if (const auto* a = array("rate_limits")) {
    std::size_t i = 0;
    for (const auto& l : *a) {
      std::string p = fmt::format("{}.rate_limits[{}]", path, i++);
      auto spec = parseRateLimit(r, l, p, idOf(r, r.object(l, p), p));
      if (!shared.rate_limits.emplace(spec.id, spec).second) {
        fail(p + ".id", fmt::format("duplicate id \"{}\"", spec.id));
      }
    }
  }
  if (const auto* a = array("customers")) {
    std::size_t i = 0;
    for (const auto& c : *a) {
      std::string p = fmt::format("{}.customers[{}]", path, i++);
      const auto& co = r.object(c, p);
      checkKnownFields(co, p, {"id", "name", "budget", "budget_id", "created_at", "updated_at", "config_hash"});
      Customer cu;
      cu.id = idOf(r, co, p);
      if (const auto* n = co.if_contains("name")) {
        cu.name = r.string(*n, p + ".name");
      }
      cu.budget = budgetOf(r, co, p, shared, "customer:" + cu.id + ":budget");
      if (!g.customers.emplace(cu.id, cu).second) {
        fail(p + ".id", fmt::format("duplicate id \"{}\"", cu.id));
      }
    }
  }
  if (const auto* a = array("teams")) {
    std::size_t i = 0;
    for (const auto& t : *a) {
      std::string p = fmt::format("{}.teams[{}]", path, i++);
      const auto& to = r.object(t, p);
      checkKnownFields(to, p,
                       {"id", "name", "customer_id", "budget", "budget_id", "created_at", "updated_at", "config_hash"});
      Team tm;
      tm.id = idOf(r, to, p);
      if (const auto* n = to.if_contains("name")) {
        tm.name = r.string(*n, p + ".name");
      }
      if (const auto* c = to.if_contains("customer_id"); c != nullptr && !c->is_null()) {
        tm.customer_id = r.string(*c, p + ".customer_id");
        if (!g.customers.contains(tm.customer_id)) {
          fail(p + ".customer_id", fmt::format("no customer with id \"{}\"", tm.customer_id));
        }
      }
      tm.budget = budgetOf(r, to, p, shared, "team:" + tm.id + ":budget");
      if (!g.teams.emplace(tm.id, tm).second) {
        fail(p + ".id", fmt::format("duplicate id \"{}\"", tm.id));
      }
    }
  }
  if (const auto* a = array("virtual_keys")) {
    std::size_t i = 0;
    std::set<std::string> names;
    for (const auto& v2 : *a) {
      std::string p = fmt::format("{}.virtual_keys[{}]", path, i++);
      VirtualKey vk = parseVk(r, v2, p, shared);
      if (!vk.team_id.empty() && !g.teams.contains(vk.team_id)) {
        fail(p + ".team_id", fmt::format("no team with id \"{}\"", vk.team_id));
      }
      if (!vk.customer_id.empty() && !g.customers.contains(vk.customer_id)) {
        fail(p + ".customer_id", fmt::format("no customer with id \"{}\"", vk.customer_id));
      }
      for (std::size_t j = 0; j < vk.provider_configs.size(); ++j) {
        const auto& pn = vk.provider_configs[j].provider;
        if (!providers.contains(pn) && pn != "*") {
          fail(fmt::format("{}.provider_configs[{}].provider", p, j),
               fmt::format("provider \"{}\" is not configured", pn));
        }
      }
      if (!names.insert(vk.name).second) {
        fail(p + ".name", fmt::format("duplicate virtual key name \"{}\"", vk.name));
      }
      if (g.vk_by_hash.contains(vk.value_hash)) {
        fail(p + ".value", "the same value is used by another virtual key");
      }
      g.vk_by_hash[vk.value_hash] = vk.id;
      for (const auto& prev : vk.previous) {
        g.vk_by_hash.emplace(prev.hash, vk.id);
      }
      if (!g.virtual_keys.emplace(vk.id, std::move(vk)).second) {
        fail(p + ".id", "duplicate id");
      }
    }
  }
}

std::string virtualKeyHash(std::string_view value) {
  // "sk-bf-x" and "bf-x" name the same key.
  if (value.rfind("sk-", 0) == 0) {
    value.remove_prefix(3);
  }
  return secrets::sha256Hex(value);
}

bool isVirtualKeyValue(std::string_view value) {
  return (value.rfind("bf-", 0) == 0 && value.size() > 3) || (value.rfind("sk-bf-", 0) == 0 && value.size() > 6);
}

bool VkProviderConfig::allows(std::string_view model_lower) const {
  if (all_models) {
    return true;
  }
  for (const auto& m : allowed_models) {
    if (m == model_lower) {
      return true;
    }
  }
  return false;
}

bool VkProviderConfig::allowsKey(std::string_view key_id, std::string_view key_name) const {
  if (all_keys) {
    return true;
  }
  for (const auto& k : key_ids) {
    if (k == key_id || k == key_name) {
      return true;
    }
  }
  return false;
}

const VkProviderConfig* VirtualKey::providerConfig(std::string_view provider) const {
  for (const auto& pc : provider_configs) {
    if (pc.provider == provider) {
      return &pc;
    }
  }
  return nullptr;
}

const VirtualKey* Governance::findByValue(std::string_view value, std::int64_t now_ms) const {
  auto it = vk_by_hash.find(virtualKeyHash(value));
  if (it == vk_by_hash.end()) {
    return nullptr;
  }
  auto vk = virtual_keys.find(it->second);
  if (vk == virtual_keys.end()) {
    return nullptr;
  }
  if (vk->second.value_hash != it->first) {
    for (const auto& prev : vk->second.previous) {
      if (prev.hash == it->first && prev.expires_at_ms <= now_ms) {
        return nullptr; // a rotated-out value past its grace period
      }
    }
  }
  return &vk->second;
}

} // namespace hd::config
