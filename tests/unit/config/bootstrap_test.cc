#include "config/bootstrap.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

namespace hd::config {
namespace {

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

Result<Bootstrap> parse(std::string_view text, const EnvLookup& e) {
  auto v = boost::json::parse(text);
  return parseBootstrap(&v, e);
}

TEST(Bootstrap, DefaultsToSqliteAndEnvironmentKey) {
  auto b = parseBootstrap(nullptr, env({{"HEIMDALL_ENCRYPTION_KEY", "k"}}));
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->config_store.enabled);
  EXPECT_EQ(b->config_store.type, "sqlite");
  EXPECT_EQ(b->encryption_key, "k");
  EXPECT_FALSE(b->auth.enabled);
}

TEST(Bootstrap, PostgresSettingsWithEnvReferencesAndNumericPort) {
  auto b = parse(R"({"config_store":{"enabled":true,"type":"postgres","config":{"host":"db","port":5433,
      "user":"u","password":"env.PGPW","db_name":"heimdall","ssl_mode":"require"}},"encryption_key":"env.EK"})",
                 env({{"PGPW", "secret"}, {"EK", "from-file"}, {"HEIMDALL_ENCRYPTION_KEY", "ignored"}}));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->config_store.pg_port, "5433");
  EXPECT_EQ(b->config_store.pg_password, "secret");
  EXPECT_EQ(b->config_store.pg_ssl_mode, "require");
  EXPECT_EQ(b->encryption_key, "from-file");
}

TEST(Bootstrap, ErrorsNameTheField) {
  auto e = env({});
  auto r = parse(R"({"config_store":{"type":"mysql"}})", e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("config_store.type: ", 0), 0u);
  r = parse(R"({"config_store":{"type":"postgres","config":{"user":"u"}}})", e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("config_store.config.db_name: ", 0), 0u);
  r = parse(R"({"auth_config":{"is_enabled":true,"admin_username":"a"}})", e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("auth_config.admin_password: ", 0), 0u);
  r = parse(R"({"auth_config":{"is_enabled":"yes"}})", e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("auth_config.is_enabled: ", 0), 0u);
  r = parse(R"({"encryption_key":"env.MISSING"})", e);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("MISSING is not set"), std::string::npos);
}

} // namespace
} // namespace hd::config
