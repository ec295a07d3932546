#include "logs/log_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "obs/ids.h"

namespace hd::logs {

namespace {

struct Column {
  const char* name;
  char type; // 'T' text, 'I' integer, 'R' real
  bool not_null;
};

// The `logs` table: the summary columns (list rows) first, then the detail ones.
constexpr Column kLogColumns[] = {
    {"id", 'T', true},
    {"ts", 'I', true},
    {"object", 'T', true},
    {"provider", 'T', true},
    {"model", 'T', true},
    {"served_model", 'T', true},
    {"deployment", 'T', true},
    {"key_id", 'T', true},
    {"key_name", 'T', true},
    {"vk_id", 'T', true},
    {"vk_name", 'T', true},
    {"team_id", 'T', true},
    {"team_name", 'T', true},
    {"customer_id", 'T', true},
    {"customer_name", 'T', true},
    {"retries", 'I', true},
    {"fallback_index", 'I', true},
    {"status", 'T', true},
    {"status_code", 'I', true},
    {"error", 'T', false},
    {"latency", 'R', true},
    {"ttft", 'R', false},
    {"stream", 'I', true},
    {"stop_reason", 'T', true},
    {"prompt_tokens", 'I', true},
    {"completion_tokens", 'I', true},
    {"cache_read_tokens", 'I', true},
    {"cache_write_tokens", 'I', true},
    {"total_tokens", 'I', true},
    {"cost", 'R', false},
    {"trace_id", 'T', true},
    {"input", 'T', false},
    {"output", 'T', false},
    {"output_raw", 'T', false},
    {"attempts", 'T', true},
    {"labels", 'T', true},
    {"input_parts", 'T', false},
};
constexpr std::size_t kSummaryColumns = 31;

constexpr Column kMcpColumns[] = {
    {"id", 'T', true},         {"ts", 'I', true},      {"client", 'T', true},     {"tool", 'T', true},
    {"session_id", 'T', true}, {"vk_id", 'T', true},   {"vk_name", 'T', true},    {"status", 'T', true},
    {"error", 'T', false},     {"latency", 'R', true}, {"arguments", 'T', false}, {"result", 'T', false},
    {"trace_id", 'T', true},
};

template <std::size_t N> std::string columnList(const Column (&cols)[N], std::size_t count = N) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    out += i == 0 ? "" : ", ";
    out += cols[i].name;
  }
  return out;
}

template <std::size_t N>
std::string createTable(const char* table, const Column (&cols)[N], Dialect d, Layout layout = Layout::ById) {
  std::string out = fmt::format("CREATE TABLE IF NOT EXISTS {} (", table);
  if (layout == Layout::ByTime) {
    out += "key INTEGER PRIMARY KEY, "; // the rowid itself (VACUUM keeps it)
  }
  for (std::size_t i = 0; i < N; ++i) {
    const char* type = cols[i].type == 'T'   ? "TEXT"
                       : cols[i].type == 'I' ? (d == Dialect::Postgres ? "BIGINT" : "INTEGER")
                                             : (d == Dialect::Postgres ? "DOUBLE PRECISION" : "REAL");
    out += fmt::format("{}{} {}{}{}", i == 0 ? "" : ", ", cols[i].name, type, cols[i].not_null ? " NOT NULL" : "",
                       i == 0 && layout == Layout::ById ? " PRIMARY KEY" : "");
  }
  out += ")";
  return out;
}

