#pragma once
// A prepared SQLite statement (RAII), shared by the config store and the request log store.

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hd::store {

// Process-wide SQLite settings, applied once before the first connection opens: no memory statistics
// (they put a global mutex around every allocation SQLite makes).
inline void configureSqlite() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// Opens (creating it if needed) the database file at `path` with the given threading flag
// (SQLITE_OPEN_NOMUTEX or SQLITE_OPEN_FULLMUTEX). On failure: the reason, and nothing stays open.
inline std::variant<sqlite3*, std::string> openSqliteFile(const std::string& path, int threading) {
  configureSqlite();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | threading, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return msg;
  }
  return db;
}

class Stmt {
public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& bind(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const std::string& s) { return bind(i, std::string_view(s)); }
  // Binds without a copy: `s` must stay valid until the statement is reset.
  Stmt& bindStatic(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind(int i, const char* s) { return bind(i, std::string_view(s)); }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(st_, i, v);
    return *this;
  }
  Stmt& bindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  template <class T> Stmt& bind(int i, const std::optional<T>& v) { return v ? bind(i, *v) : bindNull(i); }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  // For a caller about to bind every parameter again: the old values are replaced, not cleared first
  // (clearing a 1,152-parameter batch insert was ~4 % of the request log writer's time).
  void resetForRebind() { sqlite3_reset(st_); }
  int parameters() const { return sqlite3_bind_parameter_count(st_); }
  int step() { return sqlite3_step(st_); }
  int columns() const { return sqlite3_column_count(st_); }
  bool isNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(st_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, col));
  }
  std::int64_t int64(int col) const { return sqlite3_column_int64(st_, col); }
  double real(int col) const { return sqlite3_column_double(st_, col); }
  std::string error() const { return sqlite3_errmsg(db_); }

private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  int rc_;
};

} // namespace hd::store
