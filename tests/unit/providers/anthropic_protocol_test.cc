#include "providers/anthropic_protocol.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace hd::providers {
namespace {

config::Config load(std::string_view text) {
  auto c = config::fromText(text, [](const std::string&) { return std::optional<std::string>("v"); });
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return std::move(c.value());
}

std::string header(const upstream::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) {
      return v;
    }
  }
  return "<absent>";
}

TEST(AnthropicProtocol, AzureClaudeRequest) {
  auto cfg = load(R"({"providers":{"azure":{"keys":[{"name":"k","value":"secret",
      "aliases":{"claude-sonnet-4-6":"prod-sonnet"},
      "azure_key_config":{"endpoint":"https://res.services.ai.azure.com/","api_version":"2024-10-21"}}],
      "network_config":{"extra_headers":{"x-team":"core","x-api-key":"ignored"}}}}})");
  std::mt19937_64 rng(1);
  auto route = routing::resolve(cfg, "azure/claude-sonnet-4-6", "anthropic", "", rng);
  ASSERT_TRUE(route.ok());
  EXPECT_TRUE(speaksAnthropic(*route));
  auto req = buildAnthropicRequest(*route, Operation::Messages,
                                   {"2023-06-01", "claude-code-20250219, fast-mode-2025-01-01,interleaved-thinking"},
                                   "{}", true);
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_TRUE(req->origin.tls);
  EXPECT_EQ(req->origin.host, "res.services.ai.azure.com");
  EXPECT_EQ(req->origin.port, "443");
  EXPECT_EQ(req->target, "/anthropic/v1/messages");
  EXPECT_EQ(header(*req, "x-api-key"), "secret");
  EXPECT_EQ(header(*req, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(header(*req, "anthropic-beta"), "claude-code-20250219,interleaved-thinking");
  EXPECT_EQ(header(*req, "x-team"), "core");
  int api_keys = 0;
  for (const auto& [k, v] : req->headers) {
    api_keys += k == "x-api-key" ? 1 : 0;
  }
  EXPECT_EQ(api_keys, 1);
  auto count = buildAnthropicRequest(*route, Operation::CountTokens, {}, "{}", false);
  EXPECT_EQ(count->target, "/anthropic/v1/messages/count_tokens");
}

TEST(AnthropicProtocol, AnthropicProviderDefaultsAndBaseUrl) {
  auto cfg = load(R"({"providers":{"anthropic":{"keys":[{"name":"k","value":"sk"}],
      "network_config":{"base_url":"http://127.0.0.1:9999/proxy","beta_header_overrides":{"context-management-":false}}}}})");
  std::mt19937_64 rng(1);
  auto route = routing::resolve(cfg, "claude-sonnet-4-6", "anthropic", "", rng);
  ASSERT_TRUE(route.ok());
  auto req = buildAnthropicRequest(*route, Operation::Messages,
                                   {"", "context-management-2025-06-27,claude-code-20250219"}, "{}", false);
  ASSERT_TRUE(req.ok());
  EXPECT_FALSE(req->origin.tls);
  EXPECT_EQ(req->origin.port, "9999");
  EXPECT_EQ(req->target, "/proxy/v1/messages");
  EXPECT_EQ(header(*req, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(header(*req, "anthropic-beta"), "claude-code-20250219");
}

TEST(AnthropicProtocol, GptDeploymentIsNotAnthropic) {
  auto cfg = load(R"({"providers":{"azure":{"keys":[{"name":"k","value":"s",
      "azure_key_config":{"endpoint":"https://x.openai.azure.com"}}]}}})");
  std::mt19937_64 rng(1);
  auto route = routing::resolve(cfg, "azure/gpt-4o", "anthropic", "", rng);
  ASSERT_TRUE(route.ok());
  EXPECT_FALSE(speaksAnthropic(*route));
}

TEST(AnthropicProtocol, RelayedHeaders) {
  EXPECT_TRUE(isRelayedResponseHeader("request-id"));
  EXPECT_TRUE(isRelayedResponseHeader("Anthropic-RateLimit-Requests-Remaining"));
  EXPECT_TRUE(isRelayedResponseHeader("retry-after"));
  EXPECT_FALSE(isRelayedResponseHeader("set-cookie"));
  EXPECT_FALSE(isRelayedResponseHeader("content-length"));
}

} // namespace
} // namespace hd::providers