// A row whose key is taken is skipped: in the ById layout it is already stored; in the ByTime layout the
// writer gives it another key (LogStore::insertChunk). SQLite says so with OR IGNORE rather than an
// ON CONFLICT clause: a multi-row statement that may abort half-way (any NOT NULL column can) keeps a
// statement journal, a copy of every page it touches; one that only skips rows does not. (The writer's
// rows never hold a NULL where the table forbids one.)
template <std::size_t N>
std::string insertSql(const char* table, const Column (&cols)[N], Dialect d, std::size_t rows = 1,
                      Layout layout = Layout::ById) {
  bool by_time = layout == Layout::ByTime;
  std::string one = by_time ? "(?, " : "(";
  for (std::size_t i = 0; i < N; ++i) {
    one += i == 0 ? "?" : ", ?";
  }
  one += ")";
  std::string all;
  for (std::size_t r = 0; r < rows; ++r) {
    all += r == 0 ? one : ", " + one;
  }
  if (d == Dialect::Sqlite) {
    return fmt::format("INSERT OR IGNORE INTO {} ({}{}) VALUES {}", table, by_time ? "key, " : "", columnList(cols),
                       all);
  }
  return fmt::format("INSERT INTO {} ({}{}) VALUES {} ON CONFLICT ({}) DO NOTHING", table, by_time ? "key, " : "",
                     columnList(cols), all, by_time ? "key" : "id");
}

// Row values are bound as views: the rows outlive the insert statement that reads them.
SqlValue view(std::string_view v) {
  return v;
}
template <class Text> SqlValue opt(const std::optional<Text>& v) {
  return v ? SqlValue(std::string_view(*v)) : SqlValue(std::monostate{});
}
SqlValue opt(const std::optional<double>& v) {
  return v ? SqlValue(*v) : SqlValue(std::monostate{});
}

template <class Text> void values(const BasicLogRow<Text>& r, std::vector<SqlValue>& out) {
  using I = std::int64_t;
  out.insert(out.end(), {view(r.id),
                         r.ts_ms,
                         view(r.object),
                         view(r.provider),
                         view(r.model),
                         view(r.served_model),
                         view(r.deployment),
                         view(r.key_id),
                         view(r.key_name),
                         view(r.vk_id),
                         view(r.vk_name),
                         view(r.team_id),
                         view(r.team_name),
                         view(r.customer_id),
                         view(r.customer_name),
                         I{r.retries},
                         I{r.fallback_index},
                         view(r.status),
                         I{r.status_code},
                         opt(r.error),
                         r.latency_ms,
                         opt(r.ttft_ms),
                         I{r.stream ? 1 : 0},
                         view(r.stop_reason),
                         r.prompt_tokens,
                         r.completion_tokens,
                         r.cache_read_tokens,
                         r.cache_write_tokens,
                         r.total_tokens,
                         opt(r.cost),
                         view(r.trace_id),
                         opt(r.input),
                         opt(r.output),
                         opt(r.output_raw),
                         view(r.attempts),
                         view(r.labels),
                         opt(r.input_parts)});
}

void values(const McpRow& r, std::vector<SqlValue>& out) {
  out.insert(out.end(),
             {view(r.id), r.ts_ms, view(r.client), view(r.tool), view(r.session_id), view(r.vk_id), view(r.vk_name),
              view(r.status), opt(r.error), r.latency_ms, opt(r.arguments), opt(r.result), view(r.trace_id)});
}

double real(const Db::Row& row, std::size_t i) {
  return row[i] && !row[i]->empty() ? std::stod(*row[i]) : 0.0;
}
std::optional<double> optReal(const Db::Row& row, std::size_t i) {
  return row[i] && !row[i]->empty() ? std::optional<double>(std::stod(*row[i])) : std::nullopt;
}

LogRow logFrom(const Db::Row& row) {
  LogRow r;
  std::size_t i = 0;
  r.id = cellText(row, i++);
  r.ts_ms = cellInteger(row, i++);
  for (auto* s : {&r.object, &r.provider, &r.model, &r.served_model, &r.deployment, &r.key_id, &r.key_name, &r.vk_id,
                  &r.vk_name, &r.team_id, &r.team_name, &r.customer_id, &r.customer_name}) {
    *s = cellText(row, i++);
  }
  r.retries = static_cast<int>(cellInteger(row, i++));
  r.fallback_index = static_cast<int>(cellInteger(row, i++));
  r.status = cellText(row, i++);
  r.status_code = static_cast<int>(cellInteger(row, i++));
  r.error = row[i++];
  r.latency_ms = real(row, i++);
  r.ttft_ms = optReal(row, i++);
  r.stream = cellInteger(row, i++) != 0;
  r.stop_reason = cellText(row, i++);
  for (auto* n :
       {&r.prompt_tokens, &r.completion_tokens, &r.cache_read_tokens, &r.cache_write_tokens, &r.total_tokens}) {
    *n = cellInteger(row, i++);
  }
  r.cost = optReal(row, i++);
  r.trace_id = cellText(row, i++);
  if (row.size() > kSummaryColumns) {
    r.input = row[i++];
    r.output = row[i++];
    r.output_raw = row[i++];
    r.attempts = cellText(row, i++);
    r.labels = cellText(row, i++);
    r.input_parts = row[i++];
  }
  return r;
}

