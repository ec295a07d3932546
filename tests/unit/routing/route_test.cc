#include "routing/route.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace hd::routing {
namespace {

config::Config load(std::string_view text) {
  auto c = config::fromText(text, [](const std::string&) { return std::optional<std::string>("v"); });
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return std::move(c.value());
}

const char* kTwoProviders = R"({"providers":{
  "anthropic":{"keys":[{"name":"a","value":"x"}]},
  "azure":{"keys":[
    {"name":"sonnet-only","value":"k1","models":["claude-sonnet-4-6"],"weight":1,
     "aliases":{"claude-sonnet-4-6":"prod-sonnet","gpt-4o":{"model_id":"my-gpt","model_family":"openai"}},
     "azure_key_config":{"endpoint":"https://a.example.com"}},
    {"name":"all","value":"k2","models":["*"],"blacklisted_models":["gpt-4o"],"weight":3,
     "azure_key_config":{"endpoint":"https://b.example.com"}},
    {"name":"off","value":"k3","enabled":false,"azure_key_config":{"endpoint":"https://c.example.com"}}]}}})";

TEST(Routing, ParseModelSplitsKnownProviderPrefixOnly) {
  auto cfg = load(kTwoProviders);
  auto r = parseModel("azure/claude-sonnet-4-6", cfg);
  EXPECT_EQ(r.provider, "azure");
  EXPECT_EQ(r.model, "claude-sonnet-4-6");
  r = parseModel("openai/gpt-4o", cfg); // known provider name even when not configured
  EXPECT_EQ(r.provider, "openai");
  r = parseModel("meta-llama/Llama-3-8B", cfg);
  EXPECT_EQ(r.provider, "");
  EXPECT_EQ(r.model, "meta-llama/Llama-3-8B");
  r = parseModel("azure/org/model", cfg); // split at the first '/'
  EXPECT_EQ(r.model, "org/model");
}

TEST(Routing, EligibleKeysHonourModelsBlacklistAndEnabled) {
  auto cfg = load(kTwoProviders);
  const auto& azure = *cfg.findProvider("azure");
  auto keys = eligibleKeys(azure, "Claude-Sonnet-4-6");
  ASSERT_EQ(keys.size(), 2u);
  keys = eligibleKeys(azure, "gpt-4o"); // alias on the first key counts as a model; blacklisted on the second
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]->name, "sonnet-only");
  keys = eligibleKeys(azure, "claude-opus-4-5");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]->name, "all");
}

TEST(Routing, WeightedPickFollowsWeights) {
  auto cfg = load(kTwoProviders);
  auto keys = eligibleKeys(*cfg.findProvider("azure"), "claude-sonnet-4-6");
  std::mt19937_64 rng(42);
  int all = 0;
  for (int i = 0; i < 4000; ++i) {
    all += pickWeighted(keys, rng)->name == "all" ? 1 : 0;
  }
  EXPECT_NEAR(all / 4000.0, 0.75, 0.03);
}

TEST(Routing, DeploymentResolutionOrder) {
  auto cfg = load(kTwoProviders);
  const auto& key = cfg.findProvider("azure")->keys[0];
  auto d = resolveDeployment(key, "claude-sonnet-4-6", "");
  EXPECT_EQ(d.name, "prod-sonnet");
  EXPECT_EQ(d.family, config::ModelFamily::Claude); // the requested name says claude
  d = resolveDeployment(key, "CLAUDE-SONNET-4-6", "override-dep");
  EXPECT_EQ(d.name, "override-dep");
  d = resolveDeployment(key, "gpt-4o", "");
  EXPECT_EQ(d.name, "my-gpt");
  EXPECT_EQ(d.family, config::ModelFamily::OpenAI);
  d = resolveDeployment(key, "claude-haiku-4-5", "");
  EXPECT_EQ(d.name, "claude-haiku-4-5");
}

TEST(Routing, ResolveErrorsAreClear) {
  auto cfg = load(kTwoProviders);
  std::mt19937_64 rng(1);
  auto r = resolve(cfg, "vertex/gemini", "anthropic", "", rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 404);
  EXPECT_NE(r.error().message.find("provider \"vertex\" is not configured"), std::string::npos);
  r = resolve(cfg, "azure/", "anthropic", "", rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  r = resolve(cfg, "claude-sonnet-4-6", "anthropic", "", rng);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->provider->name, "anthropic");
}

} // namespace
} // namespace hd::routing
