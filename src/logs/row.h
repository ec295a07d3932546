#pragma once
// The stored form of a request record (one row of the `logs` table) and of an MCP tool call (one row of
// `mcp_logs`), and the conversion from the observability records. Secrets never reach a row: the
// request content is the body only (credentials travel in headers), and error texts come from the
// gateway's own messages, which never quote a key.

#include <cstdint>
#include <optional>
#include <string>

#include "obs/record.h"

namespace hd::logs {

struct LogRow {
  std::string id;
  std::int64_t ts_ms = 0; // start of the request, unix milliseconds
  std::string object;     // inbound API
  std::string provider;
  std::string model;
  std::string served_model;
  std::string deployment;
  std::string key_id;
  std::string key_name;
  std::string vk_id;
  std::string vk_name;
  std::string team_id;
  std::string team_name;
  std::string customer_id;
  std::string customer_name;
  int retries = 0;
  int fallback_index = -1;
  std::string status; // "success" | "error"
  int status_code = 0;
  std::optional<std::string> error;
  double latency_ms = 0;
  std::optional<double> ttft_ms;
  bool stream = false;
  std::string stop_reason;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cache_read_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<double> cost;
  std::string trace_id;
  // Detail columns (read only for GET /api/logs/{id}).
  std::optional<std::string> input;      // request body (JSON text)
  std::optional<std::string> output;     // response body, or the reconstructed final message of a stream
  std::optional<std::string> output_raw; // the streamed events as sent
  std::string attempts = "[]";           // JSON array
  std::string labels = "{}";             // JSON object
};

struct McpRow {
  std::string id;
  std::int64_t ts_ms = 0;
  std::string client;
  std::string tool;
  std::string session_id;
  std::string vk_id;
  std::string vk_name;
  std::string status;
  std::optional<std::string> error;
  double latency_ms = 0;
  std::optional<std::string> arguments;
  std::optional<std::string> result;
  std::string trace_id;
};

// `content`: include the request and response content (when captured); the live feed leaves it out.
LogRow toRow(const obs::RequestRecord& rec, bool content = true);
McpRow toRow(const obs::McpCallRecord& rec);

} // namespace hd::logs