McpRow mcpFrom(const Db::Row& row) {
  McpRow r;
  std::size_t i = 0;
  r.id = cellText(row, i++);
  r.ts_ms = cellInteger(row, i++);
  for (auto* s : {&r.client, &r.tool, &r.session_id, &r.vk_id, &r.vk_name, &r.status}) {
    *s = cellText(row, i++);
  }
  r.error = row[i++];
  r.latency_ms = real(row, i++);
  r.arguments = row[i++];
  r.result = row[i++];
  r.trace_id = cellText(row, i++);
  return r;
}

std::vector<SqlValue> withPaging(std::vector<SqlValue> params, int limit, int offset) {
  params.emplace_back(std::int64_t{limit});
  params.emplace_back(std::int64_t{offset});
  return params;
}

} // namespace

Result<std::unique_ptr<LogStore>> LogStore::open(std::unique_ptr<Db> db) {
  std::unique_ptr<LogStore> s(new LogStore(std::move(db)));
  if (auto r = s->migrate(); !r) {
    return r.error();
  }
  return s;
}

Result<Layout> LogStore::existingLayout() {
  if (db_->dialect() == Dialect::Postgres) {
    return Layout::ById;
  }
  // A new SQLite file is keyed by time; one made by an earlier version keeps its layout (id primary
  // key): its rows cannot take a new rowid without copying the whole table.
  auto table = db_->query("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'logs'", {});
  if (!table) {
    return table.error();
  }
  if (cellInteger(table->at(0), 0) == 0) {
    return Layout::ByTime;
  }
  auto key = db_->query("SELECT COUNT(*) FROM pragma_table_info('logs') WHERE name = 'key'", {});
  if (!key) {
    return key.error();
  }
  return cellInteger(key->at(0), 0) > 0 ? Layout::ByTime : Layout::ById;
}

Result<Ok> LogStore::migrate() {
  Dialect d = db_->dialect();
  if (auto r = db_->begin(); !r) {
    return r;
  }
  if (d == Dialect::Postgres) {
    // Replicas starting together must not race on CREATE TABLE.
    if (auto r = db_->query("SELECT pg_advisory_xact_lock(7315020102)", {}); !r) {
      db_->rollback();
      return r.error();
    }
  }
  auto layout = existingLayout();
  if (!layout) {
    db_->rollback();
    return layout.error();
  }
  layout_ = *layout;
  std::string sql =
      createTable("logs", kLogColumns, d, layout_) + ";\n" + createTable("mcp_logs", kMcpColumns, d) + ";\n";
  // At most one index per table, on the time: every insert appends to it, and lists, filters and stats
  // walk a time range (the ByTime layout needs none: its key is the time). Per-column indexes (provider,
  // model, status, virtual key, latency) cost the writer more than half of its time (the latency one
  // inserts at random places) and are dropped where an older version created them; those filters scan
  // the time range instead.
  if (layout_ == Layout::ById) {
    sql += "CREATE INDEX IF NOT EXISTS idx_logs_ts ON logs (ts);\n";
  }
  // Shared request parts (logs/parts.h), keyed by the time they were written as `logs` is (timeKey):
  // appended in order, removed by key range. (Keyed by their hash, every new part would dirty a page
  // of the hash index at random: most of each transaction's writes once the index outgrows the cache.)
  sql += fmt::format("CREATE TABLE IF NOT EXISTS log_parts (key {} PRIMARY KEY, body TEXT NOT NULL);\n",
                     d == Dialect::Postgres ? "BIGINT" : "INTEGER");
  sql += "CREATE INDEX IF NOT EXISTS idx_mcp_logs_ts ON mcp_logs (ts);\n";
  for (const char* old :
       {"idx_logs_provider_ts", "idx_logs_model_ts", "idx_logs_status_ts", "idx_logs_vk_id_ts", "idx_logs_latency"}) {
    sql += fmt::format("DROP INDEX IF EXISTS {};\n", old);
  }
  if (auto r = db_->script(sql); !r) {
    db_->rollback();
    return r;
  }
  // Tables made before shared parts get the column that names a row's parts.
  if (auto r = addPartsColumn(); !r) {
    db_->rollback();
    return r;
  }
  insert_part_ = d == Dialect::Postgres ? "INSERT INTO log_parts (key, body) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
                                        : "INSERT OR IGNORE INTO log_parts (key, body) VALUES (?, ?)";
  insert_log_ = insertSql("logs", kLogColumns, db_->dialect(), 1, layout_);
  insert_logs_ = insertSql("logs", kLogColumns, db_->dialect(), kRowsPerInsert, layout_);
  insert_mcp_ = insertSql("mcp_logs", kMcpColumns, db_->dialect());
  return db_->commit();
}

