// The MCP clients' management API (Bifrost's routes): GET /api/mcp/clients, POST /api/mcp/client,
// PUT and DELETE /api/mcp/client/{id}, POST /api/mcp/client/{id}/reconnect. Clients are stored as
// config.json `mcp.client_configs[]` entries (config-store entities of kind "mcp_client", header values
// sealed like other secrets), validated by the config loader, and picked up by the client manager from
// the new snapshot. Header values are answered as "***" ("env.VAR" references are shown); sending
// "***" back keeps the stored value.

#include <fmt/format.h>

#include "api/util.h"
#include "core/json_util.h"
#include "mcp/server/gateway.h"

namespace hd::mcp::server {

namespace {

using api::ApiHandler;
using control::Edit;

js::object redacted(const js::object& body) {
  js::object out = body;
  if (auto* h = out.if_contains("headers"); h != nullptr && h->is_object()) {
    for (auto& kv : h->get_object()) {
      if (kv.value().is_string() && kv.value().get_string().subview().substr(0, 4) != "env.") {
        kv.value() = api::kRedacted;
      }
    }
  }
  return out;
}

// "***" header values take the stored value of the same header.
Result<Ok> keepRedacted(js::object& body, const js::object* previous) {
  auto* h = body.if_contains("headers");
  if (h == nullptr || !h->is_object()) {
    return Ok{};
  }
  const js::object* prev = nullptr;
  if (previous != nullptr) {
    if (const auto* ph = previous->if_contains("headers"); ph != nullptr && ph->is_object()) {
      prev = &ph->get_object();
    }
  }
  for (auto& kv : h->get_object()) {
    if (kv.value().is_string() && kv.value().get_string() == api::kRedacted) {
      const js::value* old = prev != nullptr ? prev->if_contains(kv.key()) : nullptr;
      if (old == nullptr || !old->is_string()) {
        return Error::invalidRequest(fmt::format("headers.{}: \"***\" is the redaction placeholder; send the value or "
                                                 "an \"env.VAR_NAME\" reference",
                                                 std::string_view(kv.key())));
      }
      kv.value() = *old;
    }
  }
  return Ok{};
}

int indexOf(const config::Document& doc, std::string_view id) {
  for (std::size_t i = 0; i < doc.mcp_clients.size(); ++i) {
    if (config::Document::mcpClientId(doc.mcp_clients[i]) == id) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Result<Ok> requireName(const js::object& body) {
  const auto* name = body.if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return Error::invalidRequest("name: required field is missing");
  }
  return Ok{};
}

js::object success(std::string message) {
  js::object o;
  o["status"] = "success";
  o["message"] = std::move(message);
  return o;
}

} // namespace

void Gateway::registerManagementRoutes(http::Router& router, const api::Context& api_ctx) {
  using bhttp::verb;
  client::Manager* manager = &manager_;

  ApiHandler list = [manager](const api::Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto doc = ctx.svc->document();
    auto statuses = co_await manager->statuses();
    auto cat = manager->catalog();
    js::array out;
    for (const auto& body : doc->mcp_clients) {
      js::object item;
      std::string name(json::getString(body, "name").value_or(""));
      item["config"] = redacted(body);
      item["state"] = "disconnected";
      for (const auto& s : statuses) {
        if (s.name == name) {
          item["state"] = s.state;
          item["error"] = s.error.empty() ? js::value() : js::value(s.error);
          item["protocol_version"] = s.protocol_version;
          item["server_info"] = s.server_info;
          item["restarts"] = s.restarts;
        }
      }
      js::array tools;
      for (const auto& t : cat->tools) {
        if (t.client == name) {
          js::object tool;
          tool["name"] = t.name;
          tool["description"] = t.def.contains("description") ? t.def.at("description") : js::value("");
          tools.push_back(std::move(tool));
        }
      }
      item["tools"] = std::move(tools);
      out.push_back(std::move(item));
    }
    co_await api::sendValue(ex, 200, out);
  };

  ApiHandler create = [](const api::Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto body = api::bodyObject(ex);
    if (!body) {
      co_await api::sendError(ex, body.error());
      co_return;
    }
    control::Mutation mutation = [req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
      js::object item = req;
      if (auto r = requireName(item); !r) {
        return r.error();
      }
      if (auto r = keepRedacted(item, nullptr); !r) {
        return r.error();
      }
      std::string id = config::Document::mcpClientId(item);
      for (const auto& c : doc.mcp_clients) {
        if (config::Document::mcpClientId(c) == id || (c.contains("name") && c.at("name") == item.at("name"))) {
          return api::conflict(fmt::format("an MCP client named \"{}\" already exists", id));
        }
      }
      doc.mcp_clients.push_back(item);
      Edit edit;
      edit.focus = fmt::format("mcp.client_configs[{}]", doc.mcp_clients.size() - 1);
      edit.upserted.push_back({"mcp_client", id});
      edit.status = 201;
      edit.response = redacted(item);
      return edit;
    };
    co_await api::applyAndAnswer(ctx, ex, std::move(mutation));
  };

  ApiHandler update = [](const api::Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto body = api::bodyObject(ex);
    if (!body) {
      co_await api::sendError(ex, body.error());
      co_return;
    }
    std::string id = ex.params()["id"];
    control::Mutation mutation = [id, req = std::move(body.value())](config::Document& doc) -> Result<Edit> {
      int i = indexOf(doc, id);
      if (i < 0) {
        return Error::notFound(fmt::format("no MCP client with id \"{}\"", id));
      }
      js::object item = req;
      if (!item.contains("name")) {
        item["name"] = doc.mcp_clients[static_cast<std::size_t>(i)].at("name");
      }
      if (auto r = requireName(item); !r) {
        return r.error();
      }
      if (auto r = keepRedacted(item, &doc.mcp_clients[static_cast<std::size_t>(i)]); !r) {
        return r.error();
      }
      if (config::Document::mcpClientId(item) != id) {
        // The id cannot change: keep it as client_id.
        item["client_id"] = id;
      }
      doc.mcp_clients[static_cast<std::size_t>(i)] = item;
      Edit edit;
      edit.focus = fmt::format("mcp.client_configs[{}]", i);
      edit.upserted.push_back({"mcp_client", id});
      edit.response = redacted(item);
      return edit;
    };
    co_await api::applyAndAnswer(ctx, ex, std::move(mutation));
  };

  ApiHandler remove = [](const api::Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    std::string id = ex.params()["id"];
    control::Mutation mutation = [id](config::Document& doc) -> Result<Edit> {
      int i = indexOf(doc, id);
      if (i < 0) {
        return Error::notFound(fmt::format("no MCP client with id \"{}\"", id));
      }
      doc.mcp_clients.erase(doc.mcp_clients.begin() + i);
      Edit edit;
      edit.deleted.push_back({"mcp_client", id});
      edit.response = success(fmt::format("MCP client \"{}\" removed", id));
      return edit;
    };
    co_await api::applyAndAnswer(ctx, ex, std::move(mutation));
  };

  ApiHandler reconnect = [manager](const api::Context& ctx, http::ServerExchange& ex) -> asio::awaitable<void> {
    std::string id = ex.params()["id"];
    auto doc = ctx.svc->document();
    int i = indexOf(*doc, id);
    if (i < 0) {
      co_await api::sendError(ex, Error::notFound(fmt::format("no MCP client with id \"{}\"", id)));
      co_return;
    }
    std::string name(json::getString(doc->mcp_clients[static_cast<std::size_t>(i)], "name").value_or(""));
    if (!co_await manager->reconnect(name)) {
      co_await api::sendError(ex, Error::notFound(fmt::format("MCP client \"{}\" is not running", id)));
      co_return;
    }
    co_await api::sendValue(ex, 200, success(fmt::format("MCP client \"{}\" is reconnecting", id)));
  };

  router.add(verb::get, "/api/mcp/clients", api::guarded(api_ctx, std::move(list)));
  router.add(verb::post, "/api/mcp/client", api::guarded(api_ctx, std::move(create)));
  router.add(verb::put, "/api/mcp/client/{id}", api::guarded(api_ctx, std::move(update)));
  router.add(verb::delete_, "/api/mcp/client/{id}", api::guarded(api_ctx, std::move(remove)));
  router.add(verb::post, "/api/mcp/client/{id}/reconnect", api::guarded(api_ctx, std::move(reconnect)));
}

} // namespace hd::mcp::server
