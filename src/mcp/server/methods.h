#pragma once
// The MCP methods the gateway answers on /mcp: initialize (version negotiation), ping, the aggregated
// tools/list, resources/list, resources/templates/list, prompts/list and the routed tools/call,
// resources/read, prompts/get. Tool calls go through callTool, shared with /v1/mcp/tool/execute: it
// applies the access rules, forwards the call and publishes one McpCallRecord per call.

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <string>

#include "mcp/jsonrpc.h"
#include "mcp/server/context.h"

namespace hd::mcp::server {

namespace asio = boost::asio;
namespace js = boost::json;

// The version the client asked for when the gateway speaks it, else the newest the gateway speaks.
std::string negotiateVersion(const js::value& params);
js::object initializeResult(const std::string& version, const std::string& server_version);

// Answers one request (anything but initialize) with a response message.
asio::awaitable<js::object> answer(const Context& ctx, const Caller& caller, const rpc::Message& m);

struct ToolCall {
  enum class Status { Ok, Unknown, Denied, Failed };
  Status status = Status::Failed;
  client::Outcome outcome; // Ok and Failed
  std::string message;     // Unknown, Denied
};
asio::awaitable<ToolCall> callTool(const Context& ctx, const Caller& caller, const std::string& name,
                                   js::value arguments, js::value meta);

} // namespace hd::mcp::server