namespace {

const BasicLogRow<std::string>& rowOf(const LogRow& r) {
  return r;
}
const BasicLogRow<std::string_view>& rowOf(const LogRowView& r) {
  return r.row();
}

} // namespace

std::int64_t LogStore::nextKey(std::int64_t ts_ms) {
  constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kKeySeqBits) - 1;
  return timeKey(ts_ms) | static_cast<std::int64_t>(seq_++ & kSeqMask);
}

template <class Rows>
Result<Ok> LogStore::insertChunk(const Rows& rows, std::size_t first, std::size_t n, std::vector<SqlValue>& params) {
  std::int64_t keys[kRowsPerInsert];
  params.clear();
  for (std::size_t k = 0; k < n; ++k) {
    if (layout_ == Layout::ByTime) {
      keys[k] = nextKey(rowOf(rows[first + k]).ts_ms);
      params.emplace_back(keys[k]);
    }
    values(rowOf(rows[first + k]), params);
  }
  auto stored = db_->execute(n == 1 ? insert_log_ : insert_logs_, params);
  if (!stored) {
    return stored.error();
  }
  if (layout_ == Layout::ById || *stored == static_cast<std::int64_t>(n)) {
    return Ok{};
  }
  // A key was taken: the sequence number came round within one millisecond (a request that ran for
  // over a million others), or another process writes to this file. Such rows get the next free key of
  // their millisecond.
  for (std::size_t k = 0; k < n; ++k) {
    const auto& row = rowOf(rows[first + k]);
    auto holder = db_->query("SELECT id FROM logs WHERE key = ?", {keys[k]});
    if (!holder) {
      return holder.error();
    }
    if (!holder->empty() && cellText(holder->front(), 0) == row.id) {
      continue;
    }
    for (int attempt = 0;; ++attempt) {
      if (attempt == 64) {
        return Error::internal(fmt::format("request log: no free key for record {}", row.id));
      }
      params.clear();
      params.emplace_back(nextKey(row.ts_ms));
      values(row, params);
      auto one = db_->execute(insert_log_, params);
      if (!one) {
        return one.error();
      }
      if (*one == 1) {
        break;
      }
    }
  }
  return Ok{};
}

