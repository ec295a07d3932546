#pragma once
// The web dashboard: GET / and the UI's page paths answer web/index.html, GET /assets/... the embedded
// scripts and styles; any other GET that a browser navigates to (Accept: text/html) falls back to
// index.html unless it is under an API prefix (/api, /v1, /anthropic, /openai, /mcp, /metrics, /ws, /health).
// The pages call the management API (/api/...) and the live feed (/ws) themselves.

#include "http/router.h"

namespace hd::web {

void registerRoutes(http::Router& router);

// True when a request for `path` must never be answered with the dashboard (an API or protocol prefix).
bool isReservedPath(std::string_view path);

} // namespace hd::web
