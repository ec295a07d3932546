#include "mcp/server/methods.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <random>

#include "mcp/client/upstream.h"
#include "obs/ids.h"
#include "obs/observe.h"

namespace hd::mcp::server {

namespace {

using client::Outcome;

std::mt19937_64& rng() {
  thread_local std::mt19937_64 r{std::random_device{}()};
  return r;
}

std::string prefixed(const std::string& client, std::string_view name) {
  return client + "-" + std::string(name);
}

const js::object* paramsObject(const rpc::Message& m) {
  return m.params.is_object() ? &m.params.get_object() : nullptr;
}

js::object outcomeToMessage(const js::value& id, const Outcome& o) {
  switch (o.status) {
  case Outcome::Status::Ok:
    return rpc::resultMessage(id, o.result);
  case Outcome::Status::RpcError:
    return rpc::errorMessage(id, o.code, o.message, o.data);
  case Outcome::Status::Timeout:
    return rpc::errorMessage(id, rpc::kUpstreamTimeout, o.message);
  case Outcome::Status::Cancelled:
    return rpc::errorMessage(id, rpc::kRequestCancelled, o.message);
  case Outcome::Status::Unavailable:
    break;
  }
  return rpc::errorMessage(id, rpc::kUpstreamUnavailable, o.message);
}

// The entries of a catalog list the caller may see, renamed <client>-<name> when `rename`.
js::array visible(const Caller& caller, const std::vector<client::CatalogEntry>& entries, bool tools, bool rename) {
  js::array out;
  for (const auto& e : entries) {
    const auto* c = caller.cfg->mcp.find(e.client);
    if (c == nullptr) {
      continue;
    }
    if (tools ? !caller.access.allowsTool(*c, e.name) : !caller.access.allowsClient(*c)) {
      continue;
    }
    js::object def = e.def;
    if (rename) {
      def["name"] = prefixed(e.client, e.name);
    }
    out.push_back(std::move(def));
  }
  return out;
}

// The catalog entry whose exposed name is `name`.
const client::CatalogEntry* findNamed(const std::vector<client::CatalogEntry>& entries, std::string_view name) {
  for (const auto& e : entries) {
    if (name.size() == e.client.size() + 1 + e.name.size() && name.substr(0, e.client.size()) == e.client &&
        name[e.client.size()] == '-' && name.substr(e.client.size() + 1) == e.name) {
      return &e;
    }
  }
  return nullptr;
}

// The client serving a resource URI: an exact resource, else a template whose literal prefix matches.
const client::CatalogEntry* findResource(const client::Catalog& cat, std::string_view uri) {
  for (const auto& e : cat.resources) {
    if (e.name == uri) {
      return &e;
    }
  }
  const client::CatalogEntry* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& e : cat.resource_templates) {
    auto prefix = std::string_view(e.name).substr(0, e.name.find('{'));
    if (!prefix.empty() && uri.substr(0, prefix.size()) == prefix && prefix.size() > best_len) {
      best = &e;
      best_len = prefix.size();
    }
  }
  return best;
}

// Arguments and results are kept only when a sink stores them (not with logs_store off).
bool contentLogging(const Context& ctx, const config::Config& cfg) {
  return ctx.hub != nullptr && ctx.hub->wantsContent() && cfg.client.enable_logging &&
         !cfg.client.disable_content_logging;
}

} // namespace

std::string negotiateVersion(const js::value& params) {
  const auto& supported = client::supportedProtocolVersions();
  if (params.is_object()) {
    if (const auto* v = params.get_object().if_contains("protocolVersion"); v != nullptr && v->is_string()) {
      for (const auto& s : supported) {
        if (v->get_string() == s) {
          return s;
        }
      }
    }
  }
  return supported.front();
}

js::object initializeResult(const std::string& version, const std::string& server_version) {
  js::object caps;
  caps["tools"] = {{"listChanged", true}};
  caps["resources"] = {{"listChanged", true}};
  caps["prompts"] = {{"listChanged", true}};
  js::object result;
  result["protocolVersion"] = version;
  result["capabilities"] = std::move(caps);
  result["serverInfo"] = {{"name", "heimdall"}, {"version", server_version}};
  result["instructions"] = "Heimdall MCP gateway: the tools of every configured MCP server, named <server>-<tool>.";
  return result;
}

