#pragma once
// OTLP trace encoding: the spans of one request (a server span for the gateway request, a client span per
// upstream attempt) or one MCP tool call, and the ExportTraceServiceRequest in OTLP's JSON mapping
// (hex trace and span ids, nanosecond times as decimal strings, attributes as {key, value:{stringValue |
// intValue | doubleValue | boolValue}}). Attributes follow the OpenTelemetry GenAI semantic conventions
// plus Bifrost's gen_ai.* extensions. Written by hand: no OTLP JSON encoder is packaged in Debian 12.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "obs/record.h"

namespace hd::obs::otlp {

using AttrValue = std::variant<std::string, std::int64_t, double, bool>;
using Attributes = std::vector<std::pair<std::string, AttrValue>>;

enum class SpanKind { Internal = 1, Server = 2, Client = 3 };
enum class StatusCode { Unset = 0, Ok = 1, Error = 2 };

struct Span {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string name;
  SpanKind kind = SpanKind::Internal;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  Attributes attributes;
  StatusCode status = StatusCode::Unset;
  std::string status_message;
};

// The gateway's server span and one client span per upstream attempt.
std::vector<Span> requestSpans(const RequestRecord& r);
// One span for an MCP tool call (a child of the client's span when the call carried a traceparent).
Span mcpSpan(const McpCallRecord& c);

// Resource attributes: service.name, then OTEL_RESOURCE_ATTRIBUTES ("k=v,k2=v2", values percent-decoded;
// malformed entries are skipped). service.name from the config wins.
Attributes resourceAttributes(std::string_view service_name, std::optional<std::string_view> env_attributes);

// The body of POST /v1/traces.
std::string encodeExportRequest(const Attributes& resource, const std::vector<Span>& spans,
                                std::string_view scope_version);

} // namespace hd::obs::otlp
