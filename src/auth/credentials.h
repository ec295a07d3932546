#pragma once
// The Entra ID credential types (one file each):
// - client_secret.cc: service principal with a client secret (OAuth 2.0 client credentials);
// - client_certificate.cc: service principal with a certificate (signed JWT client assertion);
// - workload_identity.cc: federated credential from AZURE_FEDERATED_TOKEN_FILE (AKS workload identity);
// - managed_identity.cc: App Service / Functions (IDENTITY_ENDPOINT) or the instance metadata service;
// - azure_cli.cc: `az account get-access-token`;
// - default_chain.cc: environment, workload identity, managed identity, Azure CLI, in that order.

#include <string>

#include "auth/credential.h"
#include "auth/environment.h"

namespace hd::auth {

CredentialPtr makeClientSecretCredential(std::string authority, std::string tenant, std::string client_id,
                                         std::string secret);

CredentialPtr makeClientCertificateCredential(std::string authority, std::string tenant, std::string client_id,
                                              const std::string& pem, const std::string& password);

CredentialPtr makeWorkloadIdentityCredential(std::string authority, std::string tenant, std::string client_id,
                                             std::string token_file);

// `client_id` selects a user-assigned identity ("" = system-assigned). `imds_endpoint` is used when the
// environment has no App Service identity endpoint.
CredentialPtr makeManagedIdentityCredential(const AzureEnvironment& env, std::string client_id,
                                            std::string imds_endpoint);

CredentialPtr makeAzureCliCredential(std::string az_path, std::string tenant);

// What the default chain may use besides the environment: the key's own client_id / tenant_id (a
// user-assigned identity, or workload identity without AZURE_CLIENT_ID), authority host and IMDS address.
struct ChainOptions {
  std::string client_id;
  std::string tenant_id;
  std::string authority_host; // resolved
  std::string imds_endpoint;  // resolved
};

CredentialPtr makeDefaultCredentialChain(const AzureEnvironment& env, const ChainOptions& opts);

// Short, log-safe form of an id: the first 8 characters and an ellipsis.
std::string abbreviate(std::string_view id);

} // namespace hd::auth
