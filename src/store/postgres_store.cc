// The PostgreSQL config store, for several replicas sharing one configuration. One connection,
// used from the store thread only; a broken connection is re-opened on the next call.

#include <fmt/format.h>
#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>

#include "store/config_store.h"
#include "store/pg_conn.h"
#include "store/schema.h"

namespace hd::store {
namespace {

// Serialises schema migrations between replicas starting at the same time.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7315020101)";

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class PostgresStore final : public ConfigStore {
public:
  explicit PostgresStore(PostgresSettings s) : conn_(std::move(s), "config store") {}

  std::string_view type() const override { return "postgres"; }
  std::string describe() const override { return conn_.describe(); }

  Error fail(const std::string& what) const { return conn_.fail(what); }

  // Runs one statement with text parameters; expects `want` (PGRES_COMMAND_OK or PGRES_TUPLES_OK).
  Result<PgResultPtr> run(const char* sql, const std::vector<std::optional<std::string>>& params, ExecStatusType want) {
    return conn_.run(sql, params, want);
  }

  Result<Ok> command(const char* sql) {
    auto r = run(sql, {}, PGRES_COMMAND_OK);
    if (!r) {
      return r.error();
    }
    return Ok{};
  }

  // Runs `body` inside a transaction; rolls back when it fails.
  template <class F> auto transaction(F&& body) -> decltype(body()) {
    if (auto r = command("BEGIN"); !r) {
      return r.error();
    }
    auto out = body();
    if (!out) {
      conn_.rollback();
      return out;
    }
    if (auto r = command("COMMIT"); !r) {
      return r.error();
    }
    return out;
  }

  Result<Ok> migrate() {
    return transaction([&]() -> Result<Ok> {
      if (auto r = run(kMigrationLock, {}, PGRES_TUPLES_OK); !r) {
        return r.error();
      }
      if (auto r = command("CREATE TABLE IF NOT EXISTS heimdall_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
          !r) {
        return r;
      }
      auto v = getMeta("schema_version");
      if (!v) {
        return v.error();
      }
      std::size_t applied = v.value() ? std::stoul(*v.value()) : 0;
      auto all = migrations();
      if (applied > all.size()) {
        return fail(fmt::format("the database was written by a newer Heimdall (schema {} > {})", applied, all.size()));
      }
      for (std::size_t i = applied; i < all.size(); ++i) {
        // Multi-statement text: PQexec (no parameters) runs it whole.
        if (auto r = conn_.exec(std::string(all[i])); !r) {
          return r;
        }
      }
      if (auto r = setMeta("schema_version", std::to_string(all.size())); !r) {
        return r.error();
      }
      return Ok{};
    });
  }

  Result<std::vector<Entity>> loadAll() override {
    auto r = run("SELECT kind, id, parent, body, file_hash, api_edited, updated_at FROM config_entities "
                 "ORDER BY kind, updated_at, id",
                 {}, PGRES_TUPLES_OK);
    if (!r) {
      return r.error();
    }
    std::vector<Entity> out;
    PGresult* res = r->get();
    for (int i = 0; i < PQntuples(res); ++i) {
      out.push_back(Entity{PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
                           PQgetvalue(res, i, 4), std::string_view(PQgetvalue(res, i, 5)) != "0",
                           std::stoll(PQgetvalue(res, i, 6))});
    }
    return out;
  }

  Result<std::int64_t> commit(const std::vector<Entity>& upserts, const std::vector<EntityRef>& deletes) override {
    return transaction([&]() -> Result<std::int64_t> {
      for (const auto& e : upserts) {
        auto r = run("INSERT INTO config_entities (kind, id, parent, body, file_hash, api_edited, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6::integer, $7::bigint) ON CONFLICT (kind, id) DO UPDATE SET "
                     "parent = excluded.parent, body = excluded.body, file_hash = excluded.file_hash, "
                     "api_edited = excluded.api_edited, updated_at = excluded.updated_at",
                     {e.kind, e.id, e.parent, e.body, e.file_hash, e.api_edited ? "1" : "0",
                      std::to_string(e.updated_at != 0 ? e.updated_at : nowMs())},
                     PGRES_COMMAND_OK);
        if (!r) {
          return r.error();
        }
      }
      for (const auto& d : deletes) {
        if (auto r = run("DELETE FROM config_entities WHERE kind = $1 AND id = $2", {d.kind, d.id}, PGRES_COMMAND_OK);
            !r) {
          return r.error();
        }
      }
      auto r = run("UPDATE heimdall_meta SET value = (value::bigint + 1)::text WHERE key = 'config_version' "
                   "RETURNING value",
                   {}, PGRES_TUPLES_OK);
      if (!r) {
        return r.error();
      }
      if (PQntuples(r->get()) != 1) {
        return fail("the config_version row is missing");
      }
      return std::stoll(PQgetvalue(r->get(), 0, 0));
    });
  }

  Result<std::int64_t> version() override {
    auto v = getMeta("config_version");
    if (!v) {
      return v.error();
    }
    return v.value() ? std::stoll(*v.value()) : 0;
  }

  Result<std::optional<std::string>> getMeta(const std::string& key) override {
    auto r = run("SELECT value FROM heimdall_meta WHERE key = $1", {key}, PGRES_TUPLES_OK);
    if (!r) {
      return r.error();
    }
    if (PQntuples(r->get()) == 0) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(PQgetvalue(r->get(), 0, 0));
  }

  Result<bool> setMeta(const std::string& key, const std::string& value) override {
    auto r = run("INSERT INTO heimdall_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
                 "excluded.value",
                 {key, value}, PGRES_COMMAND_OK);
    if (!r) {
      return r.error();
    }
    return true;
  }

  Result<bool> deleteMeta(const std::string& key) override {
    auto r = run("DELETE FROM heimdall_meta WHERE key = $1", {key}, PGRES_COMMAND_OK);
    if (!r) {
      return r.error();
    }
    return std::string_view(PQcmdTuples(r->get())) != "0";
  }

private:
  PgConn conn_;
};

} // namespace

Result<std::unique_ptr<ConfigStore>> openPostgres(const PostgresSettings& settings) {
  auto store = std::make_unique<PostgresStore>(settings);
  if (auto r = store->migrate(); !r) {
    return r.error();
  }
  return std::unique_ptr<ConfigStore>(std::move(store));
}

} // namespace hd::store
