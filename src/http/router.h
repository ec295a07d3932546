#pragma once
// Maps (method, path) to handlers. Path patterns are literal segments or {name} captures;
// a trailing {name...} captures the rest of the path.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "http/exchange.h"

namespace hd::http {

using Handler = std::function<asio::awaitable<void>(ServerExchange&)>;

// Renders an Error as (content-type JSON) body in the wire shape of the API that owns `path`.
using ErrorRenderer = std::function<std::string(std::string_view path, const Error& err)>;

// Asked about a request no route's path matches, before the 404: true when it answered.
using Fallback = std::function<asio::awaitable<bool>(ServerExchange&)>;

class Router {
public:
  void add(bhttp::verb method, std::string pattern, Handler handler);
  // Replaces the handler of a route added earlier with `decorate(handler)`; false if there is none.
  bool wrap(bhttp::verb method, std::string_view pattern, const std::function<Handler(Handler)>& decorate);
  void setErrorRenderer(ErrorRenderer r) { render_ = std::move(r); }
  void setFallback(Fallback f) { fallback_ = std::move(f); }

  // Dispatches the request; answers 404/405 itself. Never throws.
  asio::awaitable<void> dispatch(ServerExchange& ex) const;

  std::string renderError(std::string_view path, const Error& err) const;

private:
  struct Route {
    bhttp::verb method;
    std::vector<std::string> segments;
    Handler handler;
    std::string pattern; // as registered (the metrics' path label)
  };
  static bool match(const Route& r, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>& params);

  std::vector<Route> routes_;
  ErrorRenderer render_;
  Fallback fallback_;
};

// Generic error body used outside API-specific prefixes: {"error":{"type","message"}}.
std::string genericErrorBody(const Error& err);
std::string_view errorTypeName(ErrorKind kind);

} // namespace hd::http
