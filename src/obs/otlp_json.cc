#include "obs/otlp_json.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "core/json_write.h"
#include "obs/utf8.h"

namespace hd::obs::otlp {

namespace js = boost::json;

namespace {

std::string operationOf(std::string_view inbound) {
  if (inbound.find("count_tokens") != std::string_view::npos) {
    return "count_tokens";
  }
  if (inbound.find("embeddings") != std::string_view::npos) {
    return "embeddings";
  }
  if (inbound.find("messages") != std::string_view::npos || inbound.find("chat") != std::string_view::npos) {
    return "chat";
  }
  if (inbound.find("completions") != std::string_view::npos) {
    return "text_completion";
  }
  return std::string(inbound);
}

// Filled in place: moving a short std::string into the pair trips g++ 12's -Warray-bounds.
void put(Attributes& a, const char* key, const std::string& v) {
  if (!v.empty()) {
    auto& e = a.emplace_back();
    e.first = key;
    e.second = v;
  }
}
void put(Attributes& a, const char* key, std::int64_t v) {
  auto& e = a.emplace_back();
  e.first = key;
  e.second = v;
}

std::string errorType(unsigned status, const std::string& error) {
  if (status >= 400) {
    return std::to_string(status);
  }
  return error.empty() ? std::string() : std::string("_OTHER");
}

void usageAttributes(Attributes& a, const Usage& u) {
  put(a, "gen_ai.usage.input_tokens", static_cast<std::int64_t>(u.input_tokens));
  put(a, "gen_ai.usage.output_tokens", static_cast<std::int64_t>(u.output_tokens));
  if (u.cache_read_input_tokens > 0) {
    put(a, "gen_ai.usage.cache_read.input_tokens", static_cast<std::int64_t>(u.cache_read_input_tokens));
    put(a, "gen_ai.usage.prompt_token_details.cached_read_tokens",
        static_cast<std::int64_t>(u.cache_read_input_tokens));
  }
  if (u.cache_creation_input_tokens > 0) {
    put(a, "gen_ai.usage.cache_creation.input_tokens", static_cast<std::int64_t>(u.cache_creation_input_tokens));
    put(a, "gen_ai.usage.prompt_token_details.cached_write_tokens",
        static_cast<std::int64_t>(u.cache_creation_input_tokens));
  }
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::optional<std::string> percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt;
    }
    int hi = hexDigit(s[i + 1]);
    int lo = hexDigit(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// The body is written directly (no JSON DOM): the exporter encodes thousands of spans a second.
void str(std::string& out, std::string_view v) {
  std::string repaired;
  if (!isValidUtf8(v)) {
    repaired = toValidUtf8(v);
    v = repaired;
  }
  json::appendQuoted(out, v);
}

void attrs(std::string& out, const Attributes& a) {
  out += '[';
  bool first = true;
  for (const auto& [k, v] : a) {
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    str(out, k);
    out += ",\"value\":{";
    if (const auto* sv = std::get_if<std::string>(&v)) {
      out += "\"stringValue\":";
      str(out, *sv);
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
      out += "\"intValue\":\""; // OTLP/JSON: 64-bit integers as decimal strings
      out += std::to_string(*i);
      out += '"';
    } else if (const auto* d = std::get_if<double>(&v)) {
      out += "\"doubleValue\":";
      out += std::isfinite(*d) ? js::serialize(js::value(*d)) : std::string("0");
    } else {
      out += std::get<bool>(v) ? "\"boolValue\":true" : "\"boolValue\":false";
    }
    out += "}}";
  }
  out += ']';
}

} // namespace

std::vector<Span> requestSpans(const RequestRecord& r) {
  std::vector<Span> spans;
  if (r.trace.trace_id.empty() || r.trace.span_id.empty()) {
    return spans;
  }
  std::string op = operationOf(r.inbound);
  std::string requested = r.model;
  std::string routed = r.attempts.empty() ? std::string() : r.attempts.back().model;

  Span s;
  s.trace_id = r.trace.trace_id;
  s.span_id = r.trace.span_id;
  s.parent_span_id = r.trace.parent_span_id;
  s.name = r.method + " " + r.path;
  s.kind = SpanKind::Server;
  s.start_unix_ns = r.start_unix_ns;
  s.end_unix_ns = r.end_unix_ns;
  auto& a = s.attributes;
  put(a, "http.request.method", r.method);
  put(a, "url.path", r.path);
  put(a, "http.response.status_code", static_cast<std::int64_t>(r.status_code));
  put(a, "gen_ai.operation.name", op);
  put(a, "gen_ai.provider.name", r.provider);
  put(a, "gen_ai.request.model", requested);
  put(a, "gen_ai.response.model", routed.empty() ? r.served_model : routed);
  if (!r.stop_reason.empty()) {
    a.emplace_back("gen_ai.response.finish_reasons", r.stop_reason);
  }
  usageAttributes(a, r.usage);
  put(a, "gen_ai.usage.total_tokens", static_cast<std::int64_t>(r.usage.input_tokens + r.usage.output_tokens));
  if (r.priced) {
    a.emplace_back("gen_ai.usage.cost", r.cost_usd);
  }
  a.emplace_back("gen_ai.request.stream", r.stream);
  if (r.ttft_ms >= 0) {
    a.emplace_back("gen_ai.response.time_to_first_token", r.ttft_ms);
  }
  put(a, "gen_ai.virtual_key_id", r.virtual_key_id);
  put(a, "gen_ai.virtual_key_name", r.virtual_key_name);
  put(a, "gen_ai.team_id", r.team_id);
  put(a, "gen_ai.team_name", r.team_name);
  put(a, "gen_ai.customer_id", r.customer_id);
  put(a, "gen_ai.customer_name", r.customer_name);
  put(a, "gen_ai.selected_key_id", r.key_id);
  put(a, "gen_ai.selected_key_name", r.key_name);
  put(a, "gen_ai.number_of_retries", static_cast<std::int64_t>(r.number_of_retries));
  put(a, "gen_ai.fallback_index", static_cast<std::int64_t>(r.fallback_index));
  put(a, "heimdall.request_id", r.id);
  if (!r.success()) {
    s.status = StatusCode::Error;
    s.status_message = r.error;
    put(a, "error.type", errorType(r.status_code, r.error));
    put(a, "gen_ai.error", r.error);
  }
  spans.push_back(std::move(s));

  for (const auto& at : r.attempts) {
    if (at.span_id.empty()) {
      continue;
    }
    Span c;
    c.trace_id = r.trace.trace_id;
    c.span_id = at.span_id;
    c.parent_span_id = r.trace.span_id;
    c.name = op + " " + at.model;
    c.kind = SpanKind::Client;
    c.start_unix_ns = at.start_unix_ns;
    c.end_unix_ns = at.end_unix_ns > 0 ? at.end_unix_ns : r.end_unix_ns;
    auto& ca = c.attributes;
    put(ca, "gen_ai.operation.name", op);
    put(ca, "gen_ai.provider.name", at.provider);
    put(ca, "gen_ai.request.model", at.model);
    put(ca, "gen_ai.deployment", at.deployment);
    put(ca, "gen_ai.selected_key_id", at.key_id);
    put(ca, "gen_ai.selected_key_name", at.key_name);
    put(ca, "gen_ai.retry", static_cast<std::int64_t>(at.retry));
    put(ca, "gen_ai.fallback_index", static_cast<std::int64_t>(at.fallback_index));
    if (at.status > 0) {
      put(ca, "http.response.status_code", static_cast<std::int64_t>(at.status));
    }
    bool last = &at == &r.attempts.back();
    if (last && r.success()) {
      put(ca, "gen_ai.response.model", at.model);
      usageAttributes(ca, r.usage);
    }
    if (!at.error.empty() || at.status >= 400) {
      c.status = StatusCode::Error;
      c.status_message = at.error;
      put(ca, "error.type", errorType(at.status, at.error));
    }
    spans.push_back(std::move(c));
  }
  return spans;
}

Span mcpSpan(const McpCallRecord& c) {
  Span s;
  s.trace_id = c.trace.trace_id;
  s.span_id = c.trace.span_id;
  s.parent_span_id = c.trace.parent_span_id;
  s.name = "execute_tool " + c.tool;
  s.kind = SpanKind::Internal;
  s.start_unix_ns = c.start_unix_ns;
  s.end_unix_ns = c.end_unix_ns;
  auto& a = s.attributes;
  put(a, "gen_ai.operation.name", std::string("execute_tool"));
  put(a, "gen_ai.tool.name", c.tool);
  put(a, "gen_ai.tool.type", std::string("function"));
  put(a, "mcp.client.name", c.client);
  put(a, "mcp.session.id", c.session_id);
  put(a, "gen_ai.virtual_key_id", c.virtual_key_id);
  put(a, "gen_ai.virtual_key_name", c.virtual_key_name);
  put(a, "heimdall.mcp.status", c.status);
  put(a, "heimdall.request_id", c.id);
  if (c.status != "success") {
    s.status = StatusCode::Error;
    s.status_message = c.error;
    put(a, "error.type", c.status == "denied" ? std::string("denied") : std::string("tool_error"));
  }
  return s;
}

Attributes resourceAttributes(std::string_view service_name, std::optional<std::string_view> env) {
  Attributes out;
  out.emplace_back("service.name", std::string(service_name));
  if (!env) {
    return out;
  }
  std::string_view rest = *env;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    auto key = percentDecode(trim(item.substr(0, eq)));
    auto value = percentDecode(trim(item.substr(eq + 1)));
    if (!key || !value || key->empty() || *key == "service.name") {
      continue;
    }
    bool dup = false;
    for (const auto& [k, v] : out) {
      dup = dup || k == *key;
    }
    if (!dup) {
      out.emplace_back(std::move(*key), std::move(*value));
    }
  }
  return out;
}

std::string encodeExportRequest(const Attributes& resource, const std::vector<Span>& spans,
                                std::string_view scope_version) {
  std::string out;
  out.reserve(512 + spans.size() * 1536);
  out += "{\"resourceSpans\":[{\"resource\":{\"attributes\":";
  attrs(out, resource);
  out += "},\"scopeSpans\":[{\"scope\":{\"name\":\"heimdall\",\"version\":";
  str(out, scope_version);
  out += "},\"spans\":[";
  bool first = true;
  for (const auto& sp : spans) {
    out += first ? "{" : ",{";
    first = false;
    out += "\"traceId\":";
    str(out, sp.trace_id);
    out += ",\"spanId\":";
    str(out, sp.span_id);
    if (!sp.parent_span_id.empty()) {
      out += ",\"parentSpanId\":";
      str(out, sp.parent_span_id);
    }
    out += ",\"name\":";
    str(out, sp.name);
    out += ",\"kind\":";
    out += std::to_string(static_cast<int>(sp.kind));
    out += ",\"startTimeUnixNano\":\"";
    out += std::to_string(sp.start_unix_ns);
    out += "\",\"endTimeUnixNano\":\"";
    out += std::to_string(std::max(sp.end_unix_ns, sp.start_unix_ns));
    out += "\",\"attributes\":";
    attrs(out, sp.attributes);
    out += ",\"status\":{\"code\":";
    out += std::to_string(static_cast<int>(sp.status));
    if (!sp.status_message.empty()) {
      out += ",\"message\":";
      str(out, sp.status_message);
    }
    out += "}}";
  }
  out += "]}]}]}";
  return out;
}

} // namespace hd::obs::otlp
