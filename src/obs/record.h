#pragma once
// What the gateway observed about one request (or one MCP tool call): the single record that the request
// log, the metrics, the traces and the dashboard's live feed are all made from. It is filled while the
// request runs (entry: obs/observe; virtual key: gate; route, usage, attempts: pipeline) and published
// once, when the request has ended, to every sink (obs/hub.h).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/usage.h"

namespace hd::obs {

// W3C trace context of the request: taken from the client's `traceparent` or started here.
struct TraceContext {
  std::string trace_id;       // 32 lower-case hex digits ("" = no tracing for this request)
  std::string parent_span_id; // the client's span (16 hex digits), "" when the trace starts here
  std::string span_id;        // the gateway's span for this request
  bool sampled = true;
  std::string tracestate; // the client's `tracestate`, passed on to the upstream unchanged
};

// One upstream attempt (retries and fallbacks are attempts too).
struct AttemptRecord {
  std::string provider;
  std::string model; // as routed, without the provider prefix
  std::string deployment;
  std::string key_id;
  std::string key_name;
  std::string span_id; // this attempt's span (W3C parent of the upstream's)
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  int retry = 0;           // 0 = the first try on this target
  int fallback_index = -1; // -1 = the primary target
  unsigned status = 0;     // the upstream's HTTP status (0 = no response)
  std::string error;       // "" when it answered the client
};

struct RequestRecord {
  std::string id;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  std::string inbound; // "anthropic.messages", "anthropic.count_tokens", "openai.chat.completions", ...
  std::string method;
  std::string path;

  std::string model; // as the client asked for it
  std::string provider;
  std::string served_model; // canonical model name (pricing, logs)
  std::string deployment;
  std::string key_id;
  std::string key_name;

  std::string virtual_key_id;
  std::string virtual_key_name;
  std::string team_id;
  std::string team_name;
  std::string customer_id;
  std::string customer_name;

  int number_of_retries = 0; // attempts beyond the first
  int fallback_index = -1;
  unsigned status_code = 0; // what the client got (499: it went away first)
  std::string error;        // "" on success
  bool stream = false;
  std::string stop_reason;
  double latency_ms = 0;
  double ttft_ms = -1;              // time to the first byte of the answer (-1: none)
  std::vector<float> chunk_gaps_ms; // gaps between streamed chunks (capped), for inter-token latency

  Usage usage;
  double cost_usd = 0;
  bool priced = false; // false: the model has no price, cost is 0

  bool capture_content = false;                // client.disable_content_logging is off
  std::optional<std::string> request_content;  // the request body (secrets are never in it: auth is in headers)
  std::optional<std::string> response_content; // the answer body, or the streamed events (capped)
  std::vector<std::pair<std::string, std::string>> labels; // x-bf-prom-<name>: <value>
  TraceContext trace;
  std::vector<AttemptRecord> attempts;

  bool success() const { return status_code > 0 && status_code < 400 && error.empty(); }
};

// One tool call through the MCP gateway.
struct McpCallRecord {
  std::string id;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  std::string client; // the upstream MCP server's configured name
  std::string tool;   // the upstream's own tool name
  std::string session_id;
  std::string virtual_key_id;
  std::string virtual_key_name;
  std::string status; // "success", "error" (the tool's isError or a failure), "denied"
  std::string error;
  double latency_ms = 0;
  std::optional<std::string> arguments; // JSON, unless content logging is off
  std::optional<std::string> result;    // JSON, unless content logging is off
  TraceContext trace;
};

} // namespace hd::obs
