#include "logs/log_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include <sqlite3.h>

#include "logs/render.h"
#include "obs/ids.h"
#include "test_dir.h"

namespace hd::logs {
namespace {

class LogStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = freshTestDir("heimdall-logstore-");
    auto db = openSqliteDb((dir_ / "logs.db").string());
    ASSERT_TRUE(db) << db.error().message;
    auto s = LogStore::open(std::move(db.value()));
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(s.value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static LogRow row(const std::string& id, std::int64_t ts, const std::string& provider, double latency,
                    std::int64_t tokens, std::optional<double> cost, bool ok = true) {
    LogRow r;
    r.id = id;
    r.ts_ms = ts;
    r.object = "anthropic.messages";
    r.provider = provider;
    r.model = provider == "azure" ? "claude-sonnet-4-6" : "gpt-4o";
    r.status = ok ? "success" : "error";
    r.status_code = ok ? 200 : 500;
    if (!ok) {
      r.error = "upstream failed";
    }
    r.latency_ms = latency;
    r.prompt_tokens = tokens;
    r.total_tokens = tokens;
    r.cost = cost;
    r.input = R"({"messages":[{"role":"user","content":"find )" + id + R"("}]})";
    return r;
  }

  std::filesystem::path dir_;
  std::unique_ptr<LogStore> store_;
};

TEST_F(LogStoreTest, FiltersSortsAndPages) {
  std::vector<LogRow> rows = {row("a", 1000, "azure", 10, 100, 0.1), row("b", 2000, "azure", 30, 300, std::nullopt),
                              row("c", 3000, "openai", 20, 200, 0.2), row("d", 4000, "azure", 40, 400, 0.4, false)};
  ASSERT_TRUE(store_->insert(rows, {}));

  auto all = store_->list(*parseLogQuery({}));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 4);
  ASSERT_EQ(all->rows.size(), 4U);
  EXPECT_EQ(all->rows[0].id, "d");
  EXPECT_FALSE(all->rows[0].input) << "list rows carry no content";

  auto page = store_->list(*parseLogQuery(
      {{"providers", "azure"}, {"sort_by", "tokens"}, {"order", "asc"}, {"limit", "1"}, {"offset", "1"}}));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->rows.size(), 1U);
  EXPECT_EQ(page->rows[0].id, "b");

