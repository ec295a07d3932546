#pragma once
// The request log's tables (`logs`, `mcp_logs`, `log_parts`: log_store_parts.cc) over a Db: batch inserts, filtered
// pages, one record, aggregates, deletes and retention. Blocking: used on the writer thread (inserts, retention) and on
// the query thread (everything else), each with its own Db connection.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "logs/db.h"
#include "logs/query.h"
#include "logs/row.h"

namespace hd::logs {

struct LogPage {
  std::vector<LogRow> rows;
  std::int64_t total = 0;
};

struct McpPage {
  std::vector<McpRow> rows;
  std::int64_t total = 0;
};

struct LogStats {
  std::int64_t total = 0;
  std::int64_t success = 0;
  std::int64_t errors = 0;
  double average_latency = 0;
  double p50_latency = 0;
  double p95_latency = 0;
  double p99_latency = 0;
  std::int64_t total_tokens = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double cost = 0;
};

// One request as the histogram needs it.
struct Point {
  std::int64_t ts_ms = 0;
  bool error = false;
  std::string provider;
  std::string model;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  double cost = 0;
  double latency = 0;
};

struct FilterData {
  std::vector<std::string> providers;
  std::vector<std::string> models;
  std::vector<std::pair<std::string, std::string>> virtual_keys; // id, name
  std::vector<std::string> objects;
};

class LogStore {
public:
  // Rows per INSERT statement; fewer go in one statement each (one statement execution per row costs
  // the writer about a fifth more).
  static constexpr std::size_t kRowsPerInsert = 32;

  // Creates the tables and indexes when missing.
  static Result<std::unique_ptr<LogStore>> open(std::unique_ptr<Db> db);

  std::string describe() const { return db_->describe(); }

  // One transaction for the whole batch. In the ById layout rows already stored (same id) are skipped;
  // the ByTime layout, which has no index on ids, stores them again.
  Result<Ok> insert(const std::vector<LogRow>& logs, const std::vector<McpRow>& mcp);
  Result<Ok> insert(std::deque<LogRowView>& logs, const std::vector<McpRow>& mcp);
  // The writer's form (LogWriter): one transaction, rows appended in groups whose records, views of which
  // the rows are, outlive the append. begin(), append() any number of times, then commit(); after a
  // failed append, rollback(). A failed commit has rolled back.
  Result<Ok> begin();
  Result<Ok> append(std::deque<LogRowView>& logs, const std::vector<McpRow>& mcp);
  Result<Ok> commit();
  void rollback();

  Result<LogPage> list(const LogQuery& q);
  Result<std::optional<LogRow>> get(const std::string& id);
  Result<LogStats> stats(const LogQuery& q);
  Result<std::vector<Point>> points(const LogQuery& q);
  Result<FilterData> filterData();
  // Empty `ids`: every record.
  Result<std::int64_t> remove(const std::vector<std::string>& ids);

  Result<McpPage> listMcp(const McpQuery& q);
  Result<LogStats> mcpStats(const McpQuery& q);
  Result<std::int64_t> removeMcp(const std::vector<std::string>& ids);

  // Retention: removes request and MCP records that started before `cutoff_ms`; returns how many. Shared
  // parts last used well before the cutoff go with them.
  Result<std::int64_t> removeOlderThan(std::int64_t cutoff_ms);

  // Shared request parts (logs/parts.h). The writer's store remembers the parts it stored in the last
  // kPartRefreshMs (by hash) and names them again instead of writing them again; a part still in use is
  // thus written anew (under a new, later key) at least that often, and a part is only removed once
  // older than twice that: never under a writer about to name it, whichever replica it runs in.
  static constexpr std::int64_t kPartRefreshMs = 10 * 60 * 1000;
  static constexpr std::size_t kMaxKnownParts = 1 << 16;
  // A deletion (remove()) removes the parts no record uses but the recent ones, and asks for a sweep of
  // those once they are old enough: when it is due (nullopt: none asked), and the sweep itself (the
  // writer runs it; nothing when not yet due).
  static std::optional<std::int64_t> orphanSweepDue();
  Result<Ok> sweepOrphanParts();

private:
  explicit LogStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  Result<Ok> migrate();
  Result<Layout> existingLayout();
  template <class Rows> Result<Ok> insertRows(Rows& logs, const std::vector<McpRow>& mcp);
  // Rows of LogRowView: their shared parts are stored first (storeParts).
  template <class Rows> Result<Ok> appendRows(Rows& logs, const std::vector<McpRow>& mcp);
  // Inserts rows[first, first + n) with one statement (n is 1 or kRowsPerInsert).
  template <class Rows>
  Result<Ok> insertChunk(const Rows& rows, std::size_t first, std::size_t n, std::vector<SqlValue>& params);
  // The ByTime key of a row that started at `ts_ms`.
  std::int64_t nextKey(std::int64_t ts_ms);
  // Fills the p50/p95/p99 latencies of `s` (s.total rows match `w`).
  Result<Ok> percentiles(const std::string& table, const Where& w, LogStats& s);
  Result<std::int64_t> removeIds(const std::string& table, const std::vector<std::string>& ids, Layout layout);
  Result<Ok> addPartsColumn();
  // Stores the parts of `row` this store has not stored in the last kPartRefreshMs and gives the row
  // their keys.
  Result<Ok> storeParts(LogRowView& row, std::int64_t now_ms);
  // A row read back with a split body gets it whole again.
  Result<Ok> joinParts(LogRow& row);
  // After a deletion: removes the parts no row names but the recent ones, and asks for a later sweep.
  Result<Ok> removeUnusedParts();
  Result<Ok> removeOrphanParts(std::int64_t now_ms);

  std::unique_ptr<Db> db_;
  Layout layout_ = Layout::ById;
  // The low bits of the next ByTime key. It starts at a random value: two processes writing one file
  // rarely pick the same key (a taken key is retried, see insertChunk).
  std::uint64_t seq_ = std::random_device{}();
  std::string insert_log_;
  std::string insert_logs_;
  std::string insert_mcp_;
  std::string insert_part_;
  struct KnownPart {
    std::int64_t key;
    std::int64_t written_ms;
  };
  std::unordered_map<parts::Hash, KnownPart, parts::HashHasher> known_parts_; // written by this store
};

} // namespace hd::logs
