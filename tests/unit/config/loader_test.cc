#include "config/loader.h"

#include <gtest/gtest.h>

namespace hd::config {
namespace {

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
}

std::string errorOf(std::string_view text, EnvLookup e = env({})) {
  auto c = fromText(text, e);
  return c.ok() ? "" : c.error().message;
}

TEST(ConfigLoader, SeedArticleAzureConfig) {
  auto c = fromText(R"({
    "providers": {"azure": {"keys": [{
      "name": "azure-api-key", "value": "env.AZURE_API_KEY", "models": ["*"], "weight": 1.0,
      "aliases": {"claude-sonnet-4-6": "my-claude-sonnet-deployment",
                  "Claude-Haiku-4-5": {"model_id": "my-haiku", "model_family": "claude"}},
      "azure_key_config": {"endpoint": "env.AZURE_ENDPOINT", "api_version": "2024-10-21"}}]}}})",
                    env({{"AZURE_API_KEY", "secret"}, {"AZURE_ENDPOINT", "https://r.openai.azure.com/"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto* p = c->findProvider("azure");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, ProviderType::Azure);
  ASSERT_EQ(p->keys.size(), 1u);
  const auto& k = p->keys[0];
  EXPECT_EQ(k.value, "secret");
  EXPECT_TRUE(k.models.all);
  EXPECT_EQ(k.azure->endpoint, "https://r.openai.azure.com");
  ASSERT_NE(k.findAlias("claude-haiku-4-5"), nullptr);
  EXPECT_EQ(k.findAlias("claude-haiku-4-5")->model_id, "my-haiku");
  EXPECT_EQ(k.findAlias("claude-haiku-4-5")->family, ModelFamily::Claude);
  EXPECT_EQ(k.findAlias("claude-sonnet-4-6")->model_id, "my-claude-sonnet-deployment");
}

TEST(ConfigLoader, MissingEnvVarNamesThePath) {
  EXPECT_EQ(errorOf(R"({"providers":{"anthropic":{"keys":[{"name":"a","value":"env.ANTHROPIC_KEY"}]}}})"),
            "providers.anthropic.keys[0].value: environment variable ANTHROPIC_KEY is not set");
}

TEST(ConfigLoader, TypeErrorsNameThePathAndExpectation) {
  EXPECT_EQ(errorOf(R"({"providers":{"anthropic":{"keys":[{"name":"a","value":"x","weight":"heavy"}]}}})"),
            "providers.anthropic.keys[0].weight: expected a number, got a string");
  EXPECT_EQ(errorOf(R"({"providers":{"anthropic":{"keys":{}}}})"),
            "providers.anthropic.keys: expected an array of keys, got an object");
  EXPECT_EQ(errorOf(R"({"client":{"max_request_body_size_mb":0}})"),
            "client.max_request_body_size_mb: expected a size between 1 and 4096 (MB)");
}

TEST(ConfigLoader, WildcardAndDuplicatesRejected) {
  EXPECT_NE(errorOf(R"({"providers":{"anthropic":{"keys":[{"name":"a","value":"x","models":["*","m"]}]}}})")
                .find("cannot be combined"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"providers":{"anthropic":{"keys":[{"name":"a","value":"x","models":["m","M"]}]}}})")
                .find("duplicate"),
            std::string::npos);
}

TEST(ConfigLoader, EmptyModelListDeniesAll) {
  auto c = fromText(R"({"providers":{"anthropic":{"keys":[{"name":"a","value":"x","models":[]}]}}})", env({}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->findProvider("anthropic")->keys[0].models.empty());
}

TEST(ConfigLoader, AzureNeedsEndpoint) {
  EXPECT_NE(errorOf(R"({"providers":{"azure":{"keys":[{"name":"a","value":"x"}]}}})").find("azure_key_config"),
            std::string::npos);
  EXPECT_NE(
      errorOf(R"({"providers":{"azure":{"keys":[{"name":"a","value":"x","azure_key_config":{"endpoint":"nope"}}]}}})")
          .find("expected an http:// or https:// URL"),
      std::string::npos);
}

TEST(ConfigLoader, UnknownFieldsAndProvidersAreErrors) {
  EXPECT_NE(errorOf(R"({"providers":{"anthropic":{"keys":[{"name":"a","value":"x","modles":["*"]}]}}})")
                .find("providers.anthropic.keys[0].modles: unknown field"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"providers":{"bedrock":{"keys":[]}}})").find("unsupported provider"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nonsense":1})").find("config.nonsense: unknown field"), std::string::npos);
}

