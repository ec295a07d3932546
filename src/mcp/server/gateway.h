#pragma once
// The MCP gateway as the server sees it: the upstream clients (mcp/client/manager.h), the /mcp sessions
// and the routes. Catalog changes become notifications/*/list_changed on every session's GET stream.

#include <memory>
#include <string>

#include "api/api.h"
#include "mcp/server/context.h"

namespace hd::mcp::server {

class Gateway {
public:
  Gateway(const config::Snapshot& snapshot, const obs::Hub& hub, const http::Router& router, std::string version);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  void registerRoutes(http::Router& router) const;
  // /api/mcp/client* (management.cc); `api_ctx` must outlive the router.
  void registerManagementRoutes(http::Router& router, const api::Context& api_ctx);
  void start();
  void stop();
  // Ends every /mcp session so open GET streams finish (before the server drains).
  void closeSessions() { sessions_.clear(); }

  client::Manager& manager() { return manager_; }

private:
  client::Manager manager_;
  Sessions sessions_;
  Context ctx_;
  std::uint64_t subscription_ = 0;
};

} // namespace hd::mcp::server