template <class Rows> Result<Ok> LogStore::appendRows(Rows& logs, const std::vector<McpRow>& mcp) {
  std::vector<SqlValue> params;
  params.reserve(kRowsPerInsert * (std::size(kLogColumns) + 1));
  if constexpr (std::is_same_v<Rows, std::deque<LogRowView>>) {
    auto now_ms = unixNowMs();
    for (auto& row : logs) {
      if (auto r = storeParts(row, now_ms); !r) {
        return r;
      }
    }
  }
  for (std::size_t i = 0; i < logs.size();) {
    std::size_t n = logs.size() - i >= kRowsPerInsert ? kRowsPerInsert : 1;
    if (auto r = insertChunk(logs, i, n, params); !r) {
      return r;
    }
    i += n;
  }
  for (const auto& row : mcp) {
    params.clear();
    values(row, params);
    if (auto r = db_->execute(insert_mcp_, params); !r) {
      return r.error();
    }
  }
  return Ok{};
}

template <class Rows> Result<Ok> LogStore::insertRows(Rows& logs, const std::vector<McpRow>& mcp) {
  if (auto r = begin(); !r) {
    return r;
  }
  if (auto r = appendRows(logs, mcp); !r) {
    rollback();
    return r;
  }
  return commit();
}

Result<Ok> LogStore::insert(const std::vector<LogRow>& logs, const std::vector<McpRow>& mcp) {
  return insertRows(logs, mcp);
}

Result<Ok> LogStore::insert(std::deque<LogRowView>& logs, const std::vector<McpRow>& mcp) {
  return insertRows(logs, mcp);
}

Result<Ok> LogStore::begin() {
  return db_->begin();
}

Result<Ok> LogStore::append(std::deque<LogRowView>& logs, const std::vector<McpRow>& mcp) {
  return appendRows(logs, mcp);
}

Result<Ok> LogStore::commit() {
  if (auto r = db_->commit(); !r) {
    rollback();
    return r;
  }
  return Ok{};
}

void LogStore::rollback() {
  db_->rollback();
  known_parts_.clear(); // the parts this transaction stored are gone with it
}

Result<LogPage> LogStore::list(const LogQuery& q) {
  auto w = logWhere(q, db_->dialect(), layout_);
  auto count = db_->query("SELECT COUNT(*) FROM logs" + w.sql, w.params);
  if (!count) {
    return count.error();
  }
  LogPage page;
  page.total = cellInteger(count->at(0), 0);
  auto rows = db_->query(fmt::format("SELECT {} FROM logs{}{} LIMIT ? OFFSET ?",
                                     columnList(kLogColumns, kSummaryColumns), w.sql, logOrderBy(q, layout_)),
                         withPaging(w.params, q.limit, q.offset));
  if (!rows) {
    return rows.error();
  }
  for (const auto& r : *rows) {
    page.rows.push_back(logFrom(r));
  }
  return page;
}

Result<std::optional<LogRow>> LogStore::get(const std::string& id) {
  static const std::string kById = fmt::format("SELECT {} FROM logs WHERE id = ?", columnList(kLogColumns));
  static const std::string kInRange =
      fmt::format("SELECT {} FROM logs WHERE key >= ? AND key < ? AND id = ?", columnList(kLogColumns));
  auto ms = layout_ == Layout::ByTime ? obs::requestIdTimeMs(id) : std::nullopt;
  // The ByTime layout has no index on `id`: a request id names its millisecond (a few rows). Any other
  // id (a record stored with an id of another form) is looked for in the whole table.
  auto rows = ms ? db_->query(kInRange, {timeKey(*ms), timeKey(*ms + 1), id}) : db_->query(kById, {id});
  if (rows && rows->empty() && ms) {
    rows = db_->query(kById, {id});
  }
  if (!rows) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<LogRow>();
  }
  auto row = logFrom(rows->front());
  if (auto r = joinParts(row); !r) {
    return r.error();
  }
  return std::optional<LogRow>(std::move(row));
}

