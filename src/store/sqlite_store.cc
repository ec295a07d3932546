// The SQLite config store: the embedded default (config.db in the app dir, WAL journal).

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <string>

#include "store/config_store.h"
#include "store/schema.h"
#include "store/sqlite_stmt.h"

namespace hd::store {
namespace {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SqliteStore final : public ConfigStore {
public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  std::string_view type() const override { return "sqlite"; }
  std::string describe() const override { return "sqlite " + path_; }

  Result<Ok> exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return fail(msg);
    }
    return Ok{};
  }

  Error fail(const std::string& what) const {
    return Error::internal(fmt::format("config store ({}): {}", path_, what));
  }

  Result<Ok> migrate() {
    if (auto r = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"); !r) {
      return r;
    }
    if (auto r = exec("BEGIN IMMEDIATE"); !r) {
      return r;
    }
    auto done = [&]() -> Result<Ok> {
      if (auto r = exec("CREATE TABLE IF NOT EXISTS heimdall_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"); !r) {
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
        if (auto r = exec(std::string(all[i])); !r) {
          return r;
        }
      }
      if (auto r = setMeta("schema_version", std::to_string(all.size())); !r) {
        return r.error();
      }
      return Ok{};
    }();
    if (!done) {
      (void)exec("ROLLBACK");
      return done;
    }
    return exec("COMMIT");
  }

  Result<std::vector<Entity>> loadAll() override {
    Stmt st(db_, "SELECT kind, id, parent, body, file_hash, api_edited, updated_at FROM config_entities "
                 "ORDER BY kind, updated_at, id");
    if (!st.ok()) {
      return fail(st.error());
    }
    std::vector<Entity> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      out.push_back(Entity{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.int64(5) != 0, st.int64(6)});
    }
    if (rc != SQLITE_DONE) {
      return fail(st.error());
    }
    return out;
  }

  Result<std::int64_t> commit(const std::vector<Entity>& upserts, const std::vector<EntityRef>& deletes) override {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) {
      return r.error();
    }
    auto body = [&]() -> Result<std::int64_t> {
      for (const auto& e : upserts) {
        Stmt st(db_,
                "INSERT INTO config_entities (kind, id, parent, body, file_hash, api_edited, updated_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (kind, id) DO UPDATE SET parent = excluded.parent, "
                "body = excluded.body, file_hash = excluded.file_hash, api_edited = excluded.api_edited, "
                "updated_at = excluded.updated_at");
        st.bind(1, e.kind).bind(2, e.id).bind(3, e.parent).bind(4, e.body).bind(5, e.file_hash);
        st.bind(6, static_cast<std::int64_t>(e.api_edited ? 1 : 0)).bind(7, e.updated_at != 0 ? e.updated_at : nowMs());
        if (st.step() != SQLITE_DONE) {
          return fail(st.error());
        }
      }
      for (const auto& d : deletes) {
        Stmt st(db_, "DELETE FROM config_entities WHERE kind = ?1 AND id = ?2");
        st.bind(1, d.kind).bind(2, d.id);
        if (st.step() != SQLITE_DONE) {
          return fail(st.error());
        }
      }
      Stmt st(db_, "UPDATE heimdall_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                   "WHERE key = 'config_version' RETURNING value");
      if (st.step() != SQLITE_ROW) {
        return fail(st.error());
      }
      return std::stoll(st.text(0));
    }();
    if (!body) {
      (void)exec("ROLLBACK");
      return body;
    }
    if (auto r = exec("COMMIT"); !r) {
      return r.error();
    }
    return body;
  }

  Result<std::int64_t> version() override {
    auto v = getMeta("config_version");
    if (!v) {
      return v.error();
    }
    return v.value() ? std::stoll(*v.value()) : 0;
  }

  Result<std::optional<std::string>> getMeta(const std::string& key) override {
    Stmt st(db_, "SELECT value FROM heimdall_meta WHERE key = ?1");
    if (!st.ok()) {
      return fail(st.error());
    }
    st.bind(1, key);
    int rc = st.step();
    if (rc == SQLITE_ROW) {
      return std::optional<std::string>(st.text(0));
    }
    if (rc == SQLITE_DONE) {
      return std::optional<std::string>();
    }
    return fail(st.error());
  }

  Result<bool> setMeta(const std::string& key, const std::string& value) override {
    Stmt st(db_, "INSERT INTO heimdall_meta (key, value) VALUES (?1, ?2) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    st.bind(1, key).bind(2, value);
    if (st.step() != SQLITE_DONE) {
      return fail(st.error());
    }
    return true;
  }

  Result<bool> deleteMeta(const std::string& key) override {
    Stmt st(db_, "DELETE FROM heimdall_meta WHERE key = ?1");
    st.bind(1, key);
    if (st.step() != SQLITE_DONE) {
      return fail(st.error());
    }
    return sqlite3_changes(db_) > 0;
  }

private:
  sqlite3* db_;
  std::string path_;
};

} // namespace

Result<std::unique_ptr<ConfigStore>> openSqlite(const std::string& path) {
  auto opened = openSqliteFile(path, SQLITE_OPEN_FULLMUTEX);
  if (auto* msg = std::get_if<std::string>(&opened)) {
    return Error::internal(fmt::format("cannot open the config store {}: {}", path, *msg));
  }
  auto store = std::make_unique<SqliteStore>(std::get<sqlite3*>(opened), path);
  if (auto r = store->migrate(); !r) {
    return r.error();
  }
  return std::unique_ptr<ConfigStore>(std::move(store));
}

} // namespace hd::store
