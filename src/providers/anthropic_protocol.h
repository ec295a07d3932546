#pragma once
// Builds upstream requests for backends that speak the Anthropic Messages protocol natively:
// the `anthropic` provider and Claude deployments on Azure (`{endpoint}/anthropic/v1/messages`).
// Pure functions: no I/O, so they are unit-tested directly.

#include <string>
#include <string_view>

#include "core/error.h"
#include "routing/route.h"
#include "upstream/client.h"

namespace hd::providers {

enum class Operation { Messages, CountTokens };

struct ClientHeaders {
  std::string_view anthropic_version; // empty = default
  std::string_view anthropic_beta;    // comma-separated, may be empty
};

inline constexpr std::string_view kDefaultAnthropicBaseUrl = "https://api.anthropic.com";
inline constexpr std::string_view kDefaultAnthropicVersion = "2023-06-01";

// True when the route's upstream speaks the Anthropic protocol for this deployment.
bool speaksAnthropic(const routing::Route& route);

// `body` is the already-edited request body (model replaced, gateway fields removed).
Result<upstream::Request> buildAnthropicRequest(const routing::Route& route, Operation op, const ClientHeaders& client,
                                                std::string body, bool streaming);

// Filters a comma-separated anthropic-beta list: drops betas the upstream rejects by default and applies
// the provider's beta_header_overrides (prefix -> allowed).
std::string filterBetas(std::string_view betas, const config::Provider& provider);

// Upstream response headers worth relaying to the client (request ids, rate limits, retry hints).
bool isRelayedResponseHeader(std::string_view name);

} // namespace hd::providers
