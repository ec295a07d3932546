#pragma once
// Azure authentication per key: which method a key uses (precedence below), the credential object for
// it (created once and shared by every worker and config snapshot with the same settings), and the
// process-wide token cache.
//
// Precedence (Bifrost's): service principal when client_id, client_secret and tenant_id are all set (a
// certificate service principal when client_certificate replaces client_secret); else the API key in
// `value`; else the default credential chain (auth/default_chain.cc).

#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "auth/credentials.h"
#include "auth/token_cache.h"
#include "config/config.h"

namespace hd::auth {

enum class AzureAuthMethod { ServicePrincipal, Certificate, ApiKey, DefaultChain };

AzureAuthMethod azureAuthMethod(const config::Key& key);
std::string_view toString(AzureAuthMethod m);

class Authenticator {
public:
  Authenticator(AzureEnvironment env, TokenCacheOptions cache_opts = {});

  // The one used by the server (environment read from the process at first use).
  static Authenticator& global();

  // A bearer token for an Azure key whose method is not ApiKey. Errors name the credential source.
  boost::asio::awaitable<Result<std::string>> azureToken(const config::Key& key, upstream::Pool& pool);

  TokenCache& cache() { return cache_; }

private:
  // The credential for the key's settings and its cache key (derived without secrets: hashes only).
  std::pair<std::string, CredentialPtr> credentialFor(const config::Key& key);

  AzureEnvironment env_;
  TokenCache cache_;
  std::mutex mu_;
  std::map<std::string, CredentialPtr> credentials_;
};

} // namespace hd::auth
