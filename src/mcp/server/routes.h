#pragma once
// HTTP routes of the MCP gateway: POST/GET/DELETE /mcp (the streamable HTTP transport) and
// POST /v1/mcp/tool/execute.

#include "http/router.h"
#include "mcp/server/context.h"

namespace hd::mcp::server {

// `ctx` must outlive the router.
void registerRoutes(http::Router& router, const Context& ctx);

// Who is calling: the virtual key (Bearer, x-bf-vk, ...) and the filter headers. An Error (401 / 403)
// when the key is required but missing, unknown or inactive.
Result<Caller> identify(const Context& ctx, const http::ServerExchange& ex);

// Handlers (routes.cc registers them).
asio::awaitable<void> handlePost(const Context& ctx, http::ServerExchange& ex);
asio::awaitable<void> handleGet(const Context& ctx, http::ServerExchange& ex);
asio::awaitable<void> handleDelete(const Context& ctx, http::ServerExchange& ex);
asio::awaitable<void> handleToolExecute(const Context& ctx, http::ServerExchange& ex);

} // namespace hd::mcp::server
