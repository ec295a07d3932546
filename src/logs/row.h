#pragma once
// The stored form of a request record (one row of the `logs` table) and of an MCP tool call (one row of
// `mcp_logs`), and the conversion from the observability records. Secrets never reach a row: the
// request content is the body only (credentials travel in headers), and error texts come from the
// gateway's own messages, which never quote a key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logs/parts.h"
#include "obs/record.h"

namespace hd::logs {

// `Text` is std::string for a row that owns its values (read back, the live feed), std::string_view for
// one that views them (LogRowView, what the writer inserts).
template <class Text> struct BasicLogRow {
  Text id;
  std::int64_t ts_ms = 0; // start of the request, unix milliseconds
  Text object;            // inbound API
  Text provider;
  Text model;
  Text served_model;
  Text deployment;
  Text key_id;
  Text key_name;
  Text vk_id;
  Text vk_name;
  Text team_id;
  Text team_name;
  Text customer_id;
  Text customer_name;
  int retries = 0;
  int fallback_index = -1;
  Text status; // "success" | "error"
  int status_code = 0;
  std::optional<Text> error;
  double latency_ms = 0;
  std::optional<double> ttft_ms;
  bool stream = false;
  Text stop_reason;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cache_read_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<double> cost;
  Text trace_id;
  // Detail columns (read only for GET /api/logs/{id}).
  std::optional<Text> input;      // request body (JSON text)
  std::optional<Text> output;     // response body, or the reconstructed final message of a stream
  std::optional<Text> output_raw; // the streamed events as sent
  Text attempts = "[]";           // JSON array; fields equal to the record's own are left out
  Text labels = "{}";             // JSON object
  // Set when `input` is a skeleton whose large parts are stored once in `log_parts` (logs/parts.h):
  // their keys there, in order (a JSON array). LogStore::get() joins them back; an API response never shows it.
  std::optional<Text> input_parts;
};
using LogRow = BasicLogRow<std::string>;

// The row of a record as the writer inserts it, without copying the record: views of its strings, and
// the values made for the row (attempts, labels, a rebuilt stream) kept here. Valid while the record
// lives; it views its own members, so it is neither copied nor moved.
class LogRowView {
public:
  explicit LogRowView(const obs::RequestRecord& rec);
  LogRowView(const LogRowView&) = delete;
  LogRowView& operator=(const LogRowView&) = delete;

  const BasicLogRow<std::string_view>& row() const { return row_; }
  // The parts of a split request body (row().input is then the skeleton), views of the record's body.
  const std::vector<parts::Part>& parts() const;
  // The keys under which the parts are stored (LogStore::storeParts), in their order.
  void setPartKeys(const std::vector<std::int64_t>& keys);

private:
  BasicLogRow<std::string_view> row_;
  std::optional<parts::Split> split_;
  std::string refs_;
  std::string model_;
  std::optional<std::string> output_;
  std::string attempts_;
  std::string labels_;
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
