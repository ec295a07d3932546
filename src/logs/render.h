#pragma once
// The Logs API's JSON shapes (Bifrost's field names): list entries, one record in full, MCP entries,
// stats, histogram buckets, filter data.

#include <boost/json.hpp>
#include <vector>

#include "logs/log_store.h"
#include "logs/query.h"
#include "logs/row.h"

namespace hd::logs {

boost::json::object entryJson(const LogRow& r);
// The entry plus input, output (+ output_raw for streams), attempts and labels.
boost::json::object detailJson(const LogRow& r);
boost::json::object mcpEntryJson(const McpRow& r);
boost::json::object statsJson(const LogStats& s);
boost::json::object mcpStatsJson(const LogStats& s);
boost::json::object filterDataJson(const FilterData& f);

// The histogram over `points` (sorted by time). Fails (naming bucket_seconds) when the range would need
// more than kMaxBuckets buckets.
Result<boost::json::object> histogramJson(const std::vector<Point>& points, const LogQuery& q);
inline constexpr std::int64_t kMaxBuckets = 10000;

} // namespace hd::logs