  auto by_cost = store_->list(*parseLogQuery({{"sort_by", "cost"}, {"order", "asc"}}));
  ASSERT_TRUE(by_cost);
  std::vector<std::string> ids;
  for (const auto& r : by_cost->rows) {
    ids.push_back(r.id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c", "d", "b"}));

  auto search = store_->list(*parseLogQuery({{"content_search", "FIND c"}}));
  ASSERT_TRUE(search);
  ASSERT_EQ(search->rows.size(), 1U);
  EXPECT_EQ(search->rows[0].id, "c");

  auto range = store_->list(*parseLogQuery({{"start_time", "2"}, {"end_time", "3"}, {"min_latency", "25"}}));
  ASSERT_TRUE(range);
  ASSERT_EQ(range->rows.size(), 1U);
  EXPECT_EQ(range->rows[0].id, "b");

  auto one = store_->get("c");
  ASSERT_TRUE(one);
  ASSERT_TRUE(*one);
  EXPECT_EQ((*one)->input, rows[2].input);
  EXPECT_EQ((*one)->cost, 0.2);
  auto none = store_->get("zzz");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(LogStoreTest, StatsPercentilesHistogramAndDeletes) {
  std::vector<LogRow> rows;
  for (int i = 1; i <= 100; ++i) {
    rows.push_back(
        row("r" + std::to_string(i), 60000LL * (i % 3), i % 2 == 0 ? "azure" : "openai", i, i, 0.01, i != 7));
  }
  ASSERT_TRUE(store_->insert(rows, {}));
  auto s = store_->stats(*parseLogQuery({}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->total, 100);
  EXPECT_EQ(s->errors, 1);
  EXPECT_DOUBLE_EQ(s->average_latency, 50.5);
  EXPECT_DOUBLE_EQ(s->p50_latency, 50);
  EXPECT_DOUBLE_EQ(s->p95_latency, 95);
  EXPECT_DOUBLE_EQ(s->p99_latency, 99);
  EXPECT_EQ(s->total_tokens, 5050);
  EXPECT_NEAR(s->cost, 1.0, 1e-9);

  auto points = store_->points(*parseLogQuery({{"providers", "azure"}}));
  ASSERT_TRUE(points);
  EXPECT_EQ(points->size(), 50U);
  auto q = *parseLogQuery({{"bucket_seconds", "60"}, {"group_by", "provider"}});
  auto all_points = store_->points(q);
  ASSERT_TRUE(all_points);
  auto h = histogramJson(*all_points, q);
  ASSERT_TRUE(h);
  const auto& buckets = h->at("buckets").as_array();
  ASSERT_EQ(buckets.size(), 3U);
  std::int64_t total = 0;
  for (const auto& b : buckets) {
    total += b.at("requests").as_int64();
  }
  EXPECT_EQ(total, 100);
  EXPECT_EQ(buckets[0].at("timestamp").as_string(), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(buckets[1].at("timestamp").as_string(), "1970-01-01T00:01:00.000Z");

  auto fd = store_->filterData();
  ASSERT_TRUE(fd);
  EXPECT_EQ(fd->providers, (std::vector<std::string>{"azure", "openai"}));

  auto removed = store_->removeOlderThan(60000);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 33); // the ones at ts 0 (i % 3 == 0)
  auto some = store_->remove({"r1", "r2", "nope"});
  ASSERT_TRUE(some);
  EXPECT_EQ(*some, 2);
  auto rest = store_->remove({});
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, 65);
}

TEST_F(LogStoreTest, McpCalls) {
  McpRow m;
  m.id = "m1";
  m.ts_ms = 5;
  m.client = "fs";
  m.tool = "read_file";
  m.status = "success";
  m.latency_ms = 3;
  m.arguments = R"({"path":"/tmp/x"})";
  McpRow d = m;
  d.id = "m2";
  d.status = "denied";
  d.tool = "write_file";
  ASSERT_TRUE(store_->insert(std::vector<LogRow>{}, {m, d}));
  auto page = store_->listMcp(*parseMcpQuery({{"tool_names", "read_file"}}));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->rows.size(), 1U);
  EXPECT_EQ(page->rows[0].arguments, m.arguments);
  auto s = store_->mcpStats(*parseMcpQuery({}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->total, 2);
  EXPECT_EQ(s->success, 1);
  auto n = store_->removeMcp({});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
}

// The `logs` table as versions before the time key made it (id primary key, an index on ts), with an
// index per filter column as still older ones added.
constexpr const char* kByIdLogs =
    "CREATE TABLE logs (id TEXT NOT NULL PRIMARY KEY, ts INTEGER NOT NULL, object TEXT NOT NULL, provider TEXT NOT "
    "NULL, model TEXT NOT NULL, served_model TEXT NOT NULL, deployment TEXT NOT NULL, key_id TEXT NOT NULL, key_name "
    "TEXT NOT NULL, vk_id TEXT NOT NULL, vk_name TEXT NOT NULL, team_id TEXT NOT NULL, team_name TEXT NOT NULL, "
    "customer_id TEXT NOT NULL, customer_name TEXT NOT NULL, retries INTEGER NOT NULL, fallback_index INTEGER NOT "
    "NULL, status TEXT NOT NULL, status_code INTEGER NOT NULL, error TEXT, latency REAL NOT NULL, ttft REAL, stream "
    "INTEGER NOT NULL, stop_reason TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT "
    "NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, total_tokens INTEGER NOT NULL, "
    "cost REAL, trace_id TEXT NOT NULL, input TEXT, output TEXT, output_raw TEXT, attempts TEXT NOT NULL, labels "
    "TEXT NOT NULL);"
    "CREATE INDEX idx_logs_ts ON logs (ts); CREATE INDEX idx_logs_provider_ts ON logs (provider, ts);"
    "CREATE INDEX idx_logs_latency ON logs (latency); CREATE INDEX idx_logs_vk_id_ts ON logs (vk_id, ts);"
    "INSERT INTO logs VALUES ('old', 1000, 'anthropic.messages', 'azure', 'm', 'm', 'd', 'k', 'k', '', '', '', '', "
    "'', '', 0, -1, 'success', 200, NULL, 10, NULL, 0, 'end_turn', 1, 2, 0, 0, 3, 0.1, 't', NULL, NULL, NULL, "
    "'[]', '{}');";

std::vector<std::string> sqliteNames(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::vector<std::string> names;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (sqlite3_step(st) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return names;
}

void sqliteExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

constexpr const char* kIndexNames =
    "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name";

// A new file is keyed by time: no index on the logs (the table's key is the time), rows found by the
// time in their request id, time ranges and retention taken from the key.
TEST_F(LogStoreTest, ANewLogIsKeyedByTime) {
  auto path = (dir_ / "logs.db").string();
  EXPECT_EQ(sqliteNames(path, kIndexNames), (std::vector<std::string>{"idx_mcp_logs_ts"}));
  constexpr std::int64_t kT0 = 1796608342699;
  std::vector<LogRow> rows;
  for (int i = 0; i < 40; ++i) {
    std::int64_t ns = (kT0 + i / 4) * 1000000 + i;
    rows.push_back(row(obs::formatRequestId(ns, static_cast<std::uint64_t>(i)), kT0 + i / 4, "azure", i, i, 0.1));
  }
  rows.push_back(row("not-a-request-id", kT0 + 20, "openai", 99, 1, 0.1));
  ASSERT_TRUE(store_->insert(rows, {}));
  EXPECT_EQ(obs::requestIdTimeMs(rows[13].id), kT0 + 3);

  auto keys = sqliteNames(path, "SELECT key || ' ' || ts FROM logs ORDER BY key");
  ASSERT_EQ(keys.size(), 41U);
  for (const auto& k : keys) {
    auto sp = k.find(' ');
    auto key = std::stoll(k.substr(0, sp));
    EXPECT_EQ(key >> kKeySeqBits, std::stoll(k.substr(sp + 1))) << "the key's high bits are the row's time";
  }

  for (const auto* id : {&rows[13].id, &rows[40].id}) {
    auto got = store_->get(*id);
    ASSERT_TRUE(got && *got) << *id;
    EXPECT_EQ((*got)->id, *id);
  }
  auto none = store_->get(obs::formatRequestId(kT0 * 1000000, 999));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  auto newest = store_->list(*parseLogQuery({{"limit", "1"}}));
  ASSERT_TRUE(newest && newest->rows.size() == 1U);
  EXPECT_EQ(newest->rows[0].id, "not-a-request-id");
  auto q = *parseLogQuery({});
  q.start_ms = kT0 + 2;
  q.end_ms = kT0 + 3;
  q.descending = false;
  auto in_range = store_->list(q);
  ASSERT_TRUE(in_range);
  EXPECT_EQ(in_range->total, 8);
  ASSERT_EQ(in_range->rows.size(), 8U);
  EXPECT_EQ(in_range->rows.front().id, rows[8].id);
  EXPECT_EQ(in_range->rows.back().id, rows[15].id);
  auto stats = store_->stats(q);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->total, 8);

  auto removed = store_->remove({rows[0].id, rows[40].id, "missing", obs::formatRequestId(kT0 * 1000000, 77)});
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2);
  auto old = store_->removeOlderThan(kT0 + 5);
  ASSERT_TRUE(old);
  EXPECT_EQ(*old, 19); // rows 1..19 (row 0 is gone)
  auto left = store_->list(*parseLogQuery({}));
  ASSERT_TRUE(left);
  EXPECT_EQ(left->total, 20);
}

// A key is taken when the sequence comes round within one millisecond or another process writes the
// same file: the row gets the next free key of its millisecond, nothing is lost.
TEST_F(LogStoreTest, ATakenKeyIsNotALostRow) {
  auto path = (dir_ / "logs.db").string();
  constexpr std::int64_t kT0 = 1796608342699;
  ASSERT_TRUE(store_->insert({row(obs::formatRequestId(kT0 * 1000000, 1), kT0, "azure", 1, 1, 0.1)}, {}));
  auto first = sqliteNames(path, "SELECT key FROM logs");
  ASSERT_EQ(first.size(), 1U);
  auto next = std::stoll(first[0]) + 1;
  std::string taken;
  for (int i = 0; i < 6; ++i) { // the next six keys, as another writer would have stored them
    taken += fmt::format("INSERT INTO logs (key, id, ts, object, provider, model, served_model, deployment, key_id, "
                         "key_name, vk_id, vk_name, team_id, team_name, customer_id, customer_name, retries, "
                         "fallback_index, status, status_code, latency, stream, stop_reason, prompt_tokens, "
                         "completion_tokens, cache_read_tokens, cache_write_tokens, total_tokens, trace_id, attempts, "
                         "labels) VALUES ({}, 'other-{}', {}, '', '', '', '', '', '', '', '', '', '', '', '', '', 0, "
                         "-1, 'success', 200, 1, 0, '', 0, 0, 0, 0, 0, '', '[]', '{{}}');",
                         next + i, i, kT0);
  }
  sqliteExec(path, taken);
  std::vector<LogRow> rows;
  for (int i = 0; i < 33; ++i) { // a statement of 32 rows, then one alone
    rows.push_back(row(obs::formatRequestId(kT0 * 1000000 + 10 + i, 10 + i), kT0, "azure", i, i, 0.1));
  }
  ASSERT_TRUE(store_->insert(rows, {}));
  auto all = store_->list(*parseLogQuery({{"limit", "1000"}}));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 1 + 6 + 33);
  for (const auto& r : rows) {
    auto got = store_->get(r.id);
    ASSERT_TRUE(got && *got) << r.id;
  }
}

// A log written by an older version keeps its layout (id primary key, the ts index): its rows, reads,
// duplicate skipping and retention work as before; the per-column indexes of still older versions are
// dropped (each insert then updates the table, its key and `ts`).
TEST_F(LogStoreTest, AnOlderLogKeepsItsLayout) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  auto path = (dir_ / "logs.db").string();
  sqliteExec(path, kByIdLogs);
  auto reopened = openSqliteDb(path);
  ASSERT_TRUE(reopened);
  auto s = LogStore::open(std::move(reopened.value()));
  ASSERT_TRUE(s) << s.error().message;
  store_ = std::move(s.value());
  EXPECT_EQ(sqliteNames(path, kIndexNames), (std::vector<std::string>{"idx_logs_ts", "idx_mcp_logs_ts"}));

