#pragma once
// Entra ID authentication for Azure upstream requests (both Azure OpenAI and Claude deployments). The
// request builders stay pure and leave auth out when a key uses Entra ID; this awaitable step, run just
// before the call, adds `Authorization: Bearer <token>` from the process-wide token cache.

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "routing/route.h"
#include "upstream/client.h"

namespace hd::providers {

// True when the route's key authenticates with an Entra ID token rather than an API key.
bool needsEntraToken(const routing::Route& route);

// Adds the bearer token when needsEntraToken(route); otherwise does nothing. Errors (no credential,
// token service down and the token expired) name the credential source, never a secret.
boost::asio::awaitable<Result<Ok>> authorizeUpstream(upstream::Request& req, const routing::Route& route,
                                                     upstream::Pool& pool);

} // namespace hd::providers
