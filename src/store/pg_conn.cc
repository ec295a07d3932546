#include "store/pg_conn.h"

#include <fmt/format.h>

namespace hd::store {

PgConn::~PgConn() {
  if (conn_ != nullptr) {
    PQfinish(conn_);
  }
}

std::string PgConn::describe() const {
  return fmt::format("postgres {}@{}:{}/{}", s_.user, s_.host, s_.port, s_.db_name);
}

Error PgConn::fail(const std::string& what) const {
  std::string msg = what;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
    msg.pop_back();
  }
  return Error::internal(fmt::format("{} ({}): {}", what_, describe(), msg));
}

Result<Ok> PgConn::connect() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) {
    return Ok{};
  }
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  const char* keys[] = {"host", "port", "user", "password", "dbname", "sslmode", "connect_timeout", "application_name",
                        nullptr};
  const char* vals[] = {s_.host.c_str(),
                        s_.port.c_str(),
                        s_.user.c_str(),
                        s_.password.c_str(),
                        s_.db_name.c_str(),
                        s_.ssl_mode.c_str(),
                        "10",
                        "heimdall",
                        nullptr};
  conn_ = PQconnectdbParams(keys, vals, 0);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    return fail("cannot connect: " + msg);
  }
  return Ok{};
}

Result<PgResultPtr> PgConn::run(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                                ExecStatusType want) {
  if (auto c = connect(); !c) {
    return c.error();
  }
  std::vector<const char*> vals;
  vals.reserve(params.size());
  for (const auto& p : params) {
    vals.push_back(p ? p->c_str() : nullptr);
  }
  PgResultPtr r(
      PQexecParams(conn_, sql.c_str(), static_cast<int>(vals.size()), nullptr, vals.data(), nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != want) {
    std::string msg = PQerrorMessage(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    return fail(msg);
  }
  return r;
}

Result<Ok> PgConn::exec(const std::string& sql) {
  if (auto c = connect(); !c) {
    return c.error();
  }
  PgResultPtr r(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    std::string msg = PQerrorMessage(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    return fail(msg);
  }
  return Ok{};
}

void PgConn::rollback() {
  if (conn_ != nullptr) {
    PgResultPtr(PQexec(conn_, "ROLLBACK"));
  }
}

} // namespace hd::store
