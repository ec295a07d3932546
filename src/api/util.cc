#include "api/util.h"

#include <fmt/format.h>

#include <array>

#include "control/admin_auth.h"
#include "control/secret_fields.h"
#include "core/json_util.h"

namespace hd::api {

namespace js = boost::json;
namespace asio = boost::asio;

namespace {

// EnvVar fields (Bifrost's `EnvVar` type): they accept "env.VAR" and come back as objects.
struct EnvField {
  std::string_view kind;
  std::string_view object; // "" = top level
  std::string_view field;
};
constexpr std::array<EnvField, 8> kEnvFields = {{
    {"key", "", "value"},
    {"key", "azure_key_config", "endpoint"},
    {"key", "azure_key_config", "client_id"},
    {"key", "azure_key_config", "client_secret"},
    {"key", "azure_key_config", "tenant_id"},
    {"key", "azure_key_config", "client_certificate"},
    {"key", "azure_key_config", "client_certificate_password"},
    {"provider", "network_config", "base_url"},
}};

std::string fieldPath(const EnvField& f) {
  return f.object.empty() ? std::string(f.field) : fmt::format("{}.{}", f.object, f.field);
}

js::object* container(js::object& body, const EnvField& f) {
  if (f.object.empty()) {
    return &body;
  }
  auto* o = body.if_contains(f.object);
  return o != nullptr && o->is_object() ? &o->get_object() : nullptr;
}

const js::value* previousValue(const js::object* previous, const EnvField& f) {
  if (previous == nullptr) {
    return nullptr;
  }
  const js::object* o = previous;
  if (!f.object.empty()) {
    const auto* inner = previous->if_contains(f.object);
    if (inner == nullptr || !inner->is_object()) {
      return nullptr;
    }
    o = &inner->get_object();
  }
  return o->if_contains(f.field);
}

} // namespace

std::string errorBody(const Error& err) {
  std::string_view type = err.status == 409   ? "conflict_error"
                          : err.status == 503 ? "unavailable_error"
                                              : http::errorTypeName(err.kind);
  js::object e;
  e["type"] = type;
  e["message"] = err.message;
  js::object o;
  o["error"] = std::move(e);
  o["status_code"] = err.status;
  return js::serialize(o);
}

Error conflict(std::string msg) {
  return Error{ErrorKind::InvalidRequest, 409, std::move(msg)};
}

asio::awaitable<void> sendError(http::ServerExchange& ex, const Error& err) {
  std::vector<std::pair<std::string, std::string>> headers;
  // The Basic challenge, except to the dashboard's own calls (X-Requested-With), where it would make
  // the browser pop up its password dialog instead of letting the page show its sign-in form.
  if (err.status == 401 && ex.header("x-requested-with") != "XMLHttpRequest") {
    headers.emplace_back("www-authenticate", R"(Basic realm="heimdall")");
  }
  co_await ex.sendJson(static_cast<unsigned>(err.status), errorBody(err), headers);
}

asio::awaitable<void> sendValue(http::ServerExchange& ex, unsigned status, const js::value& v) {
  co_await ex.sendJson(status, js::serialize(v));
}

asio::awaitable<void> applyAndAnswer(const Context& ctx, http::ServerExchange& ex, control::Mutation mutation) {
  auto result = co_await ctx.svc->mutate(std::move(mutation));
  if (!result) {
    co_await sendError(ex, result.error());
    co_return;
  }
  co_await sendValue(ex, result->status, result->response);
}

Result<js::object> bodyObject(const http::ServerExchange& ex) {
  auto parsed = json::parse(ex.request().body());
  if (!parsed) {
    return parsed.error();
  }
  if (!parsed->is_object()) {
    return Error::invalidRequest("request body: expected a JSON object");
  }
  return std::move(parsed->get_object());
}

http::Handler guarded(const Context& ctx, ApiHandler h) {
  return [&ctx, h = std::move(h)](http::ServerExchange& ex) -> asio::awaitable<void> {
    if (ctx.auth != nullptr && ctx.auth->enabled()) {
      auto ok = co_await ctx.auth->check(std::string(ex.header("authorization")), ex.clientAddress());
      if (!ok) {
        co_await sendError(ex, ok.error());
        co_return;
      }
    }
    co_await h(ctx, ex);
  };
}

Result<Ok> normaliseEnvVars(std::string_view kind, js::object& body, const js::object* previous) {
  for (const auto& f : kEnvFields) {
    if (f.kind != kind) {
      continue;
    }
    js::object* o = container(body, f);
    if (o == nullptr) {
      continue;
    }
    auto* v = o->if_contains(f.field);
    if (v == nullptr) {
      continue;
    }
    std::string path = fieldPath(f);
    if (v->is_object()) {
      const auto& eo = v->get_object();
      const auto* from_env = eo.if_contains("from_env");
      const auto* env_var = eo.if_contains("env_var");
      const auto* value = eo.if_contains("value");
      if (from_env != nullptr && from_env->is_bool() && from_env->get_bool()) {
        if (env_var == nullptr || !env_var->is_string() || env_var->get_string().empty()) {
          return Error::invalidRequest(fmt::format("{}.env_var: required when from_env is true", path));
        }
        std::string ref(env_var->get_string());
        *v = ref.rfind("env.", 0) == 0 ? ref : "env." + ref;
      } else if (value != nullptr && value->is_string()) {
        *v = js::string(value->get_string());
      } else {
        return Error::invalidRequest(
            fmt::format("{}: expected a string, \"env.VAR_NAME\", or {{\"value\", \"env_var\", \"from_env\"}}", path));
      }
    }
    if (v->is_string() && v->get_string() == kRedacted && control::isSecretPath(kind, path)) {
      const js::value* prev = previousValue(previous, f);
      if (prev == nullptr || !prev->is_string()) {
        return Error::invalidRequest(
            fmt::format("{}: \"{}\" is the redaction placeholder; send the secret or an \"env.VAR_NAME\" reference",
                        path, kRedacted));
      }
      *v = prev->get_string();
    }
  }
  return Ok{};
}

js::object redact(std::string_view kind, const js::object& body, const config::EnvLookup& env) {
  js::object out = body;
  for (const auto& f : kEnvFields) {
    if (f.kind != kind) {
      continue;
    }
    js::object* o = container(out, f);
    if (o == nullptr) {
      continue;
    }
    auto* v = o->if_contains(f.field);
    if (v == nullptr || !v->is_string()) {
      continue;
    }
    std::string s(v->get_string());
    bool from_env = s.rfind("env.", 0) == 0;
    bool secret = control::isSecretPath(kind, fieldPath(f));
    js::object r;
    if (secret) {
      r["value"] = s.empty() ? "" : std::string(kRedacted);
    } else if (from_env) {
      auto resolved = env(s.substr(4));
      r["value"] = resolved.value_or("");
    } else {
      r["value"] = s;
    }
    r["env_var"] = from_env ? s : "";
    r["from_env"] = from_env;
    *v = std::move(r);
  }
  // Secrets that are not EnvVar fields are redacted outright.
  control::forEachSecret(kind, out, [](js::string& s) {
    if (!s.empty()) {
      s = kRedacted;
    }
  });
  return out;
}

} // namespace hd::api
