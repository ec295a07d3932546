#pragma once
// Builds upstream requests for backends that speak OpenAI Chat Completions: Azure OpenAI deployments
// (`{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`, or Azure's v1 surface
// `{endpoint}/openai/v1/chat/completions` when api_version is "v1"), OpenAI, and OpenAI-compatible custom
// providers (`network_config.base_url` + `/chat/completions`). Pure functions, no I/O.

#include <string>

#include "core/error.h"
#include "routing/route.h"
#include "upstream/client.h"

namespace hd::providers {

inline constexpr std::string_view kDefaultOpenAIBaseUrl = "https://api.openai.com/v1";

// `body` is the serialised chat request (its `model` already set to what the upstream expects).
Result<upstream::Request> buildOpenAIChatRequest(const routing::Route& route, std::string body, bool streaming);

// The `model` value to put in the upstream body: the deployment name (Azure, either surface) or the model.
std::string openAIUpstreamModel(const routing::Route& route);

} // namespace hd::providers
