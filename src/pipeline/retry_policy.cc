#include "pipeline/retry_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

#include "core/json_util.h"

namespace hd::pipeline {

namespace js = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kMaxScannedText = 4096;
constexpr milliseconds kMaxHint{24 * 3600 * 1000};

std::string lower(std::string_view s) {
  std::string out(s.substr(0, kMaxScannedText));
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool textSignalsRetry(std::string_view text) {
  static constexpr std::array kPatterns = {"rate limit",        "rate_limit",         "ratelimit", "too many requests",
                                           "too_many_requests", "quota exceeded",     "throttl",   "overloaded",
                                           "tokens per minute", "requests per minute"};
  std::string l = lower(text);
  return std::any_of(kPatterns.begin(), kPatterns.end(), [&](const char* p) { return l.find(p) != std::string::npos; });
}

// Status an error type or code stands for (Anthropic's and OpenAI's vocabularies); 0 when unknown.
unsigned statusForErrorType(std::string_view t) {
  std::string l = lower(t);
  if (l == "overloaded_error" || l == "overloaded") {
    return 529;
  }
  if (l == "server_overloaded" || l == "service_unavailable" || l == "serviceunavailable") {
    return 503;
  }
  if (l == "rate_limit_error" || l == "rate_limit_exceeded" || l == "ratelimitexceeded" || l == "too_many_requests" ||
      l == "429") {
    return 429;
  }
  if (l == "api_error" || l == "server_error" || l == "internal_error" || l == "internalservererror") {
    return 500;
  }
  if (l == "timeout_error" || l == "timeout") {
    return 504;
  }
  if (l == "invalid_request_error" || l == "bad_request") {
    return 400;
  }
  if (l == "authentication_error" || l == "invalid_api_key") {
    return 401;
  }
  if (l == "permission_error" || l == "billing_error") {
    return 403;
  }
  if (l == "not_found_error" || l == "deploymentnotfound") {
    return 404;
  }
  if (l == "request_too_large") {
    return 413;
  }
  return 0;
}

struct ErrorInfo {
  bool is_error = false;
  unsigned status = 0;
  bool signals_retry = false;
};

// Reads {"type":"error","error":{...}} (Anthropic) or {"error":{...}} / {"error":"text"} (OpenAI, Azure).
ErrorInfo readErrorObject(const js::object& o) {
  ErrorInfo info;
  const auto* err = o.if_contains("error");
  auto type = json::getString(o, "type");
  if (err == nullptr && !(type && *type == "error")) {
    return info;
  }
  info.is_error = true;
  std::string text;
  if (err != nullptr && err->is_object()) {
    const auto& e = err->get_object();
    for (const char* f : {"type", "code"}) {
      if (auto v = json::getString(e, f)) {
        text += std::string(*v) + " ";
        if (info.status == 0) {
          info.status = statusForErrorType(*v);
        }
      } else if (const auto* n = e.if_contains(f); n != nullptr && n->is_int64() && info.status == 0) {
        auto code = n->get_int64();
        info.status = code >= 400 && code < 600 ? static_cast<unsigned>(code) : 0;
      }
    }
    if (auto m = json::getString(e, "message")) {
      text += *m;
    }
  } else if (err != nullptr && err->is_string()) {
    text = std::string(err->get_string());
  }
  info.signals_retry = textSignalsRetry(text);
  if (info.status == 0) {
    info.status = info.signals_retry ? 429 : 500;
  }
  return info;
}

bool hasTextDelta(const js::object& chunk) {
  const auto* choices = chunk.if_contains("choices");
  if (choices == nullptr || !choices->is_array()) {
    return true; // not a chat chunk: let the client see it
  }
  for (const auto& c : choices->get_array()) {
    if (!c.is_object()) {
      return true;
    }
    const auto& co = c.get_object();
    if (const auto* f = co.if_contains("finish_reason"); f != nullptr && !f->is_null()) {
      return true;
    }
    const auto* d = co.if_contains("delta");
    if (d == nullptr || !d->is_object()) {
      continue;
    }
    for (const auto& kv : d->get_object()) {
      if (kv.key() == "role") {
        continue;
      }
      const auto& v = kv.value();
      if (v.is_null() || (v.is_string() && v.get_string().empty()) || (v.is_array() && v.get_array().empty())) {
        continue;
      }
      return true;
    }
  }
  return false;
}

} // namespace

bool isRetryableStatus(unsigned status) {
  switch (status) {
  case 408:
  case 429:
  case 500:
  case 502:
  case 503:
  case 504:
  case 529:
    return true;
  default:
    return false;
  }
}

bool bodySignalsRetry(std::string_view body) {
  auto doc = json::parse(body);
  if (doc && doc->is_object()) {
    return readErrorObject(doc->get_object()).signals_retry;
  }
  return textSignalsRetry(body);
}

std::optional<milliseconds> parseRetryAfter(std::string_view retry_after_ms, std::string_view retry_after,
                                            std::chrono::system_clock::time_point now) {
  auto number = [](std::string_view s) -> std::optional<double> {
    while (!s.empty() && s.front() == ' ') {
      s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
      s.remove_suffix(1);
    }
    if (s.empty() || s.size() > 32) {
      return std::nullopt;
    }
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v) || v < 0) {
      return std::nullopt;
    }
    return v;
  };
  auto clamp = [](double ms) {
    return std::min(milliseconds(static_cast<std::int64_t>(std::ceil(std::min(ms, 1e12)))), kMaxHint);
  };
  if (auto v = number(retry_after_ms)) {
    return clamp(*v);
  }
  if (auto v = number(retry_after)) {
    return clamp(*v * 1000.0);
  }
  if (retry_after.size() < 20 || retry_after.size() > 40) {
    return std::nullopt;
  }
  // An HTTP date (IMF-fixdate): "Wed, 21 Oct 2015 07:28:00 GMT".
  std::string s(retry_after);
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  // Compared in seconds: a date centuries away would overflow system_clock's nanoseconds.
  std::time_t at = timegm(&tm);
  std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::int64_t diff_s = static_cast<std::int64_t>(at) - now_s;
  if (diff_s <= 0) {
    return milliseconds(0);
  }
  if (diff_s >= std::chrono::duration_cast<std::chrono::seconds>(kMaxHint).count()) {
    return kMaxHint;
  }
  auto diff = std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::from_time_t(at) - now);
  return std::clamp(diff, milliseconds(0), kMaxHint);
}

