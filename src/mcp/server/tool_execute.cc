// POST /v1/mcp/tool/execute: one tool call for API users who run their own agent loop. The body is an
// OpenAI chat tool call ({id, type:"function", function:{name, arguments}}) and the answer a tool
// message ({role:"tool", content, tool_call_id}); with ?format=responses the body is a Responses
// function_call item ({type:"function_call", call_id, name, arguments}) and the answer a
// function_call_output item. `arguments` is a JSON string (an object is accepted too).

#include <fmt/format.h>

#include "core/json_util.h"
#include "mcp/server/methods.h"
#include "mcp/server/routes.h"

namespace hd::mcp::server {

namespace {

// The text a tool message carries: the text parts joined; other parts (images, resources) as JSON.
std::string contentText(const js::value& result) {
  if (!result.is_object()) {
    return js::serialize(result);
  }
  const auto* content = result.get_object().if_contains("content");
  if (content == nullptr || !content->is_array()) {
    if (const auto* sc = result.get_object().if_contains("structuredContent")) {
      return js::serialize(*sc);
    }
    return js::serialize(result);
  }
  std::string out;
  for (const auto& part : content->get_array()) {
    if (!out.empty()) {
      out += "\n";
    }
    const auto* o = part.if_object();
    auto type = o != nullptr ? json::getString(*o, "type") : std::nullopt;
    auto text = o != nullptr ? json::getString(*o, "text") : std::nullopt;
    if (type && *type == "text" && text) {
      out += *text;
    } else {
      out += js::serialize(part);
    }
  }
  return out;
}

asio::awaitable<void> fail(const Context& ctx, http::ServerExchange& ex, const Error& e) {
  co_await ex.sendJson(static_cast<unsigned>(e.status), ctx.router->renderError(ex.path(), e));
}

} // namespace

asio::awaitable<void> handleToolExecute(const Context& ctx, http::ServerExchange& ex) {
  auto who = identify(ctx, ex);
  if (!who) {
    co_await fail(ctx, ex, who.error());
    co_return;
  }
  auto q = ex.queryParams();
  std::string format = q.contains("format") ? q["format"] : "chat";
  if (format != "chat" && format != "responses") {
    co_await fail(ctx, ex, Error::invalidRequest("format: expected \"chat\" or \"responses\""));
    co_return;
  }
  auto body = json::parse(ex.request().body());
  if (!body || !body->is_object()) {
    co_await fail(ctx, ex, Error::invalidRequest(body ? "the body must be a JSON object" : body.error().message));
    co_return;
  }
  const auto& o = body->get_object();
  bool responses = format == "responses";
  std::optional<std::string_view> name;
  const js::value* args = nullptr;
  std::string call_id;
  if (responses) {
    name = json::getString(o, "name");
    args = o.if_contains("arguments");
    call_id = std::string(json::getString(o, "call_id").value_or(""));
  } else {
    const auto* fn = o.if_contains("function");
    if (fn == nullptr || !fn->is_object()) {
      co_await fail(ctx, ex, Error::invalidRequest("function: required (an object with name and arguments)"));
      co_return;
    }
    name = json::getString(fn->get_object(), "name");
    args = fn->get_object().if_contains("arguments");
    call_id = std::string(json::getString(o, "id").value_or(""));
  }
  std::string field = responses ? "name" : "function.name";
  if (!name || name->empty()) {
    co_await fail(ctx, ex, Error::invalidRequest(field + ": required (the tool's <mcp client>-<tool> name)"));
    co_return;
  }
  js::value arguments = js::object();
  std::string args_field = responses ? "arguments" : "function.arguments";
  if (args != nullptr && args->is_string()) {
    if (!args->get_string().empty()) {
      auto parsed = json::parse(args->get_string());
      if (!parsed || !parsed->is_object()) {
        co_await fail(ctx, ex, Error::invalidRequest(args_field + ": must be a JSON object encoded as a string"));
        co_return;
      }
      arguments = std::move(*parsed);
    }
  } else if (args != nullptr && args->is_object()) {
    arguments = *args;
  } else if (args != nullptr && !args->is_null()) {
    co_await fail(ctx, ex, Error::invalidRequest(args_field + ": must be a JSON object encoded as a string"));
    co_return;
  }
  auto call = co_await callTool(ctx, *who, std::string(*name), std::move(arguments), nullptr);
  switch (call.status) {
  case ToolCall::Status::Unknown:
    co_await fail(ctx, ex, Error::notFound(call.message));
    co_return;
  case ToolCall::Status::Denied:
    co_await fail(ctx, ex, Error::permission(call.message));
    co_return;
  case ToolCall::Status::Failed: {
    const auto& out = call.outcome;
    if (out.status == client::Outcome::Status::Timeout) {
      co_await fail(ctx, ex, Error::timeout(out.message));
    } else if (out.status == client::Outcome::Status::RpcError) {
      co_await fail(ctx, ex,
                    Error::badGateway(fmt::format("the MCP server answered error {}: {}", out.code, out.message)));
    } else {
      co_await fail(ctx, ex, Error::badGateway(out.message));
    }
    co_return;
  }
  case ToolCall::Status::Ok:
    break;
  }
  std::string text = contentText(call.outcome.result);
  js::object reply;
  if (responses) {
    reply["type"] = "function_call_output";
    reply["call_id"] = call_id;
    reply["output"] = text;
  } else {
    reply["role"] = "tool";
    reply["content"] = text;
    reply["tool_call_id"] = call_id;
  }
  co_await ex.sendJson(200, js::serialize(reply));
}

} // namespace hd::mcp::server
