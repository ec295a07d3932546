#include "providers/azure_auth.h"

#include <fmt/format.h>

#include "auth/registry.h"

namespace hd::providers {

bool needsEntraToken(const routing::Route& route) {
  return route.provider->type == config::ProviderType::Azure &&
         auth::azureAuthMethod(*route.key) != auth::AzureAuthMethod::ApiKey;
}

boost::asio::awaitable<Result<Ok>> authorizeUpstream(upstream::Request& req, const routing::Route& route,
                                                     upstream::Pool& pool) {
  if (!needsEntraToken(route)) {
    co_return Ok{};
  }
  auto token = co_await auth::Authenticator::global().azureToken(*route.key, pool);
  if (!token) {
    Error err = token.error();
    err.message = fmt::format("key \"{}\" ({}): {}", route.key->name, auth::toString(auth::azureAuthMethod(*route.key)),
                              err.message);
    co_return err;
  }
  req.headers.emplace_back("authorization", "Bearer " + token.value());
  co_return Ok{};
}

} // namespace hd::providers
