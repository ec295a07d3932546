#pragma once
// The inference routes (the ones clients send model traffic to), with what each one is: governance
// decides from `billable` whether limits and cost apply, observability names the inbound API.

#include <boost/beast/http/verb.hpp>

#include <array>

namespace hd::http {

struct InferenceRoute {
  boost::beast::http::verb method;
  const char* pattern;
  bool billable;       // counts against budgets and limits (false: the key must only be valid)
  const char* inbound; // the inbound API, as request records name it
};

inline constexpr std::array<InferenceRoute, 11> kInferenceRoutes = {{
    {boost::beast::http::verb::post, "/anthropic/v1/messages", true, "anthropic.messages"},
    {boost::beast::http::verb::post, "/anthropic/v1/messages/count_tokens", false, "anthropic.count_tokens"},
    {boost::beast::http::verb::get, "/anthropic/v1/models", false, "anthropic.models"},
    {boost::beast::http::verb::get, "/v1/models", false, "openai.models"},
    {boost::beast::http::verb::post, "/v1/chat/completions", true, "openai.chat.completions"},
    {boost::beast::http::verb::post, "/openai/v1/chat/completions", true, "openai.chat.completions"},
    {boost::beast::http::verb::post, "/openai/chat/completions", true, "openai.chat.completions"},
    {boost::beast::http::verb::post, "/openai/deployments/{deployment}/chat/completions", true,
     "azure.chat.completions"},
    {boost::beast::http::verb::post, "/openai/openai/deployments/{deployment}/chat/completions", true,
     "azure.chat.completions"},
    {boost::beast::http::verb::get, "/openai/v1/models", false, "openai.models"},
    {boost::beast::http::verb::get, "/openai/models", false, "openai.models"},
}};

} // namespace hd::http
