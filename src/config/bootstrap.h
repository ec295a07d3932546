#pragma once
// Settings read from config.json only, before anything else starts: where the config store is,
// the encryption key for secrets at rest, and admin authentication. They cannot change at runtime.

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "config/loader.h"
#include "core/error.h"

namespace hd::config {

struct StoreSettings {
  bool enabled = true;         // the default: SQLite in the app dir
  std::string type = "sqlite"; // "sqlite" | "postgres"
  std::string sqlite_path;     // empty = <app dir>/config.db
  std::string pg_host = "localhost";
  std::string pg_port = "5432";
  std::string pg_user;
  std::string pg_password; // secret; never logged
  std::string pg_db_name;
  std::string pg_ssl_mode = "disable";
};

struct AuthSettings {
  bool enabled = false;
  std::string admin_username;
  std::string admin_password; // secret (plain text or an Argon2id hash); never logged
  bool disable_auth_on_inference = false;
};

struct Bootstrap {
  StoreSettings config_store;
  StoreSettings logs_store;   // the request log (sqlite_path empty = <app dir>/logs.db)
  std::string encryption_key; // secret; empty = secrets stored in plain text
  AuthSettings auth;
};

// `root` is the whole config.json (or null when there is none). The encryption key comes from
// `encryption_key` or else the HEIMDALL_ENCRYPTION_KEY environment variable.
Result<Bootstrap> parseBootstrap(const boost::json::value* root, const EnvLookup& env);

} // namespace hd::config
