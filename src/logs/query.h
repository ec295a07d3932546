#pragma once
// The request log's query parameters (GET /api/logs, /stats, /histogram, /api/mcp-logs) parsed from
// the URL into a filter, and the filter turned into SQL (a WHERE clause with `?` placeholders and its
// parameters, plus the ORDER BY). Every bad parameter is an invalid_request error naming it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace hd::logs {

struct LogQuery {
  std::vector<std::string> providers;
  std::vector<std::string> models;
  std::vector<std::string> statuses; // "success" | "error"
  std::vector<std::string> virtual_key_ids;
  std::vector<std::string> objects;
  std::vector<std::string> key_ids;
  std::optional<std::int64_t> start_ms; // inclusive
  std::optional<std::int64_t> end_ms;   // inclusive
  std::optional<double> min_latency;
  std::optional<double> max_latency;
  std::optional<std::int64_t> min_tokens;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> min_cost;
  std::optional<double> max_cost;
  std::string content_search;
  int limit = 50;
  int offset = 0;
  std::string sort_by = "timestamp"; // timestamp | latency | tokens | cost
  bool descending = true;
  // Histogram only.
  std::optional<std::int64_t> bucket_seconds;
  std::string group_by = "provider"; // provider | model
};

struct McpQuery {
  std::vector<std::string> tool_names;
  std::vector<std::string> client_names;
  std::vector<std::string> statuses;
  std::vector<std::string> virtual_key_ids;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::string content_search;
  int limit = 50;
  int offset = 0;
  std::string sort_by = "timestamp"; // timestamp | latency
  bool descending = true;
};

inline constexpr int kMaxLimit = 1000;

using Params = std::map<std::string, std::string>;

Result<LogQuery> parseLogQuery(const Params& params);
Result<McpQuery> parseMcpQuery(const Params& params);

// "2026-11-25T10:00:00Z", "2026-11-25T10:00:00.123+01:00" or unix seconds ("1764064800", "1764064800.5")
// -> unix milliseconds.
std::optional<std::int64_t> parseTime(std::string_view text);
// Unix milliseconds -> "2026-11-25T10:00:00.123Z".
std::string formatTime(std::int64_t unix_ms);

// A bound parameter. `std::string_view` refers to memory that outlives the statement's execution (the
// writer binds a batch's rows this way, without copying them).
using SqlValue = std::variant<std::monostate, std::string, std::string_view, std::int64_t, double>;

enum class Dialect { Sqlite, Postgres };

struct Where {
  std::string sql; // "" or " WHERE ..."
  std::vector<SqlValue> params;
};

// How the `logs` table is keyed. ById: `id` is the primary key and `ts` has an index (PostgreSQL, and
// SQLite files made before the time key). ByTime: SQLite's rowid `key` is the start time and a sequence
// number (timeKey), so time ranges and the time order come from the table itself and the writer keeps
// no index up to date.
enum class Layout { ById, ByTime };

constexpr int kKeySeqBits = 20;
// The smallest key of the millisecond `unix_ms` (clamped to 0 .. 2^42 ms, the year 2109).
constexpr std::int64_t timeKey(std::int64_t unix_ms) {
  constexpr std::int64_t kMaxMs = std::int64_t{1} << 42;
  return (unix_ms < 0 ? 0 : unix_ms > kMaxMs ? kMaxMs : unix_ms) << kKeySeqBits;
}

// Now, unix milliseconds (the clock of keys and request times).
inline std::int64_t unixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Where logWhere(const LogQuery& q, Dialect d, Layout layout = Layout::ById);
std::string logOrderBy(const LogQuery& q, Layout layout = Layout::ById);
Where mcpWhere(const McpQuery& q, Dialect d);
std::string mcpOrderBy(const McpQuery& q);

// The LIKE pattern matching `text` anywhere (with '%', '_' and '\' escaped; ESCAPE '\').
std::string likePattern(std::string_view text);

} // namespace hd::logs
