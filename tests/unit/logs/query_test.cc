#include "logs/query.h"

#include <gtest/gtest.h>

namespace hd::logs {
namespace {

TEST(LogQuery, Defaults) {
  auto q = parseLogQuery({});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 50);
  EXPECT_EQ(q->offset, 0);
  EXPECT_EQ(q->sort_by, "timestamp");
  EXPECT_TRUE(q->descending);
  auto w = logWhere(*q, Dialect::Sqlite);
  EXPECT_EQ(w.sql, "");
  EXPECT_TRUE(w.params.empty());
  EXPECT_EQ(logOrderBy(*q), " ORDER BY ts DESC, id DESC");
}

TEST(LogQuery, EveryFilterBecomesAClauseWithParameters) {
  auto q = parseLogQuery({{"providers", "azure, anthropic"},
                          {"models", "claude-sonnet-4-6"},
                          {"status", "error"},
                          {"virtual_key_ids", "vk1"},
                          {"start_time", "2026-01-01T00:00:00Z"},
                          {"end_time", "1767225600.5"},
                          {"min_latency", "1.5"},
                          {"max_latency", "100"},
                          {"min_tokens", "10"},
                          {"max_tokens", "20"},
                          {"min_cost", "0"},
                          {"max_cost", "0.5"},
                          {"content_search", "50%_off\\"},
                          {"sort_by", "cost"},
                          {"order", "asc"},
                          {"limit", "1000"},
                          {"offset", "7"}});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->providers, (std::vector<std::string>{"azure", "anthropic"}));
  EXPECT_EQ(*q->start_ms, 1767225600000);
  EXPECT_EQ(*q->end_ms, 1767225600500);
  auto w = logWhere(*q, Dialect::Sqlite);
  EXPECT_EQ(w.sql, " WHERE provider IN (?, ?) AND model IN (?) AND status IN (?) AND vk_id IN (?) AND ts >= ? AND ts "
                   "<= ? AND latency >= ? AND latency <= ? AND total_tokens >= ? AND total_tokens <= ? AND cost >= ? "
                   "AND cost <= ? AND (input LIKE ? ESCAPE '\\' OR output LIKE ? ESCAPE '\\' OR error LIKE ? ESCAPE "
                   "'\\' OR (input_parts IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(input_parts) AS j WHERE "
                   "j.value IN (SELECT key FROM log_parts WHERE body LIKE ? ESCAPE '\\'))))");
  ASSERT_EQ(w.params.size(), 17U);
  EXPECT_EQ(std::get<std::string>(w.params[16]), "%50\\%\\_off\\\\%");
  EXPECT_EQ(std::get<std::string>(w.params[0]), "azure");
  EXPECT_EQ(std::get<std::int64_t>(w.params[5]), 1767225600000);
  EXPECT_DOUBLE_EQ(std::get<double>(w.params[7]), 1.5);
  EXPECT_EQ(std::get<std::int64_t>(w.params[9]), 10);
  EXPECT_EQ(std::get<std::string>(w.params[13]), "%50\\%\\_off\\\\%");
  EXPECT_EQ(logOrderBy(*q), " ORDER BY (cost IS NULL) ASC, cost ASC, id ASC");
  auto pg = logWhere(*q, Dialect::Postgres);
  EXPECT_NE(pg.sql.find("input ILIKE ?"), std::string::npos);
  EXPECT_NE(pg.sql.find("json_array_elements_text(input_parts::json) AS j(h) WHERE j.h::bigint IN (SELECT key FROM "
                        "log_parts WHERE body ILIKE ?"),
            std::string::npos);
}

TEST(LogQuery, BadParametersAreNamed) {
  const std::vector<std::pair<std::string, std::string>> bad = {{"limit", "0"},
                                                                {"limit", "1001"},
                                                                {"limit", "x"},
                                                                {"offset", "-1"},
                                                                {"sort_by", "model"},
                                                                {"order", "down"},
                                                                {"status", "ok"},
                                                                {"start_time", "tomorrow"},
                                                                {"end_time", "2026-02-30T25:00:00Z"},
                                                                {"min_latency", "nan"},
                                                                {"max_cost", "-0.1"},
                                                                {"min_tokens", "1e3"},
                                                                {"bucket_seconds", "0"},
                                                                {"group_by", "team"},
                                                                {"min_latency", "inf"},
                                                                {"start_time", "2026-01-01T00:00:00"}};
  for (const auto& [name, value] : bad) {
    auto q = parseLogQuery({{name, value}});
    ASSERT_FALSE(q) << name << "=" << value;
    EXPECT_EQ(q.error().status, 400);
    EXPECT_NE(q.error().message.find(name), std::string::npos) << q.error().message;
  }
  auto crossed = parseLogQuery({{"min_cost", "2"}, {"max_cost", "1"}});
  ASSERT_FALSE(crossed);
  EXPECT_NE(crossed.error().message.find("max_cost"), std::string::npos);
  auto reversed = parseLogQuery({{"start_time", "2026-01-02T00:00:00Z"}, {"end_time", "2026-01-01T00:00:00Z"}});
  ASSERT_FALSE(reversed);
  EXPECT_NE(reversed.error().message.find("end_time"), std::string::npos);
}

TEST(LogQuery, TimesRoundTrip) {
  EXPECT_EQ(parseTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseTime("2026-11-25T10:00:00.123Z"), 1795600800123);
  EXPECT_EQ(parseTime("2026-11-25T11:30:00+01:30"), 1795600800000);
  EXPECT_EQ(parseTime("1795600800"), 1795600800000);
  EXPECT_FALSE(parseTime(""));
  EXPECT_FALSE(parseTime("-5"));
  EXPECT_FALSE(parseTime("2026-11-25"));
  EXPECT_FALSE(parseTime("2026-11-25T10:00:00.Z"));
  EXPECT_EQ(formatTime(1795600800123), "2026-11-25T10:00:00.123Z");
  EXPECT_EQ(formatTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatTime(951782400000), "2000-02-29T00:00:00.000Z");
  for (std::int64_t t : {0LL, 86399999LL, 951782400000LL, 4102444800000LL}) {
    EXPECT_EQ(parseTime(formatTime(t)), t);
  }
}

TEST(McpQuery, FiltersAndAliases) {
  auto q = parseMcpQuery(
      {{"tool_names", "read,write"}, {"server_labels", "fs"}, {"status", "denied"}, {"sort_by", "latency"}});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->client_names, std::vector<std::string>{"fs"});
  auto w = mcpWhere(*q, Dialect::Sqlite);
  EXPECT_EQ(w.sql, " WHERE tool IN (?, ?) AND client IN (?) AND status IN (?)");
  EXPECT_EQ(mcpOrderBy(*q), " ORDER BY latency DESC, id DESC");
  EXPECT_FALSE(parseMcpQuery({{"sort_by", "cost"}}));
  EXPECT_FALSE(parseMcpQuery({{"status", "pending"}}));
}

} // namespace
} // namespace hd::logs