Result<Ok> LogStore::percentiles(const std::string& table, const Where& w, LogStats& s) {
  // Nearest rank: the smallest value with at least p of the values at or below it. One sort for the
  // three ranks (no index on latency: see migrate()).
  constexpr double kPs[] = {0.5, 0.95, 0.99};
  double* dst[] = {&s.p50_latency, &s.p95_latency, &s.p99_latency};
  std::int64_t ranks[3];
  auto params = w.params;
  for (int i = 0; i < 3; ++i) {
    ranks[i] = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::ceil(kPs[i] * static_cast<double>(s.total))), 1,
                                        s.total);
    params.emplace_back(ranks[i]);
  }
  auto rows = db_->query(fmt::format("SELECT rn, latency FROM (SELECT latency, ROW_NUMBER() OVER (ORDER BY latency) "
                                     "AS rn FROM {}{}) AS ranked WHERE rn IN (?, ?, ?)",
                                     table, w.sql),
                         params);
  if (!rows) {
    return rows.error();
  }
  for (const auto& r : *rows) {
    auto rn = cellInteger(r, 0);
    for (int i = 0; i < 3; ++i) {
      if (ranks[i] == rn) {
        *dst[i] = real(r, 1);
      }
    }
  }
  return Ok{};
}

Result<LogStats> LogStore::stats(const LogQuery& q) {
  auto w = logWhere(q, db_->dialect(), layout_);
  auto rows = db_->query("SELECT COUNT(*), SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END), AVG(latency), "
                         "SUM(total_tokens), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost) FROM logs" +
                             w.sql,
                         w.params);
  if (!rows) {
    return rows.error();
  }
  const auto& r = rows->at(0);
  LogStats s;
  s.total = cellInteger(r, 0);
  s.success = cellInteger(r, 1);
  s.errors = s.total - s.success;
  s.average_latency = real(r, 2);
  s.total_tokens = cellInteger(r, 3);
  s.prompt_tokens = cellInteger(r, 4);
  s.completion_tokens = cellInteger(r, 5);
  s.cost = real(r, 6);
  if (s.total > 0) {
    if (auto p = percentiles("logs", w, s); !p) {
      return p.error();
    }
  }
  return s;
}

Result<std::vector<Point>> LogStore::points(const LogQuery& q) {
  auto w = logWhere(q, db_->dialect(), layout_);
  auto rows = db_->query("SELECT ts, status, provider, model, prompt_tokens, completion_tokens, total_tokens, cost, "
                         "latency FROM logs" +
                             w.sql + (layout_ == Layout::ByTime ? " ORDER BY key" : " ORDER BY ts"),
                         w.params);
  if (!rows) {
    return rows.error();
  }
  std::vector<Point> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    Point p;
    p.ts_ms = cellInteger(r, 0);
    p.error = cellText(r, 1) != "success";
    p.provider = cellText(r, 2);
    p.model = cellText(r, 3);
    p.prompt_tokens = cellInteger(r, 4);
    p.completion_tokens = cellInteger(r, 5);
    p.total_tokens = cellInteger(r, 6);
    p.cost = real(r, 7);
    p.latency = real(r, 8);
    out.push_back(std::move(p));
  }
  return out;
}

Result<FilterData> LogStore::filterData() {
  FilterData f;
  for (auto [col, dst] :
       {std::pair{"provider", &f.providers}, std::pair{"model", &f.models}, std::pair{"object", &f.objects}}) {
    auto rows = db_->query(fmt::format("SELECT DISTINCT {0} FROM logs WHERE {0} <> '' ORDER BY {0}", col), {});
    if (!rows) {
      return rows.error();
    }
    for (const auto& r : *rows) {
      dst->push_back(cellText(r, 0));
    }
  }
  auto vks = db_->query("SELECT vk_id, MAX(vk_name) FROM logs WHERE vk_id <> '' GROUP BY vk_id ORDER BY vk_id", {});
  if (!vks) {
    return vks.error();
  }
  for (const auto& r : *vks) {
    f.virtual_keys.emplace_back(cellText(r, 0), cellText(r, 1));
  }
  return f;
}

