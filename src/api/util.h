#pragma once
// Helpers shared by the management API handlers: request bodies, responses, admin guard, and the
// EnvVar value forms ("env.VAR" strings in, {"value","env_var","from_env"} objects out).

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <functional>

#include "api/api.h"
#include "config/loader.h"
#include "control/config_service.h"
#include "http/exchange.h"

namespace hd::api {

using ApiHandler = std::function<boost::asio::awaitable<void>(const Context&, http::ServerExchange&)>;

// Wraps a handler with the admin-auth check.
http::Handler guarded(const Context& ctx, ApiHandler h);

boost::asio::awaitable<void> sendError(http::ServerExchange& ex, const Error& err);
boost::asio::awaitable<void> sendValue(http::ServerExchange& ex, unsigned status, const boost::json::value& v);

// Runs `mutation` through the config service (store thread) and answers with its response or error.
boost::asio::awaitable<void> applyAndAnswer(const Context& ctx, http::ServerExchange& ex, control::Mutation mutation);

// The request body as a JSON object, or a 400 naming what is wrong.
Result<boost::json::object> bodyObject(const http::ServerExchange& ex);

Error conflict(std::string msg);

// Secret and EnvVar fields of entity bodies.
// Input: a field may be a string or {"value","env_var","from_env"}; the redaction placeholder "***"
// keeps the current secret (from `previous`, when there is one) and is an error otherwise.
Result<Ok> normaliseEnvVars(std::string_view kind, boost::json::object& body, const boost::json::object* previous);
// Output: EnvVar fields as {"value","env_var","from_env"}, secrets' values as "***".
boost::json::object redact(std::string_view kind, const boost::json::object& body, const config::EnvLookup& env);

inline constexpr std::string_view kRedacted = "***";

} // namespace hd::api
