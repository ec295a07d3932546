#include "config/bootstrap.h"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace hd::config {
namespace {

namespace js = boost::json;

Error bad(const std::string& path, const std::string& what) {
  return Error::invalidRequest(fmt::format("{}: {}", path, what));
}

// Reads an optional string field, resolving `env.VAR`.
Result<Ok> readString(const js::object& o, const char* field, const std::string& path, const EnvLookup& env,
                      std::string& out) {
  const auto* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return Ok{};
  }
  std::string p = path + "." + field;
  if (v->is_int64() || v->is_uint64()) { // ports are often written as numbers
    out = js::serialize(*v);
    return Ok{};
  }
  if (!v->is_string()) {
    return bad(p, "expected a string");
  }
  std::string s(v->get_string());
  if (s.rfind("env.", 0) == 0) {
    auto val = env(s.substr(4));
    if (!val) {
      return bad(p, fmt::format("environment variable {} is not set", s.substr(4)));
    }
    s = *val;
  }
  out = std::move(s);
  return Ok{};
}

Result<Ok> readBool(const js::object& o, const char* field, const std::string& path, bool& out) {
  const auto* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return Ok{};
  }
  if (!v->is_bool()) {
    return bad(path + "." + field, "expected true or false");
  }
  out = v->get_bool();
  return Ok{};
}

Result<Ok> parseStore(const js::value& v, const EnvLookup& env, StoreSettings& s,
                      const std::string& name = "config_store") {
  if (!v.is_object()) {
    return bad(name, "expected an object");
  }
  const auto& o = v.get_object();
  if (auto r = readBool(o, "enabled", name, s.enabled); !r) {
    return r;
  }
  if (auto r = readString(o, "type", name, env, s.type); !r) {
    return r;
  }
  if (s.type != "sqlite" && s.type != "postgres") {
    return bad(name + ".type", fmt::format("unsupported store \"{}\" (expected \"sqlite\" or \"postgres\")", s.type));
  }
  const auto* c = o.if_contains("config");
  if (c == nullptr || c->is_null()) {
    if (s.type == "postgres" && s.enabled) {
      return bad(name + ".config", "required for postgres (host, port, user, password, db_name, ssl_mode)");
    }
    return Ok{};
  }
  if (!c->is_object()) {
    return bad(name + ".config", "expected an object");
  }
  const auto& co = c->get_object();
  const std::string p = name + ".config";
  if (s.type == "sqlite") {
    return readString(co, "path", p, env, s.sqlite_path);
  }
  for (auto [field, dst] : {std::pair{"host", &s.pg_host}, std::pair{"port", &s.pg_port}, std::pair{"user", &s.pg_user},
                            std::pair{"password", &s.pg_password}, std::pair{"db_name", &s.pg_db_name},
                            std::pair{"ssl_mode", &s.pg_ssl_mode}}) {
    if (auto r = readString(co, field, p, env, *dst); !r) {
      return r;
    }
  }
  if (s.enabled && s.pg_db_name.empty()) {
    return bad(p + ".db_name", "required for postgres");
  }
  if (s.enabled && s.pg_user.empty()) {
    return bad(p + ".user", "required for postgres");
  }
  return Ok{};
}

Result<Ok> parseAuth(const js::value& v, const EnvLookup& env, AuthSettings& a) {
  if (!v.is_object()) {
    return bad("auth_config", "expected an object");
  }
  const auto& o = v.get_object();
  if (auto r = readBool(o, "is_enabled", "auth_config", a.enabled); !r) {
    return r;
  }
  if (auto r = readBool(o, "disable_auth_on_inference", "auth_config", a.disable_auth_on_inference); !r) {
    return r;
  }
  if (auto r = readString(o, "admin_username", "auth_config", env, a.admin_username); !r) {
    return r;
  }
  if (auto r = readString(o, "admin_password", "auth_config", env, a.admin_password); !r) {
    return r;
  }
  if (a.enabled && (a.admin_username.empty() || a.admin_password.empty())) {
    return bad(a.admin_username.empty() ? "auth_config.admin_username" : "auth_config.admin_password",
               "required when auth_config.is_enabled is true");
  }
  return Ok{};
}

} // namespace

Result<Bootstrap> parseBootstrap(const js::value* root, const EnvLookup& env) {
  Bootstrap b;
  if (root != nullptr && root->is_object()) {
    const auto& o = root->get_object();
    if (const auto* v = o.if_contains("config_store"); v != nullptr && !v->is_null()) {
      if (auto r = parseStore(*v, env, b.config_store); !r) {
        return r.error();
      }
    }
    if (const auto* v = o.if_contains("logs_store"); v != nullptr && !v->is_null()) {
      if (auto r = parseStore(*v, env, b.logs_store, "logs_store"); !r) {
        return r.error();
      }
    }
    if (auto r = readString(o, "encryption_key", "config", env, b.encryption_key); !r) {
      return r.error();
    }
    if (const auto* v = o.if_contains("auth_config"); v != nullptr && !v->is_null()) {
      if (auto r = parseAuth(*v, env, b.auth); !r) {
        return r.error();
      }
    }
  }
  if (b.encryption_key.empty()) {
    if (auto k = env("HEIMDALL_ENCRYPTION_KEY"); k && !k->empty()) {
      b.encryption_key = *k;
    }
  }
  return b;
}

} // namespace hd::config
