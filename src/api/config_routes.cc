// /api/config (client settings), /api/version, /api/keys (every provider's keys), /api/models
// (what the gateway can route).

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>
#include <tuple>

#include "api/routes_internal.h"
#include "api/util.h"
#include "control/admin_auth.h"
#include "control/config_service.h"

namespace hd::api {

namespace js = boost::json;
namespace asio = boost::asio;
using control::Edit;
using verb = boost::beast::http::verb;

namespace {

js::object configView(const Context& ctx, const config::Document& doc) {
  js::object out;
  out["client_config"] = doc.client.value_or(js::object());
  js::object store;
  store["enabled"] = ctx.svc->writable();
  store["type"] = ctx.svc->storeType();
  out["config_store"] = std::move(store);
  out["is_db_connected"] = ctx.svc->writable();
  out["is_encrypted"] = ctx.svc->encrypted();
  out["auth_enabled"] = ctx.auth != nullptr && ctx.auth->enabled();
  return out;
}

asio::awaitable<void> getConfig(const Context& ctx, http::ServerExchange& ex) {
  co_await sendValue(ex, 200, configView(ctx, *ctx.svc->document()));
}

// PUT /api/config {"client_config": {...}} (Bifrost's shape) or the client object itself.
asio::awaitable<void> putConfig(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  control::Mutation mutation = [&ctx, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    js::object client;
    if (const auto* c = req.if_contains("client_config")) {
      if (!c->is_object()) {
        return Error::invalidRequest("client_config: expected an object");
      }
      client = c->get_object();
    } else {
      client = req;
    }
    doc.client = std::move(client);
    Edit edit;
    edit.focus = ""; // errors name "client.x"; mapped to "client_config.x" below
    edit.upserted.push_back({"client", "client"});
    edit.response = configView(ctx, doc);
    return edit;
  };
  auto result = co_await ctx.svc->mutate(std::move(mutation));
  if (!result) {
    Error err = result.error();
    if (err.message.rfind("client.", 0) == 0) {
      err.message = "client_config." + err.message.substr(7);
    }
    co_await sendError(ex, err);
    co_return;
  }
  co_await sendValue(ex, 200, result->response);
}

asio::awaitable<void> getVersion(const Context& ctx, http::ServerExchange& ex) {
  js::object out;
  out["name"] = "heimdall";
  out["version"] = ctx.version;
  co_await sendValue(ex, 200, out);
}

asio::awaitable<void> allKeys(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  js::array list;
  for (const auto& k : doc->keys) {
    js::object o;
    o["key_id"] = k.id;
    o["provider"] = k.provider;
    for (const char* f : {"name", "models", "weight", "enabled", "description"}) {
      if (const auto* v = k.body.if_contains(f)) {
        o[f] = *v;
      }
    }
    list.push_back(std::move(o));
  }
  js::object out;
  out["total"] = list.size();
  out["keys"] = std::move(list);
  co_await sendValue(ex, 200, out);
}

// Models the gateway routes: each key's aliases (name -> deployment) and explicit model names.
asio::awaitable<void> listModels(const Context& ctx, http::ServerExchange& ex) {
  auto cfg = ctx.svc->snapshot().get();
  auto q = ex.queryParams();
  std::string want_provider = q.contains("provider") ? q["provider"] : "";
  std::string query = q.contains("query") ? config::toLower(q["query"]) : "";
  std::set<std::tuple<std::string, std::string, std::string>> seen; // provider, model, deployment
  for (const auto& [pname, p] : cfg->providers) {
    if (!want_provider.empty() && pname != want_provider) {
      continue;
    }
    for (const auto& k : p.keys) {
      if (!k.enabled) {
        continue;
      }
      for (const auto& [alias, a] : k.aliases) {
        seen.insert({pname, alias, a.model_id});
      }
      for (const auto& m : k.models.names) {
        seen.insert({pname, m, m});
      }
    }
  }
  js::array list;
  for (const auto& [p, m, d] : seen) {
    if (!query.empty() && m.find(query) == std::string::npos) {
      continue;
    }
    js::object o;
    o["name"] = p + "/" + m;
    o["provider"] = p;
    o["model"] = m;
    o["deployment"] = d;
    list.push_back(std::move(o));
  }
  js::object out;
  out["total"] = list.size();
  out["models"] = std::move(list);
  co_await sendValue(ex, 200, out);
}

} // namespace

void registerConfigRoutes(http::Router& router, const Context& ctx) {
  router.add(verb::get, "/api/config", guarded(ctx, getConfig));
  router.add(verb::put, "/api/config", guarded(ctx, putConfig));
  router.add(verb::get, "/api/version", guarded(ctx, getVersion));
  router.add(verb::get, "/api/keys", guarded(ctx, allKeys));
  router.add(verb::get, "/api/models", guarded(ctx, listModels));
}

} // namespace hd::api
