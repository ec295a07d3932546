#include "http/router.h"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace hd::http {

namespace {
std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) {
      j = path.size();
    }
    parts.push_back(path.substr(i, j - i));
    i = j;
  }
  return parts;
}
} // namespace

std::string_view errorTypeName(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::InvalidRequest:
    return "invalid_request_error";
  case ErrorKind::Authentication:
    return "authentication_error";
  case ErrorKind::Permission:
    return "permission_error";
  case ErrorKind::NotFound:
    return "not_found_error";
  case ErrorKind::RequestTooLarge:
    return "request_too_large";
  case ErrorKind::RateLimit:
    return "rate_limit_error";
  case ErrorKind::Api:
  case ErrorKind::BadGateway:
  case ErrorKind::Timeout:
    return "api_error";
  case ErrorKind::Overloaded:
    return "overloaded_error";
  }
  return "api_error";
}

std::string genericErrorBody(const Error& err) {
  boost::json::object e;
  e["type"] = errorTypeName(err.kind);
  e["message"] = err.message;
  boost::json::object o;
  o["error"] = std::move(e);
  return boost::json::serialize(o);
}

bool Router::wrap(bhttp::verb method, std::string_view pattern, const std::function<Handler(Handler)>& decorate) {
  auto parts = splitPath(pattern);
  for (auto& r : routes_) {
    if (r.method == method && r.segments.size() == parts.size() &&
        std::equal(r.segments.begin(), r.segments.end(), parts.begin())) {
      r.handler = decorate(std::move(r.handler));
      return true;
    }
  }
  return false;
}

void Router::add(bhttp::verb method, std::string pattern, Handler handler) {
  Route r{method, {}, std::move(handler), pattern};
  for (auto p : splitPath(pattern)) {
    r.segments.emplace_back(p);
  }
  routes_.push_back(std::move(r));
}

bool Router::match(const Route& r, const std::vector<std::string_view>& parts,
                   std::map<std::string, std::string>& params) {
  std::size_t i = 0;
  for (; i < r.segments.size(); ++i) {
    const auto& seg = r.segments[i];
    bool capture = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
    if (capture && seg.size() > 5 && seg.compare(seg.size() - 4, 4, "...}") == 0) {
      std::string rest;
      for (std::size_t k = i; k < parts.size(); ++k) {
        rest += rest.empty() ? "" : "/";
        rest += parts[k];
      }
      params[seg.substr(1, seg.size() - 5)] = rest;
      return true;
    }
    if (i >= parts.size()) {
      return false;
    }
    if (capture) {
      params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return i == parts.size();
}

std::string Router::renderError(std::string_view path, const Error& err) const {
  return render_ ? render_(path, err) : genericErrorBody(err);
}

asio::awaitable<void> Router::dispatch(ServerExchange& ex) const {
  auto parts = splitPath(ex.path());
  bool path_matched = false;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match(r, parts, params)) {
      continue;
    }
    path_matched = true;
    if (r.method != ex.request().method()) {
      continue;
    }
    ex.params() = std::move(params);
    ex.setRoute(r.pattern);
    co_await r.handler(ex);
    co_return;
  }
  if (!path_matched && fallback_ && co_await fallback_(ex)) {
    co_return;
  }
  Error err = path_matched ? Error{ErrorKind::InvalidRequest, 405,
                                   fmt::format("method {} is not allowed on {}",
                                               std::string_view(ex.request().method_string()), ex.path())}
                           : Error::notFound(fmt::format("route not found: {} {}",
                                                         std::string_view(ex.request().method_string()), ex.path()));
  co_await ex.sendJson(err.status, renderError(ex.path(), err));
}

} // namespace hd::http
