#pragma once
// The standard Azure identity environment variables, read once. Every endpoint is overridable so tests
// (and sovereign clouds) never reach the public ones:
// - AZURE_AUTHORITY_HOST: Entra ID authority (default https://login.microsoftonline.com);
// - AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID / AZURE_CLIENT_CERTIFICATE_PATH /
//   AZURE_CLIENT_CERTIFICATE_PASSWORD: the environment credential;
// - AZURE_FEDERATED_TOKEN_FILE: workload identity (AKS);
// - IDENTITY_ENDPOINT / IDENTITY_HEADER: App Service and Functions managed identity;
// - AZURE_POD_IDENTITY_AUTHORITY_HOST: the instance metadata service (default http://169.254.169.254);
// - PATH: where to look for the Azure CLI (`az`).

#include <functional>
#include <optional>
#include <string>

namespace hd::auth {

struct AzureEnvironment {
  std::string authority_host;
  std::string client_id;
  std::string client_secret;
  std::string tenant_id;
  std::string client_certificate_path;
  std::string client_certificate_password;
  std::string federated_token_file;
  std::string identity_endpoint;
  std::string identity_header;
  std::string imds_endpoint;
  std::string path;

  using Lookup = std::function<std::optional<std::string>(const std::string&)>;
  static AzureEnvironment read(const Lookup& lookup);
  static AzureEnvironment fromProcess();
};

inline constexpr std::string_view kDefaultImdsEndpoint = "http://169.254.169.254";

} // namespace hd::auth
