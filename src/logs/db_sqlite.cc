// The request log's SQLite connection (logs.db in the app dir by default).

#include <fmt/format.h>
#include <sqlite3.h>

#include <map>

#include "logs/db.h"
#include "store/sqlite_stmt.h"

namespace hd::logs {

namespace {

class SqliteDb final : public Db {
public:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDb() override {
    cache_.clear();
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::Sqlite; }
  std::string describe() const override { return "sqlite " + path_; }

  Error fail(const std::string& what) const { return Error::internal(fmt::format("logs store ({}): {}", path_, what)); }

  Result<store::Stmt*> prepare(const std::string& sql, const std::vector<SqlValue>& params) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      if (cache_.size() > 256) {
        cache_.clear(); // ad-hoc filter combinations: keep the cache bounded
      }
      auto st = std::make_unique<store::Stmt>(db_, sql.c_str());
      if (!st->ok()) {
        return fail(st->error());
      }
      it = cache_.emplace(sql, std::move(st)).first;
    }
    auto* st = it->second.get();
    if (static_cast<int>(params.size()) == st->parameters()) {
      st->resetForRebind(); // every parameter is bound below
    } else {
      st->reset();
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      int n = static_cast<int>(i) + 1;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              st->bindNull(n);
            } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
              // The parameters outlive the step, and nothing reads a binding after it (see execute()).
              st->bindStatic(n, v);
            } else {
              st->bind(n, v);
            }
          },
          params[i]);
    }
    return st;
  }

  Result<std::vector<Row>> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto st = prepare(sql, params);
    if (!st) {
      return st.error();
    }
    std::vector<Row> out;
    int rc;
    int cols = -1;
    while ((rc = (*st)->step()) == SQLITE_ROW) {
      if (cols < 0) {
        cols = (*st)->columns();
      }
      Row row;
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        row.push_back((*st)->isNull(c) ? std::nullopt : std::optional<std::string>((*st)->text(c)));
      }
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) {
      auto msg = (*st)->error();
      (*st)->reset();
      return fail(msg);
    }
    (*st)->reset();
    return out;
  }

  Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto st = prepare(sql, params);
    if (!st) {
      return st.error();
    }
    int rc = (*st)->step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      auto msg = (*st)->error();
      (*st)->reset();
      return fail(msg);
    }
    // The views bound stay in the idle statement; nothing reads them: prepare() binds every parameter
    // again (or clears them) before the next step.
    (*st)->resetForRebind();
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Result<Ok> script(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return fail(msg);
    }
    return Ok{};
  }
  Result<Ok> begin() override { return script("BEGIN IMMEDIATE"); }
  Result<Ok> commit() override { return script("COMMIT"); }
  void rollback() override { (void)script("ROLLBACK"); }

private:
  sqlite3* db_;
  std::string path_;
  std::map<std::string, std::unique_ptr<store::Stmt>> cache_;
};

} // namespace

Result<std::unique_ptr<Db>> openSqliteDb(const std::string& path) {
  auto opened = store::openSqliteFile(path, SQLITE_OPEN_NOMUTEX);
  if (auto* msg = std::get_if<std::string>(&opened)) {
    return Error::internal(fmt::format("logs store ({}): cannot open: {}", path, *msg));
  }
  auto out = std::make_unique<SqliteDb>(std::get<sqlite3*>(opened), path);
  // page_size (a new file only): the writer appends, and 16 KiB pages write its WAL frames and
  // checkpoints in a quarter of the system calls. temp_store: a multi-row INSERT keeps a statement
  // journal, which spilled to a temporary file at that page size.
  if (auto r = out->script("PRAGMA page_size=16384; PRAGMA temp_store=MEMORY; PRAGMA journal_mode=WAL; "
                           "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
      !r) {
    return r.error();
  }
  return std::unique_ptr<Db>(std::move(out));
}

} // namespace hd::logs
