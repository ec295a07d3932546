#include "api/util.h"

#include <gtest/gtest.h>

namespace hd::api {
namespace {

namespace js = boost::json;

config::EnvLookup env() {
  return [](const std::string& n) -> std::optional<std::string> {
    if (n == "AZURE_ENDPOINT") {
      return std::string("https://res.openai.azure.com");
    }
    return std::nullopt;
  };
}

TEST(ApiEnvVars, ObjectFormsBecomeStrings) {
  auto body = js::parse(R"({"name":"k","value":{"value":"","env_var":"env.KEY","from_env":true},
      "azure_key_config":{"endpoint":{"value":"https://e","env_var":"","from_env":false}}})")
                  .as_object();
  ASSERT_TRUE(normaliseEnvVars("key", body, nullptr));
  EXPECT_EQ(body.at("value").as_string(), "env.KEY");
  EXPECT_EQ(body.at("azure_key_config").at("endpoint").as_string(), "https://e");
  auto bare = js::parse(R"({"value":{"from_env":true,"env_var":"KEY"}})").as_object();
  ASSERT_TRUE(normaliseEnvVars("key", bare, nullptr));
  EXPECT_EQ(bare.at("value").as_string(), "env.KEY");
}

TEST(ApiEnvVars, RedactedPlaceholderKeepsThePreviousSecretOrFails) {
  auto prev = js::parse(R"({"value":"sk-real","azure_key_config":{"client_secret":"cs"}})").as_object();
  auto body = js::parse(R"({"value":"***","azure_key_config":{"client_secret":{"value":"***"}}})").as_object();
  ASSERT_TRUE(normaliseEnvVars("key", body, &prev));
  EXPECT_EQ(body.at("value").as_string(), "sk-real");
  EXPECT_EQ(body.at("azure_key_config").at("client_secret").as_string(), "cs");
  auto fresh = js::parse(R"({"value":"***"})").as_object();
  auto r = normaliseEnvVars("key", fresh, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("value: ", 0), 0u);
  auto bad = js::parse(R"({"value":{"from_env":true}})").as_object();
  EXPECT_FALSE(normaliseEnvVars("key", bad, nullptr));
  auto bad2 = js::parse(R"({"value":{"x":1}})").as_object();
  EXPECT_FALSE(normaliseEnvVars("key", bad2, nullptr));
}

TEST(ApiRedact, SecretsNeverAppearAndEnvVarsShowTheirSource) {
  auto body = js::parse(R"({"name":"k","value":"sk-live-123","azure_key_config":{"endpoint":"env.AZURE_ENDPOINT",
      "client_secret":"env.CS","tenant_id":"t"}})")
                  .as_object();
  auto out = redact("key", body, env());
  std::string text = js::serialize(out);
  EXPECT_EQ(text.find("sk-live-123"), std::string::npos);
  EXPECT_EQ(js::serialize(out.at("value")), R"({"value":"***","env_var":"","from_env":false})");
  EXPECT_EQ(js::serialize(out.at("azure_key_config").at("endpoint")),
            R"({"value":"https://res.openai.azure.com","env_var":"env.AZURE_ENDPOINT","from_env":true})");
  EXPECT_EQ(js::serialize(out.at("azure_key_config").at("client_secret")),
            R"({"value":"***","env_var":"env.CS","from_env":true})");
  auto provider = js::parse(R"({"proxy_config":{"password":"pw"}})").as_object();
  EXPECT_EQ(redact("provider", provider, env()).at("proxy_config").at("password").as_string(), "***");
}

} // namespace
} // namespace hd::api
