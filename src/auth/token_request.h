#pragma once
// HTTP calls to token services through the gateway's own upstream client (per-worker pools, TLS
// verification, timeouts): the Entra ID token endpoint (form POST) and managed identity endpoints (GET).

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/access_token.h"
#include "core/error.h"
#include "upstream/client.h"

namespace hd::auth {

using FormFields = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kPublicAuthorityHost = "https://login.microsoftonline.com";
inline constexpr std::string_view kDefaultScope = "https://cognitiveservices.azure.com/.default";
inline constexpr std::string_view kClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// application/x-www-form-urlencoded (also used for query strings).
std::string formEncode(const FormFields& fields);

// `{authority_host}/{tenant}/oauth2/v2.0/token`.
std::string tokenEndpoint(std::string_view authority_host, std::string_view tenant);

// A request to `url` (method, headers and body as given) with the token-service timeouts.
Result<upstream::Request> tokenRequest(boost::beast::http::verb method, std::string_view url, std::string body,
                                       std::chrono::milliseconds connect_timeout);

// Sends the request and parses the answer. Errors name `source` and never contain secrets: a 400/401/403
// from the service is an authentication error (credential rejected), anything else a bad-gateway error.
boost::asio::awaitable<Result<AccessToken>> fetchToken(upstream::Pool& pool, upstream::Request req,
                                                       std::string_view source);

// The client-credentials grant against the tenant's token endpoint with the given credential fields
// (client_secret, or client_assertion_type + client_assertion).
boost::asio::awaitable<Result<AccessToken>> clientCredentialsGrant(upstream::Pool& pool, std::string_view authority,
                                                                   std::string_view tenant, std::string_view client_id,
                                                                   const std::vector<std::string>& scopes,
                                                                   FormFields credential, std::string_view source);

// Scopes joined with spaces ("" -> the default Cognitive Services scope).
std::string joinScopes(const std::vector<std::string>& scopes);

// The v1 `resource` for a scope (managed identity, Azure CLI): the scope without "/.default".
std::string resourceForScopes(const std::vector<std::string>& scopes);

} // namespace hd::auth