Result<std::int64_t> LogStore::removeIds(const std::string& table, const std::vector<std::string>& ids, Layout layout) {
  if (ids.empty()) {
    return db_->execute("DELETE FROM " + table, {});
  }
  std::int64_t total = 0;
  // ByTime: each request id names its millisecond; the ids found nowhere there are looked for in the
  // whole table below.
  std::vector<std::string_view> rest;
  for (const auto& id : ids) {
    auto ms = layout == Layout::ByTime ? obs::requestIdTimeMs(id) : std::nullopt;
    if (!ms) {
      rest.emplace_back(id);
      continue;
    }
    auto n = db_->execute("DELETE FROM " + table + " WHERE key >= ? AND key < ? AND id = ?",
                          {timeKey(*ms), timeKey(*ms + 1), std::string_view(id)});
    if (!n) {
      return n.error();
    }
    total += *n;
    if (*n == 0) {
      rest.emplace_back(id);
    }
  }
  constexpr std::size_t kChunk = 200;
  for (std::size_t start = 0; start < rest.size(); start += kChunk) {
    std::string marks;
    std::vector<SqlValue> params;
    for (std::size_t i = start; i < std::min(rest.size(), start + kChunk); ++i) {
      marks += marks.empty() ? "?" : ", ?";
      params.emplace_back(rest[i]);
    }
    auto n = db_->execute(fmt::format("DELETE FROM {} WHERE id IN ({})", table, marks), params);
    if (!n) {
      return n.error();
    }
    total += *n;
  }
  return total;
}

Result<std::int64_t> LogStore::remove(const std::vector<std::string>& ids) {
  auto n = removeIds("logs", ids, layout_);
  if (!n || *n == 0) {
    return n;
  }
  if (auto r = removeUnusedParts(); !r) {
    return r.error();
  }
  return n;
}

Result<McpPage> LogStore::listMcp(const McpQuery& q) {
  auto w = mcpWhere(q, db_->dialect());
  auto count = db_->query("SELECT COUNT(*) FROM mcp_logs" + w.sql, w.params);
  if (!count) {
    return count.error();
  }
  McpPage page;
  page.total = cellInteger(count->at(0), 0);
  auto rows = db_->query(
      fmt::format("SELECT {} FROM mcp_logs{}{} LIMIT ? OFFSET ?", columnList(kMcpColumns), w.sql, mcpOrderBy(q)),
      withPaging(w.params, q.limit, q.offset));
  if (!rows) {
    return rows.error();
  }
  for (const auto& r : *rows) {
    page.rows.push_back(mcpFrom(r));
  }
  return page;
}

Result<LogStats> LogStore::mcpStats(const McpQuery& q) {
  auto w = mcpWhere(q, db_->dialect());
  auto rows = db_->query(
      "SELECT COUNT(*), SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END), AVG(latency) FROM mcp_logs" + w.sql,
      w.params);
  if (!rows) {
    return rows.error();
  }
  const auto& r = rows->at(0);
  LogStats s;
  s.total = cellInteger(r, 0);
  s.success = cellInteger(r, 1);
  s.errors = s.total - s.success;
  s.average_latency = real(r, 2);
  if (s.total > 0) {
    if (auto p = percentiles("mcp_logs", w, s); !p) {
      return p.error();
    }
  }
  return s;
}

Result<std::int64_t> LogStore::removeMcp(const std::vector<std::string>& ids) {
  return removeIds("mcp_logs", ids, Layout::ById);
}

Result<std::int64_t> LogStore::removeOlderThan(std::int64_t cutoff_ms) {
  auto a = layout_ == Layout::ByTime ? db_->execute("DELETE FROM logs WHERE key < ?", {timeKey(cutoff_ms)})
                                     : db_->execute("DELETE FROM logs WHERE ts < ?", {cutoff_ms});
  if (!a) {
    return a.error();
  }
  auto b = db_->execute("DELETE FROM mcp_logs WHERE ts < ?", {cutoff_ms});
  if (!b) {
    return b.error();
  }
  // A part is refreshed at least every kPartRefreshMs while records that use it are written: one not
  // refreshed since well before the cutoff belongs to removed records only.
  if (auto c = db_->execute("DELETE FROM log_parts WHERE key < ?", {timeKey(cutoff_ms - 2 * kPartRefreshMs)}); !c) {
    return c.error();
  }
  return *a + *b;
}

} // namespace hd::logs