TEST(ConfigLoader, CustomOpenAICompatibleProvider) {
  auto c = fromText(R"({"providers":{"vllm-local":{"keys":[{"name":"a","value":"x"}],
      "custom_provider_config":{"base_provider_type":"openai"},
      "network_config":{"base_url":"http://127.0.0.1:8000/v1/","extra_headers":{"x-team":"env.TEAM"},
                        "default_request_timeout_in_seconds":12,"beta_header_overrides":{"fast-mode-":true}}}}})",
                    env({{"TEAM", "core"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto* p = c->findProvider("vllm-local");
  EXPECT_EQ(p->type, ProviderType::OpenAI);
  EXPECT_EQ(p->network.base_url, "http://127.0.0.1:8000/v1");
  EXPECT_EQ(p->network.request_timeout.count(), 12);
  ASSERT_EQ(p->network.extra_headers.size(), 1u);
  EXPECT_EQ(p->network.extra_headers[0].second, "core");
  EXPECT_TRUE(p->network.beta_header_overrides.at("fast-mode-"));
}

TEST(ConfigLoader, CustomProviderNeedsBaseUrl) {
  EXPECT_EQ(errorOf(R"({"providers":{"groq":{"keys":[{"name":"a","value":"x"}],
      "custom_provider_config":{"base_provider_type":"openai"}}}})"),
            "providers.groq.network_config.base_url: required for a custom provider (the server's URL, e.g. "
            "http://127.0.0.1:8000/v1)");
}

TEST(ConfigLoader, SyntaxErrorIsClear) {
  EXPECT_NE(errorOf("{\"providers\": ").find("not valid JSON"), std::string::npos);
}

TEST(ConfigLoader, AzureEntraFields) {
  auto c = fromText(R"({"providers":{"azure":{"keys":[{"name":"k","azure_key_config":{
      "endpoint":"https://r.openai.azure.com","client_id":"c","tenant_id":"contoso.onmicrosoft.us",
      "client_certificate":"env.CERT","client_certificate_password":"env.PW",
      "authority_host":"https://login.microsoftonline.us/","imds_endpoint":"http://127.0.0.1:9",
      "scopes":[" https://ai.azure.com/.default ","  "]}}]}}})",
                    env({{"CERT", "-----BEGIN CERTIFICATE-----\n..."}, {"PW", "pw"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& az = *c->findProvider("azure")->keys[0].azure;
  EXPECT_EQ(az.client_certificate, "-----BEGIN CERTIFICATE-----\n...");
  EXPECT_EQ(az.client_certificate_password, "pw");
  EXPECT_EQ(az.authority_host, "https://login.microsoftonline.us");
  EXPECT_EQ(az.imds_endpoint, "http://127.0.0.1:9");
  ASSERT_EQ(az.scopes.size(), 1u);
  EXPECT_EQ(az.scopes[0], "https://ai.azure.com/.default");
}

TEST(ConfigLoader, SeedArticleEntraConfig) {
  auto c = fromText(R"({"providers":{"azure":{"keys":[{"name":"azure-entra-key","value":"","models":["*"],"weight":1.0,
      "aliases":{"claude-sonnet-4-6":"my-claude-sonnet-deployment","gpt-4o":"my-gpt4o-deployment"},
      "azure_key_config":{"endpoint":"env.AZURE_ENDPOINT","client_id":"env.AZURE_CLIENT_ID",
        "client_secret":"env.AZURE_CLIENT_SECRET","tenant_id":"env.AZURE_TENANT_ID",
        "scopes":["<https://cognitiveservices.azure.com/.default>"],"api_version":"2024-08-01-preview"}}]}}})",
                    env({{"AZURE_ENDPOINT", "https://r.openai.azure.com"},
                         {"AZURE_CLIENT_ID", "c"},
                         {"AZURE_CLIENT_SECRET", "s"},
                         {"AZURE_TENANT_ID", "t"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& k = c->findProvider("azure")->keys[0];
  EXPECT_EQ(k.value, "");
  EXPECT_EQ(k.azure->client_secret, "s");
  ASSERT_EQ(k.azure->scopes.size(), 1u);
  EXPECT_EQ(k.azure->scopes[0], "https://cognitiveservices.azure.com/.default");
}

TEST(ConfigLoader, AzureEntraFieldErrors) {
  const std::string pre = R"({"providers":{"azure":{"keys":[{"name":"k","azure_key_config":{"endpoint":"https://r",)";
  EXPECT_EQ(errorOf(pre + R"("tenant_id":"a/b"}}]}}})"),
            "providers.azure.keys[0].azure_key_config.tenant_id: expected a tenant id (a GUID) or domain name");
  EXPECT_EQ(errorOf(pre + R"("authority_host":"login.microsoftonline.com"}}]}}})"),
            "providers.azure.keys[0].azure_key_config.authority_host: expected an http:// or https:// URL, got "
            "\"login.microsoftonline.com\"");
  EXPECT_EQ(errorOf(pre + R"("client_id":"c","client_certificate":"-----BEGIN CERTIFICATE-----"}}]}}})"),
            "providers.azure.keys[0].azure_key_config.client_certificate: needs client_id and tenant_id (the app "
            "registration it belongs to)");
  EXPECT_NE(errorOf(pre + R"("client_certificate":"/nonexistent/cert.pem"}}]}}})")
                .find("providers.azure.keys[0].azure_key_config.client_certificate: cannot read certificate file "
                      "/nonexistent/cert.pem"),
            std::string::npos);
}

} // namespace
} // namespace hd::config
