#include "mcp/server/access.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hd::mcp::server {
namespace {

config::McpClientConfig client(std::string name, config::ToolList tools) {
  config::McpClientConfig c;
  c.name = name;
  c.client_id = name;
  c.tools_to_execute = std::move(tools);
  return c;
}

TEST(McpAccess, ClientToolsToExecute) {
  Access a;
  EXPECT_TRUE(a.allowsTool(client("fs", {true, {}}), "read"));
  EXPECT_FALSE(a.allowsTool(client("fs", {false, {}}), "read")) << "[] denies";
  EXPECT_TRUE(a.allowsTool(client("fs", {false, {"read"}}), "read"));
  EXPECT_FALSE(a.allowsTool(client("fs", {false, {"read"}}), "write"));
}

TEST(McpAccess, VirtualKeyMcpConfigs) {
  config::VirtualKey vk;
  vk.name = "k";
  vk.mcp_configs = boost::json::parse(
      R"([{"mcp_client_name":"fs","tools_to_execute":["read","fs-stat"]},{"mcp_client_id":"gh","tools_to_execute":["*"]},
          {"mcp_client_name":"none","tools_to_execute":[]}])");
  Access a = Access::make(&vk, std::nullopt, std::nullopt);
  auto all = config::ToolList{true, {}};
  EXPECT_TRUE(a.allowsTool(client("fs", all), "read"));
  EXPECT_TRUE(a.allowsTool(client("fs", all), "stat")) << "prefixed names count too";
  EXPECT_FALSE(a.allowsTool(client("fs", all), "write"));
  EXPECT_TRUE(a.allowsTool(client("gh", all), "anything"));
  EXPECT_FALSE(a.allowsTool(client("none", all), "x"));
  EXPECT_FALSE(a.allowsTool(client("other", all), "x")) << "no entry: no tools";
  EXPECT_NE(a.denial(client("fs", all), "write").find("virtual key \"k\""), std::string::npos);
  EXPECT_FALSE(a.allowsTool(client("fs", {false, {"write"}}), "read")) << "the client's list still applies";

  config::VirtualKey bare;
  Access b = Access::make(&bare, std::nullopt, std::nullopt);
  EXPECT_FALSE(b.allowsTool(client("fs", all), "read")) << "a key without mcp_configs gets no tools";
  EXPECT_FALSE(b.allowsClient(client("fs", all)));
}

TEST(McpAccess, IncludeHeaders) {
  auto all = config::ToolList{true, {}};
  Access c = Access::make(nullptr, std::string_view("fs, gh"), std::nullopt);
  EXPECT_TRUE(c.allowsTool(client("fs", all), "x"));
  EXPECT_FALSE(c.allowsTool(client("db", all), "x"));
  Access empty = Access::make(nullptr, std::string_view(""), std::nullopt);
  EXPECT_FALSE(empty.allowsTool(client("fs", all), "x")) << "an empty header denies all";
  Access t = Access::make(nullptr, std::nullopt, std::string_view("fs-read,gh-*"));
  EXPECT_TRUE(t.allowsTool(client("fs", all), "read"));
  EXPECT_FALSE(t.allowsTool(client("fs", all), "write"));
  EXPECT_TRUE(t.allowsTool(client("gh", all), "issues"));
  Access star = Access::make(nullptr, std::string_view("*"), std::string_view("*"));
  EXPECT_TRUE(star.allowsTool(client("db", all), "q"));
}

} // namespace
} // namespace hd::mcp::server