  std::vector<LogRow> rows = {row("a", 2000, "azure", 10, 100, 0.1), row("b", 3000, "openai", 20, 200, 0.2)};
  ASSERT_TRUE(store_->insert(rows, {}));
  ASSERT_TRUE(store_->insert({rows[0]}, {})) << "a duplicate id is skipped";
  auto page = store_->list(*parseLogQuery({}));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->rows.size(), 3U);
  EXPECT_EQ(page->rows[0].id, "b");
  EXPECT_EQ(page->rows[2].id, "old");
  auto got = store_->get("a");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->input, rows[0].input);
  auto range = store_->list(*parseLogQuery({{"start_time", "2"}, {"end_time", "2.5"}}));
  ASSERT_TRUE(range);
  ASSERT_EQ(range->rows.size(), 1U);
  EXPECT_EQ(range->rows[0].id, "a");
  auto removed = store_->removeOlderThan(2500);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2);
  auto gone = store_->remove({"b"});
  ASSERT_TRUE(gone);
  EXPECT_EQ(*gone, 1);
}

// The writer inserts views of the records (LogRowView); what it stores reads back as the record's row.
TEST_F(LogStoreTest, TheWritersViewOfARecordStoresItsRow) {
  obs::RequestRecord rec;
  rec.id = "req-view";
  rec.start_unix_ns = 1796608342699000000;
  rec.inbound = "anthropic.messages";
  rec.provider = "azure";
  rec.served_model = "claude-sonnet-4-6";
  rec.deployment = "dep-1";
  rec.key_id = "azure-k1";
  rec.key_name = "k1";
  rec.virtual_key_id = "vk-1";
  rec.virtual_key_name = "team-a";
  rec.status_code = 502;
  rec.error = "upstream stream cut";
  rec.stream = true;
  rec.latency_ms = 12.5;
  rec.ttft_ms = 3.25;
  rec.usage.input_tokens = 8;
  rec.usage.output_tokens = 2;
  rec.cost_usd = 0.001;
  rec.priced = true;
  rec.trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  rec.labels = {{"team", "core"}, {"env", "dev"}};
  rec.capture_content = true;
  // No model in the record (refused before routing): it comes from the body.
  rec.request_content = R"({"model":"azure/claude-sonnet-4-6","stream":true,"messages":[]})";
  rec.response_content =
      "event: message_start\ndata: "
      R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":8}}})"
      "\n\nevent: content_block_start\ndata: "
      R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"
      "\n\nevent: content_block_delta\ndata: "
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})"
      "\n\n";
  obs::AttemptRecord a;
  a.provider = "azure";
  a.model = "claude-sonnet-4-6";
  a.status = 200;
  a.start_unix_ns = rec.start_unix_ns + 1000000;
  a.end_unix_ns = rec.start_unix_ns + 11000000;
  rec.attempts.push_back(a);

  std::deque<LogRowView> views;
  views.emplace_back(rec);
  ASSERT_TRUE(store_->insert(views, {}));
  auto got = store_->get("req-view");
  ASSERT_TRUE(got && *got);
  auto expected = toRow(rec);
  EXPECT_EQ(expected.model, "azure/claude-sonnet-4-6");
  ASSERT_TRUE(expected.output && expected.output_raw); // rebuilt, and the raw events kept: it failed
  EXPECT_EQ(detailJson(**got), detailJson(expected));
}

