// Keyring access via libsecret (Debian libsecret-1): the secret schema "dev.heimdall.VirtualKey" with the
// attribute "base_url".
#include "cli/keyring.h"

#include <cstdlib>
#include <fmt/format.h>
#include <libsecret/secret.h>

namespace hd::cli {

namespace {

const SecretSchema* schema() {
  static const SecretSchema s = [] {
    SecretSchema v{};
    v.name = "dev.heimdall.VirtualKey";
    v.flags = SECRET_SCHEMA_NONE;
    v.attributes[0].name = "base_url";
    v.attributes[0].type = SECRET_SCHEMA_ATTRIBUTE_STRING;
    return v;
  }();
  return &s;
}

struct Attributes {
  GHashTable* table;
  explicit Attributes(const std::string& base_url) : table(g_hash_table_new(g_str_hash, g_str_equal)) {
    g_hash_table_insert(table, const_cast<char*>("base_url"), const_cast<char*>(base_url.c_str()));
  }
  ~Attributes() { g_hash_table_unref(table); }
  Attributes(const Attributes&) = delete;
  Attributes& operator=(const Attributes&) = delete;
};

std::string takeMessage(GError* err) {
  std::string m = err != nullptr && err->message != nullptr ? err->message : "unknown error";
  if (err != nullptr) {
    g_error_free(err);
  }
  return m;
}

bool haveBus(std::string* why) {
  const char* bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  if (bus == nullptr || *bus == '\0') {
    if (why != nullptr) {
      *why = "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)";
    }
    return false;
  }
  return true;
}

} // namespace

bool Keyring::available(std::string* why) {
  if (!haveBus(why)) {
    return false;
  }
  GError* err = nullptr;
  SecretService* svc = secret_service_get_sync(SECRET_SERVICE_NONE, nullptr, &err);
  if (svc == nullptr) {
    if (why != nullptr) {
      *why = fmt::format("no Secret Service on the session bus ({})", takeMessage(err));
    } else {
      takeMessage(err);
    }
    return false;
  }
  g_object_unref(svc);
  return true;
}

Result<std::optional<std::string>> Keyring::load(const std::string& base_url) {
  std::string why;
  if (!haveBus(&why)) {
    return Error::internal("keyring: " + why);
  }
  Attributes attrs(base_url);
  GError* err = nullptr;
  gchar* pw = secret_password_lookupv_sync(schema(), attrs.table, nullptr, &err);
  if (err != nullptr) {
    return Error::internal("keyring: " + takeMessage(err));
  }
  if (pw == nullptr) {
    return std::optional<std::string>();
  }
  std::string out(pw);
  secret_password_free(pw);
  return std::optional<std::string>(std::move(out));
}

Result<bool> Keyring::store(const std::string& base_url, const std::string& key) {
  std::string why;
  if (!haveBus(&why)) {
    return Error::internal("keyring: " + why);
  }
  Attributes attrs(base_url);
  GError* err = nullptr;
  std::string label = fmt::format("Heimdall virtual key for {}", base_url);
  gboolean ok = secret_password_storev_sync(schema(), attrs.table, SECRET_COLLECTION_DEFAULT, label.c_str(),
                                            key.c_str(), nullptr, &err);
  if (!ok || err != nullptr) {
    return Error::internal("keyring: " + takeMessage(err));
  }
  return true;
}

Result<bool> Keyring::remove(const std::string& base_url) {
  std::string why;
  if (!haveBus(&why)) {
    return Error::internal("keyring: " + why);
  }
  Attributes attrs(base_url);
  GError* err = nullptr;
  gboolean removed = secret_password_clearv_sync(schema(), attrs.table, nullptr, &err);
  if (err != nullptr) {
    return Error::internal("keyring: " + takeMessage(err));
  }
  return removed != FALSE;
}

} // namespace hd::cli
