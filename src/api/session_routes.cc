// Admin sessions: POST /api/session/login, POST /api/session/logout, GET /api/session/is-auth-enabled.

#include <boost/json.hpp>
#include <chrono>

#include "api/routes_internal.h"
#include "api/util.h"
#include "control/admin_auth.h"

namespace hd::api {

namespace js = boost::json;
namespace asio = boost::asio;
using verb = boost::beast::http::verb;

namespace {

asio::awaitable<void> login(const Context& ctx, http::ServerExchange& ex) {
  auto body = bodyObject(ex);
  if (!body) {
    co_await sendError(ex, body.error());
    co_return;
  }
  std::string user;
  std::string pass;
  for (auto [field, dst] : {std::pair{"username", &user}, std::pair{"password", &pass}}) {
    const auto* v = body->if_contains(field);
    if (v == nullptr || !v->is_string()) {
      co_await sendError(ex, Error::invalidRequest(std::string(field) + ": required string"));
      co_return;
    }
    *dst = std::string(v->get_string());
  }
  auto s = co_await ctx.auth->login(std::move(user), std::move(pass), ex.clientAddress());
  if (!s) {
    co_await sendError(ex, s.error());
    co_return;
  }
  js::object out;
  out["token"] = s->token;
  out["expires_at"] = std::chrono::duration_cast<std::chrono::seconds>(s->expires_at.time_since_epoch()).count();
  co_await sendValue(ex, 200, out);
}

asio::awaitable<void> logout(const Context& ctx, http::ServerExchange& ex) {
  std::string_view h = ex.header("authorization");
  if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) {
    co_await ctx.auth->logout(std::string(h.substr(7)));
  }
  js::object out;
  out["message"] = "logged out";
  co_await sendValue(ex, 200, out);
}

asio::awaitable<void> isAuthEnabled(const Context& ctx, http::ServerExchange& ex) {
  bool enabled = ctx.auth->enabled();
  bool valid = !enabled;
  if (enabled && !ex.header("authorization").empty()) {
    valid = static_cast<bool>(co_await ctx.auth->check(std::string(ex.header("authorization")), ex.clientAddress()));
  }
  js::object out;
  out["is_auth_enabled"] = enabled;
  out["has_valid_token"] = valid;
  co_await sendValue(ex, 200, out);
}

} // namespace

void registerSessionRoutes(http::Router& router, const Context& ctx) {
  auto open = [&ctx](ApiHandler h) {
    return [&ctx, h = std::move(h)](http::ServerExchange& ex) -> asio::awaitable<void> { co_await h(ctx, ex); };
  };
  router.add(verb::post, "/api/session/login", open(login));
  router.add(verb::post, "/api/session/logout", guarded(ctx, logout));
  router.add(verb::get, "/api/session/is-auth-enabled", open(isAuthEnabled));
}

} // namespace hd::api
