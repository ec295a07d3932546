#include "control/secret_fields.h"

#include <array>
#include <string>

namespace hd::control {

namespace js = boost::json;

namespace {

struct SecretPath {
  std::string_view kind;
  std::string_view object; // "" = top level of the body
  std::string_view field;
};

constexpr std::array<SecretPath, 6> kSecrets = {{
    {"key", "", "value"},
    {"key", "azure_key_config", "client_secret"},
    {"key", "azure_key_config", "client_certificate"},
    {"key", "azure_key_config", "client_certificate_password"},
    {"provider", "proxy_config", "password"},
    {"virtual_key", "", "value"},
}};

} // namespace

void forEachSecret(std::string_view kind, js::object& body, const std::function<void(js::string&)>& f) {
  if (kind == "mcp_client") {
    // Every header value of an MCP client may carry a credential.
    if (auto* h = body.if_contains("headers"); h != nullptr && h->is_object()) {
      for (auto& kv : h->get_object()) {
        if (kv.value().is_string()) {
          f(kv.value().get_string());
        }
      }
    }
    return;
  }
  for (const auto& s : kSecrets) {
    if (s.kind != kind) {
      continue;
    }
    js::object* o = &body;
    if (!s.object.empty()) {
      auto* inner = body.if_contains(s.object);
      if (inner == nullptr || !inner->is_object()) {
        continue;
      }
      o = &inner->get_object();
    }
    if (auto* v = o->if_contains(s.field); v != nullptr && v->is_string()) {
      f(v->get_string());
    }
  }
}

bool isSecretPath(std::string_view kind, std::string_view path) {
  if (kind == "mcp_client") {
    return path.substr(0, 8) == "headers.";
  }
  for (const auto& s : kSecrets) {
    std::string full = s.object.empty() ? std::string(s.field) : std::string(s.object) + "." + std::string(s.field);
    if (s.kind == kind && full == path) {
      return true;
    }
  }
  return false;
}

} // namespace hd::control