milliseconds backoffDelay(const Backoff& b, int retry, double unit_random, std::optional<milliseconds> server_hint) {
  if (server_hint && *server_hint <= b.max) {
    return *server_hint;
  }
  double base = static_cast<double>(b.initial.count()) * std::pow(2.0, std::clamp(retry, 0, 30));
  base = std::min(base, static_cast<double>(b.max.count()));
  double jitter = 0.8 + 0.4 * std::clamp(unit_random, 0.0, 1.0);
  return milliseconds(static_cast<std::int64_t>(base * jitter));
}

EventVerdict classifyStreamEvent(std::string_view type, std::string_view data) {
  EventVerdict v;
  if (type == "ping" || type == "message_start") {
    v.cls = EventClass::Preamble;
    return v;
  }
  if (data == "[DONE]") {
    v.cls = EventClass::Content;
    return v;
  }
  auto doc = json::parse(data);
  if (!doc || !doc->is_object()) {
    if (type == "error") {
      v.cls = EventClass::Error;
      v.status = textSignalsRetry(data) ? 429 : 500;
      v.retryable = true;
      v.error_body = std::string(data);
      return v;
    }
    v.cls = EventClass::Malformed;
    v.retryable = true;
    return v;
  }
  const auto& o = doc->get_object();
  auto info = readErrorObject(o);
  if (info.is_error || type == "error") {
    v.cls = EventClass::Error;
    v.status = info.status == 0 ? 500 : info.status;
    v.retryable = isRetryableStatus(v.status) || info.signals_retry;
    v.error_body = std::string(data);
    return v;
  }
  auto t = json::getString(o, "type");
  if (t && (*t == "message_start" || *t == "ping")) {
    v.cls = EventClass::Preamble;
    return v;
  }
  if (!t && !hasTextDelta(o)) {
    v.cls = EventClass::Preamble;
    return v;
  }
  v.cls = EventClass::Content;
  return v;
}

std::optional<unsigned> errorInSuccessBody(std::string_view body) {
  // Cheap pre-check: an answer without the word "error" near its start needs no parse.
  if (body.substr(0, 256).find("\"error\"") == std::string_view::npos) {
    return std::nullopt;
  }
  auto doc = json::parse(body);
  if (!doc || !doc->is_object()) {
    return std::nullopt;
  }
  const auto& o = doc->get_object();
  if (o.contains("choices") || o.contains("content")) {
    return std::nullopt;
  }
  auto info = readErrorObject(o);
  if (!info.is_error) {
    return std::nullopt;
  }
  return info.status;
}

} // namespace hd::pipeline
