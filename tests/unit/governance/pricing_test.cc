#include "governance/pricing.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hd::governance {
namespace {

Usage usage(std::int64_t in, std::int64_t out, std::int64_t cache_read = 0, std::int64_t cache_write = 0) {
  Usage u;
  u.input_tokens = in;
  u.output_tokens = out;
  u.cache_read_input_tokens = cache_read;
  u.cache_creation_input_tokens = cache_write;
  u.reported = true;
  return u;
}

Price priceOf(std::string_view model) {
  auto p = Pricing::builtin().find(model);
  EXPECT_TRUE(p.has_value()) << model;
  return p.value_or(Price{});
}

TEST(Pricing, BuiltinCoversTheModelsUsersRouteTo) {
  const auto& p = Pricing::builtin();
  EXPECT_GE(p.size(), 25u);
  EXPECT_NE(p.source().find("platform.claude.com"), std::string_view::npos);
  EXPECT_NE(p.source().find("retrieved"), std::string_view::npos);
  for (std::string_view m : {"claude-opus-4",
                             "claude-opus-4-1",
                             "claude-opus-4-5",
                             "claude-opus-4-6",
                             "claude-sonnet-4",
                             "claude-sonnet-4-5",
                             "claude-sonnet-4-6",
                             "claude-haiku-4-5",
                             "claude-3-5-sonnet",
                             "claude-3-7-sonnet",
                             "claude-3-5-haiku",
                             "gpt-4o",
                             "gpt-4o-mini",
                             "gpt-4.1",
                             "gpt-4.1-mini",
                             "gpt-4.1-nano",
                             "gpt-5",
                             "gpt-5-mini",
                             "gpt-5-nano",
                             "o1",
                             "o1-mini",
                             "o3",
                             "o3-mini",
                             "o4-mini"}) {
    EXPECT_TRUE(p.find(m).has_value()) << m;
  }
}

TEST(Pricing, ClaudeCacheRatesFollowTheMultipliers) {
  for (std::string_view m : {"claude-opus-4-1", "claude-opus-4-6", "claude-sonnet-4-5", "claude-haiku-4-5",
                             "claude-3-5-haiku", "claude-3-7-sonnet"}) {
    Price p = priceOf(m);
    EXPECT_NEAR(p.cache_write, 1.25 * p.input, 1e-15) << m;
    EXPECT_NEAR(p.cache_read, 0.1 * p.input, 1e-15) << m;
  }
  for (std::string_view m : {"gpt-4o", "gpt-5", "o3"}) {
    EXPECT_EQ(priceOf(m).cache_write, 0.0) << m; // OpenAI does not charge for cache writes
    EXPECT_GT(priceOf(m).cache_read, 0.0) << m;
    EXPECT_LT(priceOf(m).cache_read, priceOf(m).input) << m;
  }
  Price sonnet = priceOf("claude-sonnet-4-5");
  EXPECT_DOUBLE_EQ(sonnet.input, 3e-6);
  EXPECT_DOUBLE_EQ(sonnet.output, 15e-6);
  Price opus = priceOf("claude-opus-4-5");
  EXPECT_DOUBLE_EQ(opus.input, 5e-6);
  EXPECT_DOUBLE_EQ(opus.output, 25e-6);
}

TEST(Pricing, CostOfAClaudeRequestWithCaching) {
  // Sonnet 4.5: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million tokens.
  // 1000 x 3 + 500 x 15 + 2000 x 0.30 + 3000 x 3.75 = 3000 + 7500 + 600 + 11250 = 22350 micro-USD.
  EXPECT_EQ(cost(priceOf("claude-sonnet-4-5"), usage(1000, 500, 2000, 3000)), 22'350'000);
  // Opus 4.1: 10 in, 20 out = 10 x 15 + 20 x 75 = 1650 micro-USD.
  EXPECT_EQ(cost(priceOf("claude-opus-4-1"), usage(10, 20)), 1'650'000);
  // Haiku 3.5 cache write $1/MTok: 1 token = 1000 nano-USD.
  EXPECT_EQ(cost(priceOf("claude-3-5-haiku"), usage(0, 0, 0, 1)), 1000);
}

TEST(Pricing, CostOfAnOpenAIRequest) {
  // gpt-4o: 1M uncached in ($2.50) + 1M out ($10) + 1M cached in ($1.25) = $13.75.
  EXPECT_EQ(cost(priceOf("gpt-4o"), usage(1'000'000, 1'000'000, 1'000'000)), 13'750'000'000);
  // gpt-4o-mini: 1234 in, 567 out = 1234 x 0.15 + 567 x 0.60 = 185.1 + 340.2 = 525.3 micro-USD.
  EXPECT_EQ(cost(priceOf("gpt-4o-mini"), usage(1234, 567)), 525'300);
}

TEST(Pricing, CostRoundsToNanoDollarsAndIgnoresNegatives) {
  Price p{1.4e-9, 1.6e-9, 0, 0};
  EXPECT_EQ(cost(p, usage(1, 0)), 1);
  EXPECT_EQ(cost(p, usage(0, 1)), 2);
  EXPECT_EQ(cost(p, usage(-5, -5, -5, -5)), 0);
  EXPECT_EQ(cost(Price{}, usage(100, 100, 100, 100)), 0);
  // A huge count saturates instead of overflowing.
  EXPECT_EQ(cost(Price{0.5, 0.5, 0, 0}, usage(INT64_MAX, INT64_MAX)), INT64_MAX);
}

TEST(Pricing, EstimateIsInputPlusMaxOutput) {
  // Haiku 4.5: 10000 x $1 + 4096 x $5 per million = 10000 + 20480 micro-USD.
  EXPECT_EQ(estimate(priceOf("claude-haiku-4-5"), 10000, 4096), 30'480'000);
}

TEST(Pricing, UsdConversions) {
  EXPECT_EQ(fromUsd(1.5), 1'500'000'000);
  EXPECT_EQ(fromUsd(0.000000001), 1);
  EXPECT_EQ(fromUsd(-3), 0);
  EXPECT_EQ(fromUsd(1e300), INT64_MAX);
  EXPECT_DOUBLE_EQ(toUsd(2'500'000'000), 2.5);
}

TEST(Pricing, FindToleratesCaseProviderPrefixesAndDateSuffixes) {
  const auto& p = Pricing::builtin();
  EXPECT_DOUBLE_EQ(p.find("Claude-Sonnet-4-5")->input, 3e-6);
  EXPECT_DOUBLE_EQ(p.find("anthropic/claude-sonnet-4-5-20250929")->input, 3e-6);
  EXPECT_DOUBLE_EQ(p.find("azure/gpt-4o-2024-08-06")->input, 2.5e-6);
  EXPECT_DOUBLE_EQ(p.find("gpt-4o-mini-2024-07-18")->input, 0.15e-6); // the longest known prefix wins
  EXPECT_DOUBLE_EQ(p.find("gpt-4.1-nano-2025-04-14")->input, 0.1e-6);
  EXPECT_DOUBLE_EQ(p.find("claude-opus-4-1-20250805")->input, 15e-6);
  EXPECT_DOUBLE_EQ(p.find("claude-opus-4-20250514")->input, 15e-6);
  EXPECT_DOUBLE_EQ(p.find("claude-opus-4-5-20251101")->input, 5e-6);
  EXPECT_DOUBLE_EQ(p.find("claude-3-5-sonnet-latest")->input, 3e-6);
  EXPECT_DOUBLE_EQ(p.find("claude-3-5-haiku-20241022")->input, 0.8e-6);
  EXPECT_DOUBLE_EQ(p.find("o3-mini-2025-01-31")->input, 1.1e-6);
  EXPECT_DOUBLE_EQ(p.find("claude-haiku-4-5@20251001")->input, 1e-6); // Vertex-style version
  EXPECT_FALSE(p.find("anthropic.claude-haiku-4-5").has_value());     // Bedrock ids are not known names
}

TEST(Pricing, FindDoesNotGuessOtherModels) {
  const auto& p = Pricing::builtin();
  EXPECT_FALSE(p.find("o1-pro").has_value());          // not o1
  EXPECT_FALSE(p.find("claude-opus-4-9").has_value()); // not Opus 4
  EXPECT_FALSE(p.find("gpt-4o-audio-preview").has_value());
  EXPECT_FALSE(p.find("gpt-4").has_value());
  EXPECT_FALSE(p.find("").has_value());
  EXPECT_FALSE(p.find("azure/").has_value());
  EXPECT_FALSE(p.find("my-deployment").has_value());
}

TEST(Pricing, OverridesFirstListWinsWithGlobs) {
  const auto& p = Pricing::builtin();
  std::vector<PriceOverride> key{{"CLAUDE-SONNET-*", Price{1e-6, 2e-6, 0, 0}}, {"claude-*", Price{9e-6, 9e-6, 0, 0}}};
  std::vector<PriceOverride> provider{{"*", Price{7e-6, 7e-6, 0, 0}}, {"gpt-4o", Price{8e-6, 8e-6, 0, 0}}};
  std::vector<const std::vector<PriceOverride>*> both{&key, &provider};
  EXPECT_DOUBLE_EQ(p.find("claude-sonnet-4-5", both)->input, 1e-6); // the first match in the first list
  EXPECT_DOUBLE_EQ(p.find("claude-opus-4-5", both)->input, 9e-6);
  EXPECT_DOUBLE_EQ(p.find("gpt-4o", both)->input, 7e-6);        // '*' comes first in the provider list
  EXPECT_DOUBLE_EQ(p.find("my-deployment", both)->input, 7e-6); // overrides price unknown models too
  std::vector<PriceOverride> exact{{"azure/my-*", Price{3e-6, 3e-6, 0, 0}}, {"gpt-4o", Price{4e-6, 4e-6, 0, 0}}};
  std::vector<const std::vector<PriceOverride>*> one{&exact};
  EXPECT_DOUBLE_EQ(p.find("Azure/My-Deployment", one)->input, 3e-6); // patterns may include the prefix
  EXPECT_DOUBLE_EQ(p.find("gpt-4o", one)->input, 4e-6);
  EXPECT_DOUBLE_EQ(p.find("gpt-4o-2024-08-06", one)->input, 2.5e-6); // an exact pattern is exact
  EXPECT_DOUBLE_EQ(p.find("o3", one)->input, 2e-6);
  std::vector<PriceOverride> middle{{"gpt-*-mini", Price{5e-6, 5e-6, 0, 0}}};
  std::vector<const std::vector<PriceOverride>*> mid{nullptr, &middle};
  EXPECT_DOUBLE_EQ(p.find("gpt-5-mini", mid)->input, 5e-6);
  EXPECT_DOUBLE_EQ(p.find("gpt-5-nano", mid)->input, 0.05e-6);
}

TEST(Pricing, FromJsonAcceptsAMinimalCatalogue) {
  auto r = Pricing::fromJson(
      R"({"models": {"My-Model": {"input_cost_per_token": 0.000001, "output_cost_per_token": 2e-6, "litellm_provider": "x"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
  auto price = r->find("my-model-20250101");
  ASSERT_TRUE(price.has_value());
  EXPECT_DOUBLE_EQ(price->output, 2e-6);
  EXPECT_EQ(price->cache_read, 0.0);
}

void expectError(std::string_view json, std::string_view needle) {
  auto r = Pricing::fromJson(json);
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(Pricing, FromJsonErrorsNameThePath) {
  expectError("not json", "pricing catalogue");
  expectError("[]", "JSON object");
  expectError("{}", "models: required");
  expectError(R"({"models": []})", "models: expected an object");
  expectError(R"({"models": {"m": 1}})", R"(models["m"]: expected an object)");
  expectError(R"({"models": {"m": {"output_cost_per_token": 1e-6}}})", R"(models["m"].input_cost_per_token: required)");
  expectError(R"({"models": {"m": {"input_cost_per_token": "1", "output_cost_per_token": 1e-6}}})",
              R"(models["m"].input_cost_per_token: expected a number)");
  expectError(R"({"models": {"m": {"input_cost_per_token": 1e-6, "output_cost_per_token": -1}}})",
              R"(models["m"].output_cost_per_token)");
  expectError(R"({"models": {"m": {"input_cost_per_token": 3, "output_cost_per_token": 1e-6}}})", "below 1");
  expectError(
      R"({"models": {"m": {"input_cost_per_token": 0, "output_cost_per_token": 0, "cache_read_input_token_cost": null}}})",
      R"(models["m"].cache_read_input_token_cost)");
  expectError(R"({"models": {"m": {"input_cost_per_token": 0, "output_cost_per_token": 0, "note": 5}}})",
              R"(models["m"].note: expected a string)");
  expectError(
      R"({"models": {"M": {"input_cost_per_token": 0, "output_cost_per_token": 0}, "m": {"input_cost_per_token": 0, "output_cost_per_token": 0}}})",
      "listed twice");
  expectError(R"({"models": {"": {}}})", "empty");
  expectError(R"({"sources": "x", "models": {}})", "sources: expected an array");
  expectError(R"({"sources": [1], "models": {}})", "sources[0]");
}

} // namespace
} // namespace hd::governance
