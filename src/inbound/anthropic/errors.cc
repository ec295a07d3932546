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
  inner["type"] = err.status == 413   ? std::string_view("request_too_large")
                  : err.status == 402 ? std::string_view("billing_error")
                                      : http::errorTypeName(err.kind);
  inner["message"] = err.message;
  js::object o;
  o["type"] = "error";
  o["error"] = std::move(inner);
  return js::serialize(o);
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
