// /api/providers and /api/providers/{provider}/keys: Bifrost v1.5's routes and shapes. Keys have
// their own routes; a provider payload may still carry "keys" (v1.4 style) when it is created.

#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/routes_internal.h"
#include "api/util.h"
#include "config/document.h"
#include "control/config_service.h"
#include "secrets/crypto.h"

namespace hd::api {

namespace js = boost::json;
namespace asio = boost::asio;
using control::Edit;
using verb = boost::beast::http::verb;

namespace {

std::size_t keyCount(const config::Document& doc, std::string_view provider) {
  std::size_t n = 0;
  for (const auto& k : doc.keys) {
    n += k.provider == provider ? 1 : 0;
  }
  return n;
}

js::object providerView(const config::Document& doc, const std::string& name, const js::object& settings,
                        const config::EnvLookup& env) {
  js::object out = redact("provider", settings, env);
  out["name"] = name;
  out["key_count"] = keyCount(doc, name);
  return out;
}

js::object keyView(const config::KeyDoc& k, const config::EnvLookup& env) {
  js::object out = redact("key", k.body, env);
  out["id"] = k.id;
  out["provider"] = k.provider;
  return out;
}

std::string focusOf(const config::Document& doc, const std::string& key_id) {
  const auto* k = doc.findKey(key_id);
  return k == nullptr ? "" : fmt::format("providers.{}.keys[{}]", k->provider, doc.keyIndex(key_id));
}

// Prepares a key body from a request: EnvVar forms, id, name checks.
Result<Ok> prepareKey(js::object& body, const js::object* prev) {
  if (auto r = normaliseEnvVars("key", body, prev); !r) {
    return r;
  }
  const auto* name = body.if_contains("name");
  if (name == nullptr) {
    return Error::invalidRequest("name: required field is missing");
  }
  if (!name->is_string() || name->get_string().empty()) {
    return Error::invalidRequest("name: expected a non-empty string");
  }
  return Ok{};
}

asio::awaitable<void> listProviders(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  js::array list;
  for (const auto& [name, settings] : doc->providers) {
    list.push_back(providerView(*doc, name, settings, ctx.svc->env()));
  }
  js::object out;
  out["total"] = list.size();
  out["providers"] = std::move(list);
  co_await sendValue(ex, 200, out);
}

asio::awaitable<void> getProvider(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  const std::string& name = ex.params()["provider"];
  auto it = doc->providers.find(name);
  if (it == doc->providers.end()) {
    Error failure = Error::notFound(fmt::format("provider \"{}\" is not configured", name));
    co_await sendError(ex, failure);
    co_return;
  }
  js::value view = providerView(*doc, name, it->second, ctx.svc->env());
  co_await sendValue(ex, 200, view);
}

// POST /api/providers {"provider": "azure", ...settings, "keys"?: [...]}
asio::awaitable<void> createProvider(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  control::Mutation mutation = [&ctx, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    js::object settings = req;
    const auto* pv = settings.if_contains("provider");
    if (pv == nullptr) {
      return Error::invalidRequest("provider: required field is missing (the provider name, e.g. \"azure\")");
    }
    if (!pv->is_string() || pv->get_string().empty()) {
      return Error::invalidRequest("provider: expected a non-empty string");
    }
    std::string name(pv->get_string());
    if (name.find('/') != std::string::npos) {
      return Error::invalidRequest("provider: must not contain \"/\"");
    }
    settings.erase("provider");
    settings.erase("name");
    if (doc.providers.contains(name)) {
      return conflict(fmt::format("provider \"{}\" already exists; change it with PUT /api/providers/{}", name, name));
    }
    js::array keys;
    if (auto* k = settings.if_contains("keys")) {
      if (!k->is_array()) {
        return Error::invalidRequest("keys: expected an array");
      }
      keys = std::move(k->get_array());
      settings.erase("keys");
    }
    if (auto r = normaliseEnvVars("provider", settings, nullptr); !r) {
      return r.error();
    }
    doc.providers[name] = settings;
    Edit edit;
    edit.focus = "providers." + name;
    edit.upserted.push_back({"provider", name});
    std::size_t i = 0;
    for (auto& kv : keys) {
      if (!kv.is_object()) {
        return Error::invalidRequest(fmt::format("keys[{}]: expected an object", i));
      }
      js::object kb = std::move(kv.get_object());
      if (auto r = prepareKey(kb, nullptr); !r) {
        return Error::invalidRequest(fmt::format("keys[{}].{}", i, r.error().message));
      }
      std::string id =
          kb.contains("id") && kb["id"].is_string() ? std::string(kb["id"].get_string()) : secrets::uuid4();
      kb["id"] = id;
      doc.keys.push_back(config::KeyDoc{id, name, std::move(kb)});
      edit.upserted.push_back({"key", id});
      ++i;
    }
    edit.status = 201;
    edit.response = providerView(doc, name, settings, ctx.svc->env());
    return edit;
  };
  auto result = co_await ctx.svc->mutate(std::move(mutation));
  if (!result) {
    Error err = result.error();
    if (err.status == 400 && err.message.rfind("unsupported provider", 0) == 0) {
      err.message = "provider: " + err.message;
    }
    co_await sendError(ex, err);
    co_return;
  }
  co_await sendValue(ex, result->status, result->response);
}

// PUT /api/providers/{provider}: replaces the provider's settings (its keys are untouched).
asio::awaitable<void> updateProvider(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  std::string name = ex.params()["provider"];
  control::Mutation mutation = [&ctx, name, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    auto it = doc.providers.find(name);
    if (it == doc.providers.end()) {
      return Error::notFound(
          fmt::format("provider \"{}\" is not configured; create it with POST /api/providers", name));
    }
    js::object settings = req;
    if (const auto* pv = settings.if_contains("provider");
        pv != nullptr && !(pv->is_string() && pv->get_string() == name)) {
      return Error::invalidRequest("provider: does not match the provider in the URL");
    }
    settings.erase("provider");
    settings.erase("name");
    settings.erase("key_count");
    if (settings.contains("keys")) {
      return Error::invalidRequest("keys: change keys through /api/providers/{provider}/keys");
    }
    if (auto r = normaliseEnvVars("provider", settings, &it->second); !r) {
      return r.error();
    }
    it->second = settings;
    Edit edit;
    edit.focus = "providers." + name;
    edit.upserted.push_back({"provider", name});
    edit.response = providerView(doc, name, settings, ctx.svc->env());
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

asio::awaitable<void> deleteProvider(const Context& ctx, http::ServerExchange& ex) {
  std::string name = ex.params()["provider"];
  control::Mutation mutation = [name](config::Document& doc) -> Result<Edit> {
    if (!doc.providers.erase(name)) {
      return Error::notFound(fmt::format("provider \"{}\" is not configured", name));
    }
    Edit edit;
    edit.deleted.push_back({"provider", name});
    std::size_t n = 0;
    std::erase_if(doc.keys, [&](const config::KeyDoc& k) {
      if (k.provider != name) {
        return false;
      }
      edit.deleted.push_back({"key", k.id});
      ++n;
      return true;
    });
    js::object out;
    out["message"] = fmt::format("provider \"{}\" deleted", name);
    out["deleted_keys"] = n;
    edit.response = std::move(out);
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

asio::awaitable<void> listKeys(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  const std::string& name = ex.params()["provider"];
  if (!doc->providers.contains(name)) {
    Error failure = Error::notFound(fmt::format("provider \"{}\" is not configured", name));
    co_await sendError(ex, failure);
    co_return;
  }
  js::array list;
  for (const auto& k : doc->keys) {
    if (k.provider == name) {
      list.push_back(keyView(k, ctx.svc->env()));
    }
  }
  js::object out;
  out["total"] = list.size();
  out["keys"] = std::move(list);
  co_await sendValue(ex, 200, out);
}

asio::awaitable<void> getKey(const Context& ctx, http::ServerExchange& ex) {
  auto doc = ctx.svc->document();
  const std::string& name = ex.params()["provider"];
  const auto* k = doc->findKey(ex.params()["key_id"]);
  if (k == nullptr || k->provider != name) {
    Error failure =
        Error::notFound(fmt::format("provider \"{}\" has no key with id \"{}\"", name, ex.params()["key_id"]));
    co_await sendError(ex, failure);
    co_return;
  }
  js::value view = keyView(*k, ctx.svc->env());
  co_await sendValue(ex, 200, view);
}

asio::awaitable<void> createKey(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  std::string provider = ex.params()["provider"];
  control::Mutation mutation = [&ctx, provider, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    if (!doc.providers.contains(provider)) {
      return Error::notFound(
          fmt::format("provider \"{}\" is not configured; create it first with POST /api/providers", provider));
    }
    js::object kb = req;
    if (auto r = prepareKey(kb, nullptr); !r) {
      return r.error();
    }
    std::string name(kb["name"].get_string());
    if (doc.findKeyByName(provider, name) != nullptr) {
      return conflict(fmt::format("provider \"{}\" already has a key named \"{}\"", provider, name));
    }
    std::string id;
    if (const auto* idv = kb.if_contains("id")) {
      if (!idv->is_string() || idv->get_string().empty()) {
        return Error::invalidRequest("id: expected a non-empty string");
      }
      id = std::string(idv->get_string());
      if (doc.findKey(id) != nullptr) {
        return conflict(fmt::format("a key with id \"{}\" already exists", id));
      }
    } else {
      id = secrets::uuid4();
    }
    kb["id"] = id;
    doc.keys.push_back(config::KeyDoc{id, provider, std::move(kb)});
    Edit edit;
    edit.focus = focusOf(doc, id);
    edit.upserted.push_back({"key", id});
    edit.status = 201;
    edit.response = keyView(doc.keys.back(), ctx.svc->env());
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

// PUT replaces the key; secrets sent back as "***" (or omitted) keep their stored value.
asio::awaitable<void> updateKey(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  std::string provider = ex.params()["provider"];
  std::string id = ex.params()["key_id"];
  control::Mutation mutation = [&ctx, provider, id,
                                req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
    auto* k = doc.findKey(id);
    if (k == nullptr || k->provider != provider) {
      return Error::notFound(fmt::format("provider \"{}\" has no key with id \"{}\"", provider, id));
    }
    js::object kb = req;
    kb.erase("provider");
    if (const auto* idv = kb.if_contains("id"); idv != nullptr && !(idv->is_string() && idv->get_string() == id)) {
      return Error::invalidRequest("id: does not match the key id in the URL");
    }
    if (!kb.contains("value") && k->body.contains("value")) {
      kb["value"] = k->body["value"];
    }
    if (auto r = prepareKey(kb, &k->body); !r) {
      return r.error();
    }
    std::string name(kb["name"].get_string());
    if (const auto* other = doc.findKeyByName(provider, name); other != nullptr && other->id != id) {
      return conflict(fmt::format("provider \"{}\" already has a key named \"{}\"", provider, name));
    }
    kb["id"] = id;
    k->body = std::move(kb);
    Edit edit;
    edit.focus = focusOf(doc, id);
    edit.upserted.push_back({"key", id});
    edit.response = keyView(*k, ctx.svc->env());
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

asio::awaitable<void> deleteKey(const Context& ctx, http::ServerExchange& ex) {
  std::string provider = ex.params()["provider"];
  std::string id = ex.params()["key_id"];
  control::Mutation mutation = [provider, id](config::Document& doc) -> Result<Edit> {
    auto* k = doc.findKey(id);
    if (k == nullptr || k->provider != provider) {
      return Error::notFound(fmt::format("provider \"{}\" has no key with id \"{}\"", provider, id));
    }
    std::erase_if(doc.keys, [&](const config::KeyDoc& kd) { return kd.id == id; });
    Edit edit;
    edit.deleted.push_back({"key", id});
    js::object out;
    out["message"] = fmt::format("key \"{}\" deleted", id);
    edit.response = std::move(out);
    return edit;
  };
  co_await applyAndAnswer(ctx, ex, std::move(mutation));
}

} // namespace

void registerProviderRoutes(http::Router& router, const Context& ctx) {
  router.add(verb::get, "/api/providers", guarded(ctx, listProviders));
  router.add(verb::post, "/api/providers", guarded(ctx, createProvider));
  router.add(verb::get, "/api/providers/{provider}", guarded(ctx, getProvider));
  router.add(verb::put, "/api/providers/{provider}", guarded(ctx, updateProvider));
  router.add(verb::delete_, "/api/providers/{provider}", guarded(ctx, deleteProvider));
  router.add(verb::get, "/api/providers/{provider}/keys", guarded(ctx, listKeys));
  router.add(verb::post, "/api/providers/{provider}/keys", guarded(ctx, createKey));
  router.add(verb::get, "/api/providers/{provider}/keys/{key_id}", guarded(ctx, getKey));
  router.add(verb::put, "/api/providers/{provider}/keys/{key_id}", guarded(ctx, updateKey));
  router.add(verb::delete_, "/api/providers/{provider}/keys/{key_id}", guarded(ctx, deleteKey));
}

} // namespace hd::api
