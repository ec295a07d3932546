#include "web/routes.h"

#include <array>

#include "web/assets.h"

namespace hd::web {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

// The dashboard loads only its own scripts and styles and talks only to its own origin (XHR and /ws).
constexpr std::string_view kCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                                  "form-action 'self'";

asio::awaitable<void> sendAsset(http::ServerExchange& ex, const Asset& a) {
  http::Response res{bhttp::status::ok, 11};
  bool fresh = etagMatches(ex.header("if-none-match"), a.etag);
  if (fresh) {
    res.result(bhttp::status::not_modified);
  } else {
    res.set(bhttp::field::content_type, a.content_type);
    res.body() = std::string(a.body);
  }
  res.set(bhttp::field::etag, a.etag);
  // Revalidated on every use (the names carry no version): a 304 costs one round trip, and a new
  // binary's files are never mixed with an old cached copy.
  res.set(bhttp::field::cache_control, "no-cache");
  res.set("x-content-type-options", "nosniff");
  if (a.content_type.substr(0, 9) == "text/html") {
    res.set("content-security-policy", kCsp);
    res.set("referrer-policy", "no-referrer");
    res.set("x-frame-options", "DENY");
  }
  co_await ex.send(std::move(res));
}

asio::awaitable<void> sendIndex(http::ServerExchange& ex) {
  const Asset* index = findAsset("index.html");
  if (index == nullptr) { // cannot happen: the build embeds web/index.html
    co_await ex.sendJson(500, R"({"error":{"type":"api_error","message":"dashboard not built in"}})");
    co_return;
  }
  co_await sendAsset(ex, *index);
}

asio::awaitable<void> page(http::ServerExchange& ex) {
  co_await sendIndex(ex);
}

bool acceptsHtml(std::string_view accept) {
  return accept.find("text/html") != std::string_view::npos;
}

} // namespace

bool isReservedPath(std::string_view path) {
  static constexpr std::array<std::string_view, 9> prefixes{"api",     "v1", "anthropic", "openai", "mcp",
                                                            "metrics", "ws", "health",    "assets"};
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  std::string_view first = path.substr(0, path.find('/'));
  for (auto p : prefixes) {
    if (first == p) {
      return true;
    }
  }
  return false;
}

void registerRoutes(http::Router& router) {
  // The UI's pages (web/assets/js/app.js routes on the client side).
  for (const char* p : {"/", "/logs", "/logs/{id}", "/providers", "/providers/{name}", "/governance",
                        "/governance/{page}", "/mcp-clients"}) {
    router.add(bhttp::verb::get, p, page);
  }
  router.add(bhttp::verb::get, "/assets/{file...}", [](http::ServerExchange& ex) -> asio::awaitable<void> {
    const Asset* a = findAsset("assets/" + ex.params()["file"]);
    if (a == nullptr) {
      co_await ex.sendJson(404, R"({"error":{"type":"not_found_error","message":"no such dashboard file"}})");
      co_return;
    }
    co_await sendAsset(ex, *a);
  });
  // A bookmarked or mistyped UI address: the app shows its own "not found" page.
  router.setFallback([](http::ServerExchange& ex) -> asio::awaitable<bool> {
    if (ex.request().method() != bhttp::verb::get || isReservedPath(ex.path()) || !acceptsHtml(ex.header("accept"))) {
      co_return false;
    }
    co_await sendIndex(ex);
    co_return true;
  });
}

} // namespace hd::web
