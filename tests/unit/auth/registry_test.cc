#include "auth/registry.h"

#include <gtest/gtest.h>

#include "auth/token_request.h"

namespace hd::auth {
namespace {

config::Key azureKey(std::string value, std::string id, std::string secret, std::string tenant, std::string cert = "") {
  config::Key k;
  k.name = "k";
  k.value = std::move(value);
  k.azure.emplace();
  k.azure->client_id = std::move(id);
  k.azure->client_secret = std::move(secret);
  k.azure->tenant_id = std::move(tenant);
  k.azure->client_certificate = std::move(cert);
  return k;
}

TEST(AzureAuthPrecedence, ServicePrincipalThenApiKeyThenDefaultChain) {
  EXPECT_EQ(azureAuthMethod(azureKey("key", "c", "s", "t")), AzureAuthMethod::ServicePrincipal);
  EXPECT_EQ(azureAuthMethod(azureKey("", "c", "s", "t")), AzureAuthMethod::ServicePrincipal);
  EXPECT_EQ(azureAuthMethod(azureKey("key", "c", "", "t", "PEM")), AzureAuthMethod::Certificate);
  // An incomplete service principal does not count.
  EXPECT_EQ(azureAuthMethod(azureKey("key", "c", "s", "")), AzureAuthMethod::ApiKey);
  EXPECT_EQ(azureAuthMethod(azureKey("key", "", "", "")), AzureAuthMethod::ApiKey);
  EXPECT_EQ(azureAuthMethod(azureKey("", "c", "", "")), AzureAuthMethod::DefaultChain);
  EXPECT_EQ(azureAuthMethod(azureKey("", "", "", "")), AzureAuthMethod::DefaultChain);
}

TEST(TokenRequest, FormAndScopes) {
  EXPECT_EQ(formEncode({{"scope", "https://a.b/.default x"}, {"k", "a&b=c"}}),
            "scope=https%3A%2F%2Fa.b%2F.default%20x&k=a%26b%3Dc");
  EXPECT_EQ(joinScopes({}), "https://cognitiveservices.azure.com/.default");
  EXPECT_EQ(joinScopes({"", "https://ai.azure.com/.default"}), "https://ai.azure.com/.default");
  EXPECT_EQ(resourceForScopes({}), "https://cognitiveservices.azure.com");
  EXPECT_EQ(resourceForScopes({"https://ai.azure.com/.default", "x"}), "https://ai.azure.com");
  EXPECT_EQ(tokenEndpoint("https://login.microsoftonline.us", "contoso.onmicrosoft.us"),
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token");
}

} // namespace
} // namespace hd::auth
