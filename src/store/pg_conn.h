#pragma once
// One PostgreSQL connection (libpq), re-opened on the next call after it breaks; statements with text
// parameters. Used from one thread at a time (the owner's store thread).

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/config_store.h"

namespace hd::store {

struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultFree>;

class PgConn {
public:
  // `what` names the connection's role in error messages ("logs store").
  PgConn(PostgresSettings settings, std::string what) : s_(std::move(settings)), what_(std::move(what)) {}
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  std::string describe() const;
  Error fail(const std::string& what) const;
  Result<Ok> connect();
  // One statement; a nullopt parameter is SQL NULL. `want`: PGRES_COMMAND_OK or PGRES_TUPLES_OK.
  Result<PgResultPtr> run(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                          ExecStatusType want);
  // Statements without parameters (may be several separated by ';').
  Result<Ok> exec(const std::string& sql);
  // Rolls back the open transaction (after a failure); errors are ignored.
  void rollback();

private:
  PostgresSettings s_;
  std::string what_;
  PGconn* conn_ = nullptr;
};

} // namespace hd::store
