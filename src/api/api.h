#pragma once
// The management API (/api/*): providers, keys, client settings, models, version, admin sessions.
// Bifrost-compatible routes and request shapes; JSON errors {"error":{"type","message"}} that name
// the offending field; secrets always redacted.

#include <string>

#include "http/router.h"

namespace hd::control {
class ConfigService;
class AdminAuth;
} // namespace hd::control

namespace hd::api {

struct Context {
  control::ConfigService* svc = nullptr;
  control::AdminAuth* auth = nullptr;
  std::string version;
};

void registerRoutes(http::Router& router, const Context& ctx);

// The management API's error body (also used by the router for unknown /api paths).
std::string errorBody(const Error& err);

} // namespace hd::api
