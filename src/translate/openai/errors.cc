#include "translate/openai/errors.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cctype>
#include <optional>

#include "core/json_util.h"
#include "translate/openai/util.h"

namespace hd::translate::openai {

namespace js = boost::json;

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The first run of digits after `marker` in `text` (commas allowed as thousands separators).
std::optional<std::int64_t> numberAfter(std::string_view text, std::string_view marker) {
  std::size_t at = text.find(marker);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::size_t i = at + marker.size();
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
    if (i - at - marker.size() > 8) {
      return std::nullopt;
    }
    ++i;
  }
  std::int64_t n = 0;
  bool any = false;
  for (; i < text.size() && n < (std::int64_t{1} << 50); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      n = n * 10 + (c - '0');
      any = true;
    } else if (c != ',') {
      break;
    }
  }
  return any ? std::optional<std::int64_t>(n) : std::nullopt;
}

bool isContextOverflow(std::string_view code, std::string_view message) {
  return code == "context_length_exceeded" || contains(message, "maximum context length") ||
         contains(message, "exceeds the context window");
}

// Anthropic clients look for "prompt is too long" to trigger compaction.
std::string contextOverflowMessage(std::string_view message) {
  auto limit = numberAfter(message, "maximum context length is");
  auto used = numberAfter(message, "resulted in");
  if (!used) {
    used = numberAfter(message, "you requested");
  }
  if (limit && used) {
    return fmt::format("prompt is too long: {} tokens > {} maximum (upstream: {})", *used, *limit, message);
  }
  return fmt::format("prompt is too long (upstream: {})", message);
}

std::string typeFromBody(std::string_view type, std::string_view code) {
  auto is = [&](std::string_view v) { return type == v || code == v; };
  if (is("context_length_exceeded") || is("content_filter") || is("invalid_request_error") || is("invalid_prompt") ||
      is("string_above_max_length")) {
    return "invalid_request_error";
  }
  if (is("authentication_error") || is("invalid_api_key") || is("401")) {
    return "authentication_error";
  }
  if (is("permission_error") || is("insufficient_permissions") || is("403")) {
    return "permission_error";
  }
  if (is("not_found_error") || is("model_not_found") || is("DeploymentNotFound") || is("404")) {
    return "not_found_error";
  }
  if (is("insufficient_quota")) {
    return "billing_error";
  }
  if (is("rate_limit_exceeded") || is("rate_limit_error") || is("tokens") || is("requests") || is("429")) {
    return "rate_limit_error";
  }
  if (is("overloaded") || is("server_overloaded") || is("overloaded_error") || is("503")) {
    return "overloaded_error";
  }
  if (is("timeout") || is("timeout_error")) {
    return "timeout_error";
  }
  return "api_error";
}

} // namespace

std::string errorTypeForOpenAIStatus(int status) {
  return std::string(errorTypeForStatus(static_cast<unsigned>(std::max(status, 0))));
}

MappedError mapOpenAIErrorValue(int status, const js::value& error) {
  std::string_view message;
  std::string_view type;
  std::string code;
  if (error.is_object()) {
    const auto& e = error.get_object();
    if (const auto* m = e.if_contains("message")) {
      message = detail::asStringView(*m);
    }
    if (const auto* t = e.if_contains("type")) {
      type = detail::asStringView(*t);
    }
    if (const auto* c = e.if_contains("code")) {
      if (c->is_string()) {
        code = std::string(detail::asStringView(*c));
      } else if (auto n = detail::asInt(*c)) {
        code = std::to_string(*n);
      }
    }
  } else if (error.is_string()) {
    message = detail::asStringView(error);
  }
  MappedError out;
  out.type = status > 0 ? errorTypeForOpenAIStatus(status) : typeFromBody(type, code);
  if (isContextOverflow(code, message)) {
    out.type = "invalid_request_error";
    out.message = contextOverflowMessage(message);
    return out;
  }
  if (message.empty()) {
    out.message = code.empty() ? std::string("upstream error without a message") : "upstream error " + code;
  } else if (!code.empty() && !contains(message, code)) {
    out.message = fmt::format("{} ({})", message, code);
  } else {
    out.message = std::string(message);
  }
  return out;
}

MappedError mapOpenAIError(int status, std::string_view body) {
  auto parsed = json::parse(body);
  if (parsed && parsed->is_object()) {
    const auto& o = parsed->get_object();
    if (const auto* err = o.if_contains("error"); err != nullptr && (err->is_object() || err->is_string())) {
      return mapOpenAIErrorValue(status, *err);
    }
    if (const auto* m = o.if_contains("message"); m != nullptr && m->is_string()) {
      return mapOpenAIErrorValue(status, *m);
    }
  }
  MappedError out;
  out.type = errorTypeForOpenAIStatus(status);
  std::string_view snippet = body.substr(0, 200);
  out.message = snippet.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, snippet);
  return out;
}

std::string openAIErrorBody(std::string_view anthropic_type, std::string_view message) {
  std::string_view type = anthropic_type;
  js::value code = nullptr;
  if (anthropic_type == "api_error" || anthropic_type == "overloaded_error" || anthropic_type == "timeout_error") {
    type = "server_error";
  }
  if (anthropic_type == "overloaded_error") {
    code = "overloaded";
  } else if (anthropic_type == "rate_limit_error") {
    code = "rate_limit_exceeded";
  } else if (anthropic_type == "request_too_large") {
    type = "invalid_request_error";
    code = "request_too_large";
  } else if (anthropic_type == "billing_error") {
    type = "insufficient_quota";
    code = "insufficient_quota";
  }
  js::object inner;
  inner["message"] = message;
  inner["type"] = type;
  inner["param"] = nullptr;
  inner["code"] = std::move(code);
  js::object o;
  o["error"] = std::move(inner);
  return js::serialize(o);
}

std::string openAIErrorBody(const Error& err) {
  if (err.status == 402) {
    return openAIErrorBody("billing_error", err.message);
  }
  std::string_view type = "api_error";
  switch (err.kind) {
  case ErrorKind::InvalidRequest:
    type = "invalid_request_error";
    break;
  case ErrorKind::Authentication:
    type = "authentication_error";
    break;
  case ErrorKind::Permission:
    type = "permission_error";
    break;
  case ErrorKind::NotFound:
    type = "not_found_error";
    break;
  case ErrorKind::RequestTooLarge:
    type = "request_too_large";
    break;
  case ErrorKind::RateLimit:
    type = "rate_limit_error";
    break;
  case ErrorKind::Timeout:
    type = "timeout_error";
    break;
  case ErrorKind::Overloaded:
    type = "overloaded_error";
    break;
  case ErrorKind::Api:
  case ErrorKind::BadGateway:
    break;
  }
  return openAIErrorBody(type, err.message);
}

} // namespace hd::translate::openai
