#include <gtest/gtest.h>

#include "config/loader.h"

namespace hd::config {
namespace {

EnvLookup vars(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string errorOf(std::string_view text) {
  auto c = fromText(text, vars({}));
  return c ? "" : c.error().message;
}

TEST(McpConfig, BifrostShape) {
  auto c = fromText(R"({"mcp":{"client_configs":[
      {"name":"fs","connection_type":"stdio","stdio_config":{"command":"npx","args":["-y","x"],"envs":["TOKEN"]},
       "tools_to_execute":["*"],"tools_to_auto_execute":[]},
      {"client_id":"gh-1","name":"gh","connection_type":"http","connection_string":"https://h/mcp",
       "headers":{"Authorization":"env.GH"},"tools_to_execute":["a","b"],"tool_sync_interval":"5m"}],
      "tool_manager_config":{"tool_execution_timeout":12},"session_idle_timeout":"2m"}})",
                    vars({{"GH", "Bearer x"}}));
  ASSERT_TRUE(c) << c.error().message;
  const auto& m = c->mcp;
  ASSERT_EQ(m.clients.size(), 2u);
  EXPECT_EQ(m.clients[0].command, "npx");
  EXPECT_EQ(m.clients[0].client_id, "fs");
  EXPECT_TRUE(m.clients[0].tools_to_execute.all);
  EXPECT_EQ(m.clients[1].connection_type, McpConnection::Http);
  EXPECT_EQ(m.clients[1].client_id, "gh-1");
  EXPECT_EQ(m.clients[1].headers.at(0).second, "Bearer x");
  EXPECT_TRUE(m.clients[1].tools_to_execute.allows("b"));
  EXPECT_FALSE(m.clients[1].tools_to_execute.allows("c"));
  EXPECT_EQ(m.clients[1].tool_sync_interval, std::chrono::minutes(5));
  EXPECT_EQ(m.tool_execution_timeout, std::chrono::seconds(12));
  EXPECT_EQ(m.session_idle_timeout, std::chrono::minutes(2));
  EXPECT_EQ(m.find("gh"), &m.clients[1]);
}

TEST(McpConfig, ErrorsNameTheField) {
  EXPECT_NE(errorOf(R"({"mcp":{"client_configs":[{"connection_type":"stdio"}]}})").find("mcp.client_configs[0].name"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"mcp":{"client_configs":[{"name":"a","connection_type":"ftp"}]}})")
                .find("mcp.client_configs[0].connection_type"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"mcp":{"client_configs":[{"name":"a"}]}})").find("stdio_config.command"), std::string::npos);
  EXPECT_NE(errorOf(R"({"mcp":{"client_configs":[{"name":"a","connection_type":"http"}]}})").find("connection_string"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"mcp":{"client_configs":[{"name":"a/b","stdio_config":{"command":"x"}}]}})").find(".name"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"mcp":{"client_configs":[{"name":"a","stdio_config":{"command":"x"}},
                                                 {"name":"a","stdio_config":{"command":"y"}}]}})")
                .find("duplicate client name"),
            std::string::npos);
  EXPECT_NE(
      errorOf(
          R"({"mcp":{"client_configs":[{"name":"a","stdio_config":{"command":"x"},"tools_to_execute":["*","b"]}]}})")
          .find("tools_to_execute"),
      std::string::npos);
  EXPECT_NE(
      errorOf(R"({"mcp":{"tool_manager_config":{"tool_execution_timeout":"soon"}}})").find("tool_execution_timeout"),
      std::string::npos);
  EXPECT_NE(errorOf(R"({"mcp":{"bogus":1}})").find("mcp.bogus"), std::string::npos);
}

} // namespace
} // namespace hd::config
