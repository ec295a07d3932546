#pragma once
// What the /mcp server and /v1/mcp/tool/execute handlers share: the live config, the MCP clients, the
// sessions and the observability hub. Owned by mcp::server::Gateway (gateway.h).

#include <string>

#include "config/snapshot.h"
#include "http/router.h"
#include "mcp/client/manager.h"
#include "mcp/server/access.h"
#include "mcp/server/sessions.h"
#include "obs/hub.h"

namespace hd::mcp::server {

namespace asio = boost::asio;
namespace js = boost::json;
namespace bhttp = boost::beast::http;

struct Context {
  const config::Snapshot* snapshot = nullptr;
  client::Manager* manager = nullptr;
  Sessions* sessions = nullptr;
  const obs::Hub* hub = nullptr;
  const http::Router* router = nullptr;
  std::string version;
};

// Who is calling and what they may use (one per HTTP request).
struct Caller {
  config::ConfigPtr cfg;
  Access access;
  std::string session_id;
  std::string request_id;
  std::string traceparent;                     // the client's W3C trace context, if it sent one
  std::shared_ptr<client::CancelToken> cancel; // set when the client goes away or cancels the request
};

} // namespace hd::mcp::server