// Shared parts (logs/parts.h): a conversation whose turns repeat the tools and every earlier message
// stores each of them once, reads every turn back whole, and finds a turn by text that is only in a part.
TEST_F(LogStoreTest, AConversationsRepeatedPartsAreStoredOnce) {
  const std::string tools = R"([{"name":"Read","description":")" + std::string(3000, 't') + R"( ToolsOnlyWord"}])";
  std::vector<std::string> messages;
  for (int m = 0; m < 4; ++m) {
    messages.push_back(R"({"role":"user","content":"message )" + std::to_string(m) + " Word" + std::to_string(m) + " " +
                       std::string(1000, 'm') + R"("})");
  }
  std::vector<obs::RequestRecord> turns(4);
  std::deque<LogRowView> views;
  for (int t = 0; t < 4; ++t) {
    auto& rec = turns[static_cast<std::size_t>(t)];
    rec.start_unix_ns = 1796608342699000000 + static_cast<std::int64_t>(t) * 1000000;
    rec.id = obs::formatRequestId(rec.start_unix_ns, static_cast<std::uint64_t>(t));
    rec.inbound = "anthropic.messages";
    rec.status_code = 200;
    rec.capture_content = true;
    std::string body = R"({"model":"claude-sonnet-4-6","tools":)" + tools + R"(,"messages":[)";
    for (int m = 0; m <= t; ++m) {
      body += (m == 0 ? "" : ",") + messages[static_cast<std::size_t>(m)];
    }
    rec.request_content = body + R"(,{"role":"user","content":"short"}]})";
    views.emplace_back(rec);
  }
  ASSERT_TRUE(store_->insert(views, {}));
  auto path = (dir_ / "logs.db").string();
  EXPECT_EQ(sqliteNames(path, "SELECT COUNT(*) FROM log_parts"), std::vector<std::string>{"5"}) << "tools + 4 messages";
  EXPECT_EQ(sqliteNames(path, "SELECT MAX(length(input)) < 300 FROM logs"), std::vector<std::string>{"1"});
  for (const auto& rec : turns) {
    auto got = store_->get(rec.id);
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->input, rec.request_content);
    EXPECT_FALSE((*got)->input_parts);
  }
  auto found = [&](const std::string& text) {
    auto page = store_->list(*parseLogQuery({{"content_search", text}}));
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->total : -1;
  };
  EXPECT_EQ(found("ToolsOnlyWord"), 4);
  EXPECT_EQ(found("Word2"), 2) << "turns 2 and 3 carry message 2";
  EXPECT_EQ(found("short"), 4) << "the skeleton is searched too";
  EXPECT_EQ(found("NowhereWord"), 0);

  // A later batch (a new transaction) refers to the stored parts without writing them again.
  views.clear();
  obs::RequestRecord again = turns[3];
  again.id = obs::formatRequestId(again.start_unix_ns + 5000000, 9);
  again.start_unix_ns += 5000000;
  views.emplace_back(again);
  ASSERT_TRUE(store_->insert(views, {}));
  EXPECT_EQ(sqliteNames(path, "SELECT COUNT(*) FROM log_parts"), std::vector<std::string>{"5"});
  auto got = store_->get(again.id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->input, again.request_content);

  // Deleting records removes the parts no remaining record uses, once they are older than a writer
  // could still be using (ts set back here), and keeps the others.
  // The parts as if written 30 minutes ago: their keys (the time they were written) moved back, and
  // the rows' references with them.
  constexpr std::int64_t kBack = std::int64_t{30 * 60 * 1000} << kKeySeqBits;
  sqliteExec(path, fmt::format("UPDATE log_parts SET key = key - {0}; UPDATE logs SET input_parts = (SELECT "
                               "json_group_array(value - {0}) FROM json_each(logs.input_parts)) WHERE input_parts "
                               "IS NOT NULL",
                               kBack));
  auto removed = store_->remove({turns[3].id, again.id});
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(sqliteNames(path, "SELECT COUNT(*) FROM log_parts"), std::vector<std::string>{"4"}) << "message 3 gone";
  EXPECT_TRUE(LogStore::orphanSweepDue()) << "and a later sweep is asked for";
  got = store_->get(turns[2].id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->input, turns[2].request_content);
  // Retention removes the parts written well before its cutoff (a part in use is written again).
  auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto old = store_->removeOlderThan(now_ms);
  ASSERT_TRUE(old);
  EXPECT_EQ(*old, 3);
  EXPECT_EQ(sqliteNames(path, "SELECT COUNT(*) FROM log_parts"), std::vector<std::string>{"0"});
}

// A row whose part is missing (removed under it) still reads back, the part as null.
TEST_F(LogStoreTest, AMissingPartReadsAsNull) {
  obs::RequestRecord rec;
  rec.start_unix_ns = 1796608342699000000;
  rec.id = obs::formatRequestId(rec.start_unix_ns, 1);
  rec.status_code = 200;
  rec.capture_content = true;
  rec.request_content = R"({"model":"m","system":")" + std::string(5000, 's') + R"("})";
  std::deque<LogRowView> views;
  views.emplace_back(rec);
  ASSERT_TRUE(store_->insert(views, {}));
  sqliteExec((dir_ / "logs.db").string(), "DELETE FROM log_parts");
  auto got = store_->get(rec.id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->input, R"({"model":"m","system":null})");
}

} // namespace
} // namespace hd::logs
