#pragma once
// Where configuration made through the management API lives: one interface, two backends
// (SQLite, the embedded default, and PostgreSQL for several replicas sharing one configuration).
//
// The store is deliberately generic: every configured thing is an Entity (a kind, an id, the
// Bifrost-shaped JSON body) so new kinds (virtual keys, MCP clients, ...) need no new tables.
// All calls are blocking; callers run them on the store thread (store/runner.h), never on a
// request worker.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace hd::store {

struct Entity {
  std::string kind;      // "provider", "key", "client", ...
  std::string id;        // unique within the kind
  std::string parent;    // e.g. the provider of a key; "" when none
  std::string body;      // JSON text; sensitive fields may be sealed (secrets/crypto.h)
  std::string file_hash; // hash of the config.json entry it came from; "" when created through the API
  bool api_edited = false;
  std::int64_t updated_at = 0; // unix milliseconds
};

struct EntityRef {
  std::string kind;
  std::string id;
};

struct PostgresSettings {
  std::string host = "localhost";
  std::string port = "5432";
  std::string user;
  std::string password;
  std::string db_name;
  std::string ssl_mode = "disable";
};

class ConfigStore {
public:
  virtual ~ConfigStore() = default;
  virtual std::string_view type() const = 0;
  // Where it lives, for logs (no credentials).
  virtual std::string describe() const = 0;

  virtual Result<std::vector<Entity>> loadAll() = 0;
  // Upserts and deletes in one transaction; bumps the config version so other replicas reload.
  virtual Result<std::int64_t> commit(const std::vector<Entity>& upserts, const std::vector<EntityRef>& deletes) = 0;
  // A counter bumped by every commit (by any replica).
  virtual Result<std::int64_t> version() = 0;

  virtual Result<std::optional<std::string>> getMeta(const std::string& key) = 0;
  virtual Result<bool> setMeta(const std::string& key, const std::string& value) = 0;
  virtual Result<bool> deleteMeta(const std::string& key) = 0;
};

// Opens (creating if needed) and migrates to the current schema.
Result<std::unique_ptr<ConfigStore>> openSqlite(const std::string& path);
Result<std::unique_ptr<ConfigStore>> openPostgres(const PostgresSettings& settings);

} // namespace hd::store
