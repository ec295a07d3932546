#include "auth/registry.h"

#include <fmt/format.h>
#include <openssl/sha.h>

#include <array>

#include "auth/token_request.h"

namespace hd::auth {

namespace {

// A short digest standing in for a secret in cache keys.
std::string digest(std::string_view secret) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), d.data());
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    out += fmt::format("{:02x}", d[i]);
  }
  return out;
}

} // namespace

AzureAuthMethod azureAuthMethod(const config::Key& key) {
  if (key.azure) {
    const auto& az = *key.azure;
    if (!az.client_id.empty() && !az.tenant_id.empty()) {
      if (!az.client_secret.empty()) {
        return AzureAuthMethod::ServicePrincipal;
      }
      if (!az.client_certificate.empty()) {
        return AzureAuthMethod::Certificate;
      }
    }
  }
  return key.value.empty() ? AzureAuthMethod::DefaultChain : AzureAuthMethod::ApiKey;
}

std::string_view toString(AzureAuthMethod m) {
  switch (m) {
  case AzureAuthMethod::ServicePrincipal:
    return "service principal";
  case AzureAuthMethod::Certificate:
    return "certificate";
  case AzureAuthMethod::ApiKey:
    return "api key";
  case AzureAuthMethod::DefaultChain:
    return "default credential chain";
  }
  return "?";
}

Authenticator::Authenticator(AzureEnvironment env, TokenCacheOptions cache_opts)
    : env_(std::move(env)), cache_(std::move(cache_opts)) {}

Authenticator& Authenticator::global() {
  static Authenticator instance(AzureEnvironment::fromProcess());
  return instance;
}

std::pair<std::string, CredentialPtr> Authenticator::credentialFor(const config::Key& key) {
  static const config::AzureKeyConfig kNone;
  const auto& az = key.azure ? *key.azure : kNone;
  std::string authority = !az.authority_host.empty()     ? az.authority_host
                          : !env_.authority_host.empty() ? env_.authority_host
                                                         : std::string(kPublicAuthorityHost);
  std::string imds = !az.imds_endpoint.empty()     ? az.imds_endpoint
                     : !env_.imds_endpoint.empty() ? env_.imds_endpoint
                                                   : std::string(kDefaultImdsEndpoint);
  auto method = azureAuthMethod(key);
  std::string id;
  switch (method) {
  case AzureAuthMethod::ServicePrincipal:
    id = fmt::format("sp|{}|{}|{}|{}", authority, az.tenant_id, az.client_id, digest(az.client_secret));
    break;
  case AzureAuthMethod::Certificate:
    id = fmt::format("cert|{}|{}|{}|{}", authority, az.tenant_id, az.client_id,
                     digest(az.client_certificate + '\0' + az.client_certificate_password));
    break;
  case AzureAuthMethod::ApiKey:
  case AzureAuthMethod::DefaultChain:
    id = fmt::format("default|{}|{}|{}|{}", authority, az.tenant_id, az.client_id, imds);
    break;
  }
  std::lock_guard lock(mu_);
  auto& cred = credentials_[id];
  if (!cred) {
    switch (method) {
    case AzureAuthMethod::ServicePrincipal:
      cred = makeClientSecretCredential(authority, az.tenant_id, az.client_id, az.client_secret);
      break;
    case AzureAuthMethod::Certificate:
      cred = makeClientCertificateCredential(authority, az.tenant_id, az.client_id, az.client_certificate,
                                             az.client_certificate_password);
      break;
    case AzureAuthMethod::ApiKey:
    case AzureAuthMethod::DefaultChain: {
      ChainOptions opts;
      opts.client_id = az.client_id;
      opts.tenant_id = az.tenant_id;
      opts.authority_host = authority;
      opts.imds_endpoint = imds;
      cred = makeDefaultCredentialChain(env_, opts);
      break;
    }
    }
  }
  return {id, cred};
}

boost::asio::awaitable<Result<std::string>> Authenticator::azureToken(const config::Key& key, upstream::Pool& pool) {
  auto [id, cred] = credentialFor(key);
  const std::vector<std::string> none;
  const auto& scopes = key.azure ? key.azure->scopes : none;
  co_return co_await cache_.get(id + "|" + joinScopes(scopes), cred, scopes, pool);
}

} // namespace hd::auth
