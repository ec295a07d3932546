#include "inbound/anthropic/errors.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/json_util.h"
#include "core/sse.h"
#include "http/router.h"

namespace hd::inbound::anthropic {

namespace js = boost::json;

std::string errorBody(const Error& err) {
  js::object inner;
  inner["type"] = err.status == 413 ? std::string_view("request_too_large") : http::errorTypeName(err.kind);
  inner["message"] = err.message;
  js::object o;
  o["type"] = "error";
  o["error"] = std::move(inner);
  return js::serialize(o);
}

std::string_view errorTypeForStatus(unsigned status) {
  switch (status) {
  case 400:
    return "invalid_request_error";
  case 401:
    return "authentication_error";
  case 402:
    return "billing_error";
  case 403:
    return "permission_error";
  case 404:
    return "not_found_error";
  case 408:
    return "timeout_error";
  case 413:
    return "request_too_large";
  case 429:
    return "rate_limit_error";
  case 529:
    return "overloaded_error";
  default:
    return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider) {
  std::string message;
  auto parsed = json::parse(body);
  if (parsed && parsed->is_object()) {
    const auto& o = parsed->get_object();
    auto type = json::getString(o, "type");
    const auto* err = o.if_contains("error");
    if (type && *type == "error" && err != nullptr && err->is_object() && json::getString(err->get_object(), "type") &&
        json::getString(err->get_object(), "message")) {
      return std::string(body); // already Anthropic-shaped
    }
    if (err != nullptr && err->is_object()) {
      if (auto m = json::getString(err->get_object(), "message")) {
        message = std::string(*m);
      }
      if (auto c = json::getString(err->get_object(), "code"); c && !message.empty()) {
        message = fmt::format("{} ({})", message, *c);
      }
    } else if (err != nullptr && err->is_string()) {
      message = std::string(err->get_string());
    } else if (auto m = json::getString(o, "message")) {
      message = std::string(*m);
    }
  }
  if (message.empty()) {
    std::string_view snippet = body.substr(0, 200);
    message = snippet.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, snippet);
  }
  js::object inner;
  inner["type"] = errorTypeForStatus(status);
  inner["message"] = fmt::format("{} upstream error: {}", provider, message);
  js::object o;
  o["type"] = "error";
  o["error"] = std::move(inner);
  return js::serialize(o);
}

std::string errorEvent(std::string_view type, std::string_view message) {
  js::object inner;
  inner["type"] = type;
  inner["message"] = message;
  js::object o;
  o["type"] = "error";
  o["error"] = std::move(inner);
  return sse::format("error", js::serialize(o));
}

} // namespace hd::inbound::anthropic
