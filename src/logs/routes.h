#pragma once
// The Logs API (/api/logs..., /api/mcp-logs...), the WebSocket ticket (POST /api/session/ws-ticket) and
// the live feed (GET /ws). Admin auth applies like on every /api route; /ws takes a ticket instead.

#include "api/api.h"
#include "http/router.h"

namespace hd::logs {

class LogService;

// `svc` null: logs_store is disabled and the routes answer 503 saying so.
void registerRoutes(http::Router& router, const api::Context& ctx, LogService* svc);

} // namespace hd::logs
