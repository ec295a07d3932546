#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "config/loader.h"
#include "pipeline/attempts.h"

namespace hd::pipeline {
namespace {

config::Config load(std::string_view text) {
  auto c = config::fromText(text, [](const std::string&) { return std::optional<std::string>(); });
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? std::move(c.value()) : config::Config{};
}

constexpr std::string_view kConfig = R"({
  "client": {"drop_excess_requests": true},
  "providers": {
    "azure": {
      "keys": [{"name": "a", "value": "k", "azure_key_config": {"endpoint": "https://x.example"}}],
      "network_config": {"max_retries": 3, "first_byte_timeout_in_seconds": 7},
      "concurrency_and_buffer_size": {"concurrency": 4, "buffer_size": 9},
      "circuit_breaker": {"failure_threshold": 2, "cooldown_ms": 250},
      "fallbacks": ["openai", {"provider": "anthropic", "model_map": {"Prod-Sonnet": "claude-sonnet-4-6"}}]
    },
    "anthropic": {"keys": [{"name": "d", "value": "k"}]},
    "openai": {"keys": [{"name": "o", "value": "k"}]}
  }})";

TEST(Fallbacks, ConfigFieldsParse) {
  auto cfg = load(kConfig);
  const auto* az = cfg.findProvider("azure");
  ASSERT_NE(az, nullptr);
  EXPECT_TRUE(cfg.client.drop_excess_requests);
  EXPECT_EQ(az->network.first_byte_timeout, std::chrono::seconds(7));
  EXPECT_EQ(az->concurrency.concurrency, 4);
  EXPECT_EQ(az->concurrency.buffer_size, 9);
  EXPECT_EQ(az->circuit_breaker.failure_threshold, 2);
  EXPECT_EQ(az->circuit_breaker.cooldown, std::chrono::milliseconds(250));
  ASSERT_EQ(az->fallbacks.size(), 2u);
  EXPECT_EQ(az->fallbacks[1].model_map.at("prod-sonnet"), "claude-sonnet-4-6");
  EXPECT_FALSE(cfg.findProvider("anthropic")->network.first_byte_timeout.has_value());
}

TEST(Fallbacks, ConfigErrorsNameThePath) {
  auto err = [](std::string_view text) {
    auto c = config::fromText(text, [](const std::string&) { return std::optional<std::string>(); });
    return c.ok() ? std::string() : c.error().message;
  };
  EXPECT_NE(err(R"({"providers":{"anthropic":{"keys":[{"name":"d","value":"k"}],"fallbacks":["azure"]}}})")
                .find("providers.anthropic.fallbacks[0]"),
            std::string::npos);
  EXPECT_NE(err(R"({"providers":{"anthropic":{"keys":[{"name":"d","value":"k"}],"fallbacks":["anthropic"]}}})")
                .find("the provider itself"),
            std::string::npos);
  EXPECT_NE(
      err(R"({"providers":{"anthropic":{"keys":[{"name":"d","value":"k"}],"concurrency_and_buffer_size":{"concurrency":0}}}})")
          .find("concurrency_and_buffer_size.concurrency"),
      std::string::npos);
  EXPECT_NE(
      err(R"({"providers":{"anthropic":{"keys":[{"name":"d","value":"k"}],"network_config":{"max_retries":1000}}}})")
          .find("network_config.max_retries: expected a number between 0 and 100"),
      std::string::npos);
  EXPECT_NE(err(R"({"providers":{"anthropic":{"keys":[{"name":"d","value":"k"}],"circuit_breaker":{"cooldown":1}}}})")
                .find("circuit_breaker.cooldown"),
            std::string::npos);
}

TEST(Fallbacks, ConfiguredChainMapsModels) {
  auto cfg = load(kConfig);
  auto t = fallbackTargets(cfg, "azure/prod-sonnet", "anthropic", std::nullopt);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].model, "openai/prod-sonnet");
  EXPECT_EQ(t[1].model, "anthropic/claude-sonnet-4-6");
  EXPECT_TRUE(fallbackTargets(cfg, "claude-x", "anthropic", std::nullopt).empty());
}

TEST(Fallbacks, RequestFieldReplacesTheChain) {
  auto cfg = load(kConfig);
  auto t = fallbackTargets(cfg, "azure/prod-sonnet", "anthropic", std::vector<std::string>{"openai/gpt-4o"});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].model, "openai/gpt-4o");
  EXPECT_TRUE(fallbackTargets(cfg, "azure/prod-sonnet", "anthropic", std::vector<std::string>{}).empty());
}

TEST(Fallbacks, RequestFieldValidation) {
  auto parse = [](std::string_view body) { return parseFallbacksField(boost::json::parse(body).as_object()); };
  EXPECT_FALSE(parse("{}")->has_value());
  EXPECT_FALSE(parse(R"({"fallbacks":null})")->has_value());
  EXPECT_EQ(parse(R"({"fallbacks":["a/b","c/d/e"]})")->value().size(), 2u);
  EXPECT_EQ(parse(R"({"fallbacks":"a/b"})").error().message,
            "fallbacks: expected an array of \"provider/model\" strings");
  EXPECT_EQ(parse(R"({"fallbacks":["a/b",3]})").error().message, "fallbacks[1]: expected a \"provider/model\" string");
  EXPECT_EQ(parse(R"({"fallbacks":["nomodel"]})").error().status, 400);
  EXPECT_EQ(parse(R"({"fallbacks":["a/"]})").error().status, 400);
}

} // namespace
} // namespace hd::pipeline
