#include "providers/openai_protocol.h"

#include <fmt/format.h>

#include <boost/beast/core/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "providers/azure_auth.h"
#include "providers/request_common.h"

namespace hd::providers {

std::string openAIUpstreamModel(const routing::Route& route) {
  return route.deployment.name;
}

Result<upstream::Request> buildOpenAIChatRequest(const routing::Route& route, std::string body, bool streaming) {
  const auto& provider = *route.provider;
  const auto& key = *route.key;
  upstream::Request req;
  req.method = boost::beast::http::verb::post;
  std::string base;
  std::string path;
  std::string query;
  if (provider.type == config::ProviderType::Azure) {
    const auto* alias = route.deployment.alias;
    base = alias != nullptr && !alias->endpoint.empty() ? alias->endpoint : key.azure->endpoint;
    std::string version = alias != nullptr && !alias->api_version.empty() ? alias->api_version : key.azure->api_version;
    if (version == "v1") {
      path = "/openai/v1/chat/completions";
    } else {
      path = fmt::format("/openai/deployments/{}/chat/completions",
                         boost::urls::encode(route.deployment.name, boost::urls::unreserved_chars));
      query = "?api-version=" + boost::urls::encode(version, boost::urls::unreserved_chars);
    }
  } else if (provider.type == config::ProviderType::OpenAI) {
    base = provider.network.base_url.empty() ? std::string(kDefaultOpenAIBaseUrl) : provider.network.base_url;
    path = "/chat/completions";
  } else {
    return Error::internal("not an OpenAI-protocol provider");
  }
  auto origin = upstream::parseOrigin(base);
  if (!origin) {
    return origin.error();
  }
  req.origin = std::move(origin.value());
  req.target = req.origin.base_path + path + query;
  req.headers.emplace_back("content-type", "application/json");
  req.headers.emplace_back("accept", streaming ? "text/event-stream" : "application/json");
  if (provider.type == config::ProviderType::Azure) {
    if (!needsEntraToken(route)) {
      req.headers.emplace_back("api-key", key.value);
    } // else authorizeUpstream() adds the bearer token
  } else {
    req.headers.emplace_back("authorization", "Bearer " + key.value);
  }
  appendExtraHeaders(req, provider);
  req.body = std::move(body);
  applyNetwork(req, provider.network, streaming);
  return req;
}

} // namespace hd::providers
