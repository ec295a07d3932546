#pragma once
// The little SQL the request log needs, over either database: statements with `?` placeholders and
// typed parameters, rows read back as text. SQLite (libsqlite3, WAL, statements prepared once and
// cached) or PostgreSQL (libpq, through store/pg_conn.h). One Db is used by one thread.

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "logs/query.h"
#include "store/config_store.h"

namespace hd::logs {

class Db {
public:
  using Row = std::vector<std::optional<std::string>>; // NULL = nullopt
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;
  virtual std::string describe() const = 0;
  virtual Result<std::vector<Row>> query(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  // Returns the number of rows changed.
  virtual Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  // Statements without parameters (DDL, BEGIN, COMMIT).
  virtual Result<Ok> script(const std::string& sql) = 0;
  virtual Result<Ok> begin() = 0;
  virtual Result<Ok> commit() = 0;
  virtual void rollback() = 0;
};

// A cell of a row read back: its text ("" for NULL), its integer (0 for NULL or ""; a real is rounded).
inline const std::string& cellText(const Db::Row& row, std::size_t i) {
  static const std::string kEmpty;
  return row[i] ? *row[i] : kEmpty;
}
inline std::int64_t cellInteger(const Db::Row& row, std::size_t i) {
  if (!row[i] || row[i]->empty()) {
    return 0;
  }
  try {
    return std::stoll(*row[i]);
  } catch (const std::exception&) {
    return static_cast<std::int64_t>(std::llround(std::stod(*row[i])));
  }
}

Result<std::unique_ptr<Db>> openSqliteDb(const std::string& path);
Result<std::unique_ptr<Db>> openPostgresDb(const store::PostgresSettings& settings);

} // namespace hd::logs