asio::awaitable<ToolCall> callTool(const Context& ctx, const Caller& caller, const std::string& name,
                                   js::value arguments, js::value meta) {
  auto cat = ctx.manager->catalog();
  const auto* entry = findNamed(cat->tools, name);
  const config::McpClientConfig* cfg = entry != nullptr ? caller.cfg->mcp.find(entry->client) : nullptr;
  ToolCall out;
  if (entry == nullptr || cfg == nullptr) {
    out.status = ToolCall::Status::Unknown;
    out.message = fmt::format("unknown tool \"{}\" (tools are named <mcp client>-<tool>; see tools/list)", name);
    co_return out;
  }
  auto rec = std::make_shared<obs::McpCallRecord>();
  rec->id = obs::randomHex(rng(), 2);
  rec->start_unix_ns = obs::unixNowNs();
  rec->client = entry->client;
  rec->tool = entry->name;
  rec->session_id = caller.session_id;
  if (auto parent = obs::parseTraceparent(caller.traceparent)) {
    rec->trace = std::move(*parent);
  } else {
    rec->trace.trace_id = obs::newTraceId(rng());
  }
  rec->trace.span_id = obs::newSpanId(rng());
  if (caller.access.vk != nullptr) {
    rec->virtual_key_id = caller.access.vk->id;
    rec->virtual_key_name = caller.access.vk->name;
  }
  if (contentLogging(ctx, *caller.cfg)) {
    rec->arguments = js::serialize(arguments);
  }
  auto started = std::chrono::steady_clock::now();
  std::string denial = caller.access.denial(*cfg, entry->name);
  if (!denial.empty()) {
    out.status = ToolCall::Status::Denied;
    out.message = denial;
    rec->status = "denied";
    rec->error = denial;
  } else {
    js::object params;
    params["name"] = entry->name;
    if (!arguments.is_null()) {
      params["arguments"] = std::move(arguments);
    }
    if (!meta.is_null()) {
      params["_meta"] = std::move(meta);
    }
    out.outcome = co_await ctx.manager->call(entry->client, "tools/call", std::move(params), caller.cancel);
    out.status = out.outcome.ok() ? ToolCall::Status::Ok : ToolCall::Status::Failed;
    bool is_error = false;
    if (out.outcome.ok() && out.outcome.result.is_object()) {
      const auto* e = out.outcome.result.get_object().if_contains("isError");
      is_error = e != nullptr && e->is_bool() && e->get_bool();
    }
    rec->status = out.outcome.ok() && !is_error ? "success" : "error";
    if (!out.outcome.ok()) {
      rec->error = out.outcome.message;
    } else if (is_error) {
      rec->error = "the tool reported an error (isError)";
    }
    if (out.outcome.ok() && contentLogging(ctx, *caller.cfg)) {
      rec->result = js::serialize(out.outcome.result);
    }
  }
  rec->end_unix_ns = obs::unixNowNs();
  rec->latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("mcp tool call id={} client={} tool={} vk={} session={} status={} latency_ms={:.1f}{}", rec->id,
               rec->client, rec->tool, rec->virtual_key_name.empty() ? "-" : rec->virtual_key_name,
               rec->session_id.empty() ? "-" : rec->session_id, rec->status, rec->latency_ms,
               rec->error.empty() ? "" : " error=" + rec->error);
  if (ctx.hub != nullptr && !ctx.hub->empty()) {
    ctx.hub->publish(std::shared_ptr<const obs::McpCallRecord>(std::move(rec)));
  }
  co_return out;
}

asio::awaitable<js::object> answer(const Context& ctx, const Caller& caller, const rpc::Message& m) {
  const auto* p = paramsObject(m);
  if (m.method == "ping") {
    co_return rpc::resultMessage(m.id, js::object());
  }
  if (m.method == "logging/setLevel") {
    co_return rpc::resultMessage(m.id, js::object());
  }
  auto cat = ctx.manager->catalog();
  if (m.method == "tools/list") {
    js::object r;
    r["tools"] = visible(caller, cat->tools, true, true);
    co_return rpc::resultMessage(m.id, std::move(r));
  }
  if (m.method == "resources/list") {
    js::object r;
    r["resources"] = visible(caller, cat->resources, false, false);
    co_return rpc::resultMessage(m.id, std::move(r));
  }
  if (m.method == "resources/templates/list") {
    js::object r;
    r["resourceTemplates"] = visible(caller, cat->resource_templates, false, false);
    co_return rpc::resultMessage(m.id, std::move(r));
  }
  if (m.method == "prompts/list") {
    js::object r;
    r["prompts"] = visible(caller, cat->prompts, false, true);
    co_return rpc::resultMessage(m.id, std::move(r));
  }
  if (m.method == "tools/call") {
    const js::value* name = p != nullptr ? p->if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string()) {
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams, "tools/call needs params.name (a string)");
    }
    js::value args = p->contains("arguments") ? p->at("arguments") : js::value();
    if (!args.is_null() && !args.is_object()) {
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams, "params.arguments must be an object");
    }
    js::value meta = p->contains("_meta") ? p->at("_meta") : js::value();
    auto call = co_await callTool(ctx, caller, std::string(name->get_string()), std::move(args), std::move(meta));
    switch (call.status) {
    case ToolCall::Status::Unknown:
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams, call.message);
    case ToolCall::Status::Denied:
      co_return rpc::errorMessage(m.id, rpc::kForbidden, call.message);
    default:
      co_return outcomeToMessage(m.id, call.outcome);
    }
  }
  if (m.method == "resources/read") {
    const js::value* uri = p != nullptr ? p->if_contains("uri") : nullptr;
    if (uri == nullptr || !uri->is_string()) {
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams, "resources/read needs params.uri (a string)");
    }
    const auto* e = findResource(*cat, uri->get_string());
    const auto* c = e != nullptr ? caller.cfg->mcp.find(e->client) : nullptr;
    if (c == nullptr || !caller.access.allowsClient(*c)) {
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams,
                                  fmt::format("unknown resource \"{}\"", std::string_view(uri->get_string())));
    }
    co_return outcomeToMessage(m.id, co_await ctx.manager->call(e->client, "resources/read", *p));
  }
  if (m.method == "prompts/get") {
    const js::value* name = p != nullptr ? p->if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string()) {
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams, "prompts/get needs params.name (a string)");
    }
    const auto* e = findNamed(cat->prompts, name->get_string());
    const auto* c = e != nullptr ? caller.cfg->mcp.find(e->client) : nullptr;
    if (c == nullptr || !caller.access.allowsClient(*c)) {
      co_return rpc::errorMessage(m.id, rpc::kInvalidParams,
                                  fmt::format("unknown prompt \"{}\"", std::string_view(name->get_string())));
    }
    js::object params = *p;
    params["name"] = e->name;
    co_return outcomeToMessage(m.id, co_await ctx.manager->call(e->client, "prompts/get", std::move(params)));
  }
  co_return rpc::errorMessage(m.id, rpc::kMethodNotFound, fmt::format("method \"{}\" is not supported", m.method));
}

} // namespace hd::mcp::server
