#include "providers/anthropic_protocol.h"

#include "providers/azure_auth.h"
#include "providers/request_common.h"

#include <fmt/format.h>

#include <boost/beast/core/string.hpp>

namespace hd::providers {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool startsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool iStartsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && boost::beast::iequals(s.substr(0, p.size()), p);
}

} // namespace

bool speaksAnthropic(const routing::Route& route) {
  switch (route.provider->type) {
  case config::ProviderType::Anthropic:
    return true;
  case config::ProviderType::Azure:
    return route.deployment.family == config::ModelFamily::Claude;
  case config::ProviderType::OpenAI:
    return false;
  }
  return false;
}

std::string filterBetas(std::string_view betas, const config::Provider& provider) {
  std::string out;
  std::size_t i = 0;
  while (i <= betas.size()) {
    auto j = betas.find(',', i);
    if (j == std::string_view::npos) {
      j = betas.size();
    }
    std::string_view b = trim(betas.substr(i, j - i));
    i = j + 1;
    if (b.empty()) {
      continue;
    }
    // Azure's Claude endpoint rejects fast-mode betas.
    bool allowed = !(provider.type == config::ProviderType::Azure && startsWith(b, "fast-mode-"));
    std::size_t best = 0;
    for (const auto& [prefix, allow] : provider.network.beta_header_overrides) {
      if (startsWith(b, prefix) && prefix.size() >= best) {
        best = prefix.size();
        allowed = allow;
      }
    }
    if (allowed) {
      out += out.empty() ? "" : ",";
      out += b;
    }
  }
  return out;
}

bool isRelayedResponseHeader(std::string_view name) {
  namespace bb = boost::beast;
  return bb::iequals(name, "request-id") || bb::iequals(name, "apim-request-id") || bb::iequals(name, "retry-after") ||
         bb::iequals(name, "retry-after-ms") || bb::iequals(name, "x-ms-region") ||
         bb::iequals(name, "anthropic-organization-id") || iStartsWith(name, "anthropic-ratelimit-") ||
         iStartsWith(name, "x-ratelimit-");
}

Result<upstream::Request> buildAnthropicRequest(const routing::Route& route, Operation op, const ClientHeaders& client,
                                                std::string body, bool streaming) {
  const auto& provider = *route.provider;
  const auto& key = *route.key;
  upstream::Request req;
  req.method = boost::beast::http::verb::post;
  std::string base;
  std::string path = op == Operation::Messages ? "/v1/messages" : "/v1/messages/count_tokens";
  std::string version =
      client.anthropic_version.empty() ? std::string(kDefaultAnthropicVersion) : std::string(client.anthropic_version);

  if (provider.type == config::ProviderType::Anthropic) {
    base = provider.network.base_url.empty() ? std::string(kDefaultAnthropicBaseUrl) : provider.network.base_url;
  } else if (provider.type == config::ProviderType::Azure) {
    const auto* alias = route.deployment.alias;
    base = alias != nullptr && !alias->endpoint.empty() ? alias->endpoint : key.azure->endpoint;
    path = "/anthropic" + path;
    version = alias != nullptr && !alias->anthropic_version.empty() ? alias->anthropic_version
                                                                    : std::string(kDefaultAnthropicVersion);
  } else {
    return Error::internal("not an Anthropic-protocol provider");
  }
  auto origin = upstream::parseOrigin(base);
  if (!origin) {
    return origin.error();
  }
  req.origin = std::move(origin.value());
  req.target = req.origin.base_path + path;
  req.headers.emplace_back("content-type", "application/json");
  req.headers.emplace_back("accept", streaming ? "text/event-stream" : "application/json");
  if (!needsEntraToken(route)) {
    req.headers.emplace_back("x-api-key", key.value);
  } // else authorizeUpstream() adds the bearer token

  req.headers.emplace_back("anthropic-version", version);
  std::string betas = filterBetas(client.anthropic_beta, provider);
  if (!betas.empty()) {
    req.headers.emplace_back("anthropic-beta", betas);
  }
  appendExtraHeaders(req, provider);
  req.body = std::move(body);
  applyNetwork(req, provider.network, streaming);
  return req;
}

} // namespace hd::providers
