// The request log's PostgreSQL connection (logs_store type "postgres"), through store/pg_conn.h.

#include <fmt/format.h>

#include "logs/db.h"
#include "store/pg_conn.h"

namespace hd::logs {

namespace {

// `?` placeholders -> `$1`, `$2`, ... (the log store's SQL has no `?` anywhere else).
std::string numbered(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += fmt::format("${}", ++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::optional<std::string>> texts(const std::vector<SqlValue>& params) {
  std::vector<std::optional<std::string>> out;
  out.reserve(params.size());
  for (const auto& p : params) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            out.emplace_back(std::nullopt);
          } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
            out.emplace_back(std::string(v));
          } else if constexpr (std::is_same_v<T, double>) {
            out.emplace_back(fmt::format("{}", v));
          } else {
            out.emplace_back(std::to_string(v));
          }
        },
        p);
  }
  return out;
}

class PostgresDb final : public Db {
public:
  explicit PostgresDb(const store::PostgresSettings& s) : conn_(s, "logs store") {}

  Dialect dialect() const override { return Dialect::Postgres; }
  std::string describe() const override { return conn_.describe(); }

  Result<std::vector<Row>> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto r = conn_.run(numbered(sql), texts(params), PGRES_TUPLES_OK);
    if (!r) {
      return r.error();
    }
    PGresult* res = r->get();
    std::vector<Row> out;
    int rows = PQntuples(res);
    int cols = PQnfields(res);
    out.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      Row row;
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        row.push_back(PQgetisnull(res, i, c) != 0
                          ? std::nullopt
                          : std::optional<std::string>(
                                std::string(PQgetvalue(res, i, c), static_cast<std::size_t>(PQgetlength(res, i, c)))));
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto r = conn_.run(numbered(sql), texts(params), PGRES_COMMAND_OK);
    if (!r) {
      return r.error();
    }
    std::string_view n = PQcmdTuples(r->get());
    return n.empty() ? 0 : std::stoll(std::string(n));
  }

  Result<Ok> script(const std::string& sql) override { return conn_.exec(sql); }
  Result<Ok> begin() override { return conn_.exec("BEGIN"); }
  Result<Ok> commit() override { return conn_.exec("COMMIT"); }
  void rollback() override { conn_.rollback(); }

private:
  store::PgConn conn_;
};

} // namespace

Result<std::unique_ptr<Db>> openPostgresDb(const store::PostgresSettings& settings) {
  auto db = std::make_unique<PostgresDb>(settings);
  if (auto r = db->script("SELECT 1"); !r) {
    return r.error();
  }
  return std::unique_ptr<Db>(std::move(db));
}

} // namespace hd::logs
