#include "auth/environment.h"

#include <cstdlib>

namespace hd::auth {

namespace {

std::string trimmedUrl(std::string s) {
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

} // namespace

AzureEnvironment AzureEnvironment::read(const Lookup& lookup) {
  auto get = [&](const char* name) { return lookup(name).value_or(""); };
  AzureEnvironment e;
  e.authority_host = trimmedUrl(get("AZURE_AUTHORITY_HOST"));
  e.client_id = get("AZURE_CLIENT_ID");
  e.client_secret = get("AZURE_CLIENT_SECRET");
  e.tenant_id = get("AZURE_TENANT_ID");
  e.client_certificate_path = get("AZURE_CLIENT_CERTIFICATE_PATH");
  e.client_certificate_password = get("AZURE_CLIENT_CERTIFICATE_PASSWORD");
  e.federated_token_file = get("AZURE_FEDERATED_TOKEN_FILE");
  e.identity_endpoint = get("IDENTITY_ENDPOINT");
  e.identity_header = get("IDENTITY_HEADER");
  e.imds_endpoint = trimmedUrl(get("AZURE_POD_IDENTITY_AUTHORITY_HOST"));
  e.path = get("PATH");
  return e;
}

AzureEnvironment AzureEnvironment::fromProcess() {
  return read([](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v == nullptr ? std::nullopt : std::optional<std::string>(v);
  });
}

} // namespace hd::auth
